"""Background exports, run by a worker (`manage.py db_worker`) of Django's tasks framework.

A job records the worker running it; that worker beats for it, and a job whose worker
died is run again or failed (apps/exports/recovery.py).
"""

import logging

from django.db.models import F
from django.tasks import task
from django.utils import timezone

from apps.exports import fanout, registry
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
    try:
        result = _render(job, mine)
    except Exception as exc:  # the job page must say it failed, whatever the cause
        logger.exception("export %s failed", job.pk)
        error = f"导出时出错：{exc}"[:2000]
        if mine.update(status=ExportJob.Status.FAILED, error=error, finished_at=timezone.now()):
            if job.parent_id:
                fanout.chunk_failed(chunk=job, error=error)
        return
    if result is None:  # split into chunks, or waiting for them
        return
    content, extension = result
    job.refresh_from_db()
    if job.worker_id != worker_id:  # given to another worker meanwhile: its result counts
        return
    what = "单位预算" if job.kind == ExportJob.Kind.UNIT_BOOK else "全部项目"
    if job.kind in registry.RENDERERS:
        what = registry.RENDERERS[job.kind].label
    part = f"-第{job.index + 1}部分" if job.parent_id else ""
    made = {"status": ExportJob.Status.DONE, "done": F("total"), "finished_at": timezone.now()}
    if content is not None:  # a chunk keeps its projects' pages, not a file of its own
        made["file"] = fanout.save_file(job, content, extension)
        made["filename"] = f"{job.budget_year.year}-{job.unit.name}-{what}{part}.{extension}"
    done = mine.update(**made)
    if done and job.parent_id:
        fanout.chunk_finished(chunk=job)
    elif done and job.chunks.exists():
        fanout.chunk_files_drop(job=job)


def _render(job: ExportJob, mine) -> tuple[bytes | None, str] | None:
    if job.kind in registry.RENDERERS:
        return _render_registered(job, mine)
    projects = unit_projects_for_export(
        job.unit, job.budget_year, job.project_ids if job.parent_id else None
    )
    mine.update(total=len(projects))

    def progress(done: int) -> None:
        mine.update(done=done, heartbeat_at=timezone.now())

    if job.kind == ExportJob.Kind.UNIT_BOOK:
        from apps.unit_budgets.exports import book_pdf
        from apps.unit_budgets.selectors import book_for

        return book_pdf(book_for(job.unit, job.budget_year), progress, projects), "pdf"
    if job.kind == ExportJob.Kind.UNIT_XLSX:
        from apps.exports.xlsx import unit_workbook

        return unit_workbook(job.unit, job.budget_year, projects, progress), "xlsx"

    from apps.exports import pages
    from apps.exports.pdf import unit_pdf

    if job.parent_id:  # a chunk: its projects' pages, kept for the join
        pages.projects_pages(projects, progress)
        return None, "pdf"
    if job.chunks.exists() and not fanout.chunks_done(job=job):
        mine.update(status=ExportJob.Status.WAITING, worker_id="", heartbeat_at=None)
        return None
    if job.chunks.exists():  # queued again by the last chunk: join the kept pages
        return unit_pdf(job.unit, job.budget_year, projects, progress), "pdf"
    if fanout.should_split(job, len(projects)):
        fanout.chunks_create(job=job, project_ids=[p.pk for p in projects])
        return None
    return unit_pdf(job.unit, job.budget_year, projects, progress), "pdf"


def _render_registered(job: ExportJob, mine) -> tuple[bytes, str]:
    def progress(done: int) -> None:
        mine.update(done=done, heartbeat_at=timezone.now())

    progress.total = lambda n: mine.update(total=n)
    return registry.RENDERERS[job.kind].render(job, progress)
