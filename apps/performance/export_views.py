"""Print preview, PDF and workbook of one self-evaluation (scoped like its page)."""

from urllib.parse import quote

from django.http import HttpResponse
from django.shortcuts import render

from apps.exports.pdf import PdfFailed, PdfTooSlow, html_to_pdf_bounded
from apps.performance.exports import evaluation_html, evaluation_workbook
from apps.performance.permissions import get_evaluation_for_user

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _filename(evaluation, ext: str) -> str:
    p = evaluation.project
    return f"{p.budget_year.year}-{p.unit.name}-{p.name}-绩效自评.{ext}"


def evaluation_print(request, pk):
    return HttpResponse(evaluation_html(get_evaluation_for_user(request.user, pk)))


def evaluation_pdf(request, pk):
    evaluation = get_evaluation_for_user(request.user, pk)
    try:
        content = html_to_pdf_bounded(evaluation_html(evaluation))
    except (PdfTooSlow, PdfFailed) as exc:
        context = {"project": evaluation.project, "too_slow": isinstance(exc, PdfTooSlow)}
        return render(request, "exports/pdf_refused.html", context, status=503)
    return _attachment(content, "application/pdf", _filename(evaluation, "pdf"))


def evaluation_xlsx(request, pk):
    evaluation = get_evaluation_for_user(request.user, pk)
    return _attachment(evaluation_workbook(evaluation), XLSX, _filename(evaluation, "xlsx"))
