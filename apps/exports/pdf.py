"""PDF of the sheets: the print template rendered by WeasyPrint.

WeasyPrint is imported when a PDF is made, not at start-up (the import costs about a
second). Chinese needs a CJK font on the machine (fonts-noto-cjk); see README.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from apps.exports.layout import project_layouts
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
