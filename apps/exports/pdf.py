"""PDF of the sheets: the print template rendered by WeasyPrint.

WeasyPrint is imported when a PDF is made, not at start-up (the import costs about a
second). Chinese needs a CJK font on the machine (fonts-noto-cjk); see README.
"""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils import timezone

from apps.exports.layout import project_layouts, unit_summary_layout
from apps.projects.models import Project


def project_html(project: Project) -> str:
    return render_to_string(
        "exports/project.html",
        {"project": project, "layouts": project_layouts(project), "exported_at": timezone.now()},
    )


def html_to_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html).write_pdf()


def project_pdf(project: Project) -> bytes:
    return html_to_pdf(project_html(project))


def unit_pdf(unit, budget_year, projects, progress: Callable[[int], None] = lambda done: None):
    """The summary sheet, then every project's three sheets, as one PDF.

    Each project is laid out on its own (its pages numbered 第 n 页 / 共 N 页 within the
    project) and reported to ``progress``; the pages are then joined into one document.
    """
    from weasyprint import HTML

    summary = render_to_string(
        "exports/summary.html",
        {
            "layout": unit_summary_layout(unit, budget_year, projects),
            "exported_at": timezone.now(),
        },
    )
    documents = [HTML(string=summary).render()]
    for done, project in enumerate(projects, start=1):
        documents.append(HTML(string=project_html(project)).render())
        progress(done)
    pages = [page for document in documents for page in document.pages]
    return documents[0].copy(pages).write_pdf()
