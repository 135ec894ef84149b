from urllib.parse import quote

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from apps.budgets.models import BudgetYear
from apps.exports.layout import project_for_export
from apps.exports.models import ExportJob
from apps.exports.pdf import PdfFailed, PdfTooSlow, project_html, project_pdf_bounded
from apps.exports.services import JobNotRetryable, export_job_retry, export_job_start
from apps.projects.permissions import get_project_for_user, visible_units
from apps.units.models import Unit


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = _disposition(filename)
    return response


def _disposition(filename: str) -> str:
    # RFC 5987: Chinese file names survive in every current browser.
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def project_print(request, pk):
    """The three sheets as printed, in the browser (the same template as the PDF)."""
    project = project_for_export(get_project_for_user(request.user, pk).pk)
    return HttpResponse(project_html(project))


def project_export_pdf(request, pk):
    project = project_for_export(get_project_for_user(request.user, pk).pk)
    filename = f"{project.budget_year.year}-{project.unit.name}-{project.name}.pdf"
    try:
        content = project_pdf_bounded(project)
    except (PdfTooSlow, PdfFailed) as exc:
        context = {"project": project, "too_slow": isinstance(exc, PdfTooSlow)}
        return render(request, "exports/pdf_refused.html", context, status=503)
    return _attachment(content, "application/pdf", filename)


def blank_template_xlsx(request, year):
    """The year's three sheets, empty, to fill offline and import (any signed-in user)."""
    from apps.exports.blank import blank_workbook

    budget_year = get_object_or_404(BudgetYear, year=year)
    return _attachment(
        blank_workbook(budget_year),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        f"{year}年绩效目标申报表-空白模板.xlsx",
    )


def project_export_xlsx(request, pk):
    from apps.exports.xlsx import project_workbook

    project = project_for_export(get_project_for_user(request.user, pk).pk)
    filename = f"{project.budget_year.year}-{project.unit.name}-{project.name}.xlsx"
    content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _attachment(project_workbook(project), content_type, filename)


@require_POST
def unit_export_start(request):
    try:
        unit = visible_units(request.user).get(pk=int(request.POST.get("unit", "")))
        year = BudgetYear.objects.get(year=int(request.POST.get("year", "")))
    except (ValueError, BudgetYear.DoesNotExist, Unit.DoesNotExist):
        raise Http404("没有可导出的单位或年度。") from None
    kind = request.POST.get("kind")
    if kind not in ExportJob.Kind.values:
        raise Http404("没有这种导出。")
    job = export_job_start(user=request.user, kind=kind, unit=unit, budget_year=year)
    return redirect("exports:job", job_id=job.pk)


def _own_job(request, job_id) -> ExportJob:
    return get_object_or_404(
        ExportJob.objects.select_related("unit", "budget_year"), pk=job_id, user=request.user
    )


def job_detail(request, job_id):
    job = _own_job(request, job_id)
    job.refresh_progress()
    return render(request, "exports/job.html", {"job": job})


@require_POST
def job_retry(request, job_id):
    job = _own_job(request, job_id)
    try:
        export_job_retry(job=job, actor=request.user)
    except JobNotRetryable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已重新排队生成。")
    return redirect("exports:job", job_id=job.pk)


def job_status(request, job_id):
    job = _own_job(request, job_id)
    job.refresh_progress()
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "download": reverse("exports:job_download", args=[job.pk])
            if job.status == ExportJob.Status.DONE
            else None,
        }
    )


def job_download(request, job_id):
    job = _own_job(request, job_id)
    if job.status != ExportJob.Status.DONE or not job.file:
        raise Http404("文件尚未生成。")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename)


def job_list(request):
    jobs = ExportJob.objects.filter(user=request.user, parent=None).select_related(
        "unit", "budget_year"
    )[:50]
    return render(request, "exports/jobs.html", {"jobs": jobs})
