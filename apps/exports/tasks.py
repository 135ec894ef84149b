"""Background exports, run by a worker (`manage.py db_worker`) of Django's tasks framework.

A job records the worker running it; that worker beats for it, and a job whose worker
died is run again or failed (apps/exports/recovery.py).
"""

import logging

from django.core.files.base import ContentFile
from django.db.models import F
from django.tasks import task
from django.utils import timezone

from apps.exports.models import ExportJob
from apps.exports.selectors import unit_projects_for_export

logger = logging.getLogger(__name__)


@task(takes_context=True)
def run_export(context, job_id: str) -> None:
    worker_id = context.task_result.worker_ids[-1] if context.task_result.worker_ids else ""
    claimed = ExportJob.objects.filter(
        pk=job_id, status__in=[ExportJob.Status.QUEUED, ExportJob.Status.RUNNING]
    ).update(
        status=ExportJob.Status.RUNNING,
        worker_id=worker_id,
        heartbeat_at=timezone.now(),
        attempts=F("attempts") + 1,
        task_id=context.task_result.id,
    )
    if not claimed:  # finished or failed meanwhile (e.g. given up on): nothing to do
        return
    job = ExportJob.objects.select_related("unit", "budget_year").get(pk=job_id)
    mine = ExportJob.objects.filter(pk=job.pk, worker_id=worker_id)
    projects = unit_projects_for_export(job.unit, job.budget_year)
    mine.update(total=len(projects), done=0)

    def progress(done: int) -> None:
        mine.update(done=done, heartbeat_at=timezone.now())

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
        mine.update(
            status=ExportJob.Status.FAILED,
            error=f"导出时出错：{exc}"[:2000],
            finished_at=timezone.now(),
        )
        return
    job.refresh_from_db()
    if job.worker_id != worker_id:  # given to another worker meanwhile: its result counts
        return
    what = "单位预算" if job.kind == ExportJob.Kind.UNIT_BOOK else "全部项目"
    filename = f"{job.budget_year.year}-{job.unit.name}-{what}.{extension}"
    name = job.file.field.generate_filename(job, f"{job.pk}.{extension}")
    name = job.file.storage.save(name, ContentFile(content))
    mine.update(
        status=ExportJob.Status.DONE,
        file=name,
        filename=filename,
        done=F("total"),
        finished_at=timezone.now(),
    )
