"""Background exports, run by a worker (`manage.py db_worker`) of Django's tasks framework."""

import logging

from django.core.files.base import ContentFile
from django.tasks import task
from django.utils import timezone

from apps.exports.models import ExportJob
from apps.exports.selectors import unit_projects_for_export

logger = logging.getLogger(__name__)


@task
def run_export(job_id: str) -> None:
    job = ExportJob.objects.select_related("unit", "budget_year").get(pk=job_id)
    projects = unit_projects_for_export(job.unit, job.budget_year)
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.RUNNING, total=len(projects), done=0
    )

    def progress(done: int) -> None:
        ExportJob.objects.filter(pk=job.pk).update(done=done)

    try:
        if job.kind == ExportJob.Kind.UNIT_BOOK:
            from apps.unit_budgets.exports import book_pdf
            from apps.unit_budgets.selectors import book_for

            book = book_for(job.unit, job.budget_year)
            content, extension = book_pdf(book, progress), "pdf"
        elif job.kind == ExportJob.Kind.UNIT_PDF:
            from apps.exports.pdf import unit_pdf

            content, extension = unit_pdf(job.unit, job.budget_year, projects, progress), "pdf"
        else:
            from apps.exports.xlsx import unit_workbook

            content = unit_workbook(job.unit, job.budget_year, projects, progress)
            extension = "xlsx"
    except Exception as exc:  # the job page must say it failed, whatever the cause
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.FAILED, error=str(exc)[:2000], finished_at=timezone.now()
        )
        return
    job.refresh_from_db()
    what = "单位预算" if job.kind == ExportJob.Kind.UNIT_BOOK else "全部项目"
    job.filename = f"{job.budget_year.year}-{job.unit.name}-{what}.{extension}"
    job.file.save(f"{job.pk}.{extension}", ContentFile(content), save=False)
    job.status = ExportJob.Status.DONE
    job.done = job.total
    job.finished_at = timezone.now()
    job.save()
