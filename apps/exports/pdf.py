"""PDF of the sheets: the print template rendered by WeasyPrint.

WeasyPrint is imported when a PDF is made, not at start-up (the import costs about a
second). Chinese needs a CJK font on the machine (fonts-noto-cjk); see README.
"""

from collections.abc import Callable
from io import BytesIO
from itertools import batched

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


# Projects laid out together before their pages are written out. Laid-out pages cost
# about 16 MiB a project; a chunk bounds that, and writing fonts once a chunk (not once
# a project) keeps most of the speed of one big document (scripts/bench_exports.py).
UNIT_PDF_CHUNK = 6


def unit_pdf(unit, budget_year, projects, progress: Callable[[int], None] = lambda done: None):
    """The summary sheet, then every project's three sheets, as one PDF.

    Each project is laid out on its own (its pages numbered 第 n 页 / 共 N 页 within the
    project) and reported to ``progress``; chunks of projects are written out and joined.
    """
    from pypdf import PdfWriter
    from weasyprint import HTML

    summary = render_to_string(
        "exports/summary.html",
        {
            "layout": unit_summary_layout(unit, budget_year, projects),
            "exported_at": timezone.now(),
        },
    )
    writer = PdfWriter()
    writer.append(BytesIO(HTML(string=summary).write_pdf()))
    done = 0
    for chunk in batched(projects, UNIT_PDF_CHUNK):
        documents = []
        for project in chunk:
            documents.append(HTML(string=project_html(project)).render())
            done += 1
            progress(done)
        pages = [page for document in documents for page in document.pages]
        writer.append(BytesIO(documents[0].copy(pages).write_pdf()))
        del documents, pages  # free the laid-out pages before the next chunk
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
