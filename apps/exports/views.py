from urllib.parse import quote

from django.http import HttpResponse

from apps.exports.layout import project_for_export
from apps.exports.pdf import project_html, project_pdf
from apps.projects.permissions import get_project_for_user


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987: Chinese file names survive in every current browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def project_print(request, pk):
    """The three sheets as printed, in the browser (the same template as the PDF)."""
    project = project_for_export(get_project_for_user(request.user, pk).pk)
    return HttpResponse(project_html(project))


def project_export_pdf(request, pk):
    project = project_for_export(get_project_for_user(request.user, pk).pk)
    filename = f"{project.budget_year.year}-{project.unit.name}-{project.name}.pdf"
    return _attachment(project_pdf(project), "application/pdf", filename)
