"""Jobs that survive crashes: heartbeats, lease expiry, bounded retries, pruning.

django-tasks-db leaves a task RUNNING for ever when its worker dies (kill -9, power loss,
out of memory). Each worker process therefore beats for the export it runs (every
EXPORT_HEARTBEAT_SECONDS, from a thread of `manage.py db_worker`, see
apps/exports/management/commands/db_worker.py), and every worker sweeps: a running job
whose beat is older than EXPORT_LEASE_SECONDS lost its worker. It is queued again, at most
EXPORT_MAX_ATTEMPTS runs in all; then it is marked failed with a Chinese message, and the job
page offers 重试.
"""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.exports.models import ExportJob


def heartbeat_seconds() -> int:
    return settings.EXPORT_HEARTBEAT_SECONDS


GAVE_UP = "导出进程意外中断（已自动重试 {attempts} 次仍未完成），请点击“重试”重新生成；如果反复失败，请联系管理员。"


def export_jobs_beat(*, worker_id: str) -> int:
    """Renew the lease of the jobs this worker runs."""
    return ExportJob.objects.filter(status=ExportJob.Status.RUNNING, worker_id=worker_id).update(
        heartbeat_at=timezone.now()
    )


def _fail_task_result(task_id) -> None:
    # The dead worker's task row stays RUNNING otherwise; mark it failed for the record.
    if task_id:
        DBTaskResult.objects.filter(pk=task_id, status="RUNNING").update(
            status="FAILED",
            finished_at=timezone.now(),
            exception_class_path="apps.exports.recovery.WorkerLost",
            traceback="worker lost (heartbeat expired)",
        )


def export_job_requeue(*, job: ExportJob) -> None:
    """Queue a job to run again (on commit); its file and progress start afresh."""
    from apps.exports.tasks import run_export

    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJob.Status.QUEUED,
        done=0,
        worker_id="",
        heartbeat_at=None,
        error="",
        finished_at=None,
    )

    def enqueue() -> None:
        result = run_export.enqueue(str(job.pk))
        ExportJob.objects.filter(pk=job.pk).update(task_id=result.id)

    transaction.on_commit(enqueue)


def export_jobs_recover(*, now=None) -> dict[str, int]:
    """Requeue or fail the running jobs whose worker stopped beating, and the queued ones
    whose task a lost worker had claimed. Safe to run anywhere, any number of times at once
    (rows are locked, busy ones skipped)."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.EXPORT_LEASE_SECONDS)
    expired = Q(heartbeat_at__lt=cutoff) | Q(heartbeat_at__isnull=True)
    # A worker that died after claiming the task but before the job said RUNNING leaves the
    # job QUEUED with its task row RUNNING: no worker will ever take that task again.
    claimed_then_lost = DBTaskResult.objects.filter(status="RUNNING", started_at__lt=cutoff).values(
        "id"
    )
    counts = {"requeued": 0, "failed": 0}
    with transaction.atomic():
        jobs = list(
            ExportJob.objects.select_for_update(skip_locked=True).filter(
                (expired & Q(status=ExportJob.Status.RUNNING))
                | Q(status=ExportJob.Status.QUEUED, task_id__in=claimed_then_lost)
            )
        )
        for job in jobs:
            _fail_task_result(job.task_id)
            if job.attempts < settings.EXPORT_MAX_ATTEMPTS:
                export_job_requeue(job=job)
                counts["requeued"] += 1
            else:
                error = GAVE_UP.format(attempts=job.attempts - 1)
                ExportJob.objects.filter(pk=job.pk).update(
                    status=ExportJob.Status.FAILED, error=error, finished_at=now, worker_id=""
                )
                if job.parent_id:
                    from apps.exports.fanout import chunk_failed

                    chunk_failed(chunk=job, error=error)
                counts["failed"] += 1
    return counts


def export_jobs_prune(*, days: int, now=None) -> int:
    """Delete finished jobs older than ``days`` days with their files; returns how many."""
    now = now or timezone.now()
    old = ExportJob.objects.filter(
        status__in=[ExportJob.Status.DONE, ExportJob.Status.FAILED],
        finished_at__lt=now - timedelta(days=days),
    )
    count = 0
    for job in old.filter(parent=None).iterator():
        from apps.exports.fanout import chunks_delete

        chunks_delete(job=job)
        if job.file:
            job.file.delete(save=False)
        job.delete()
        count += 1
    DBTaskResult.objects.filter(
        status__in=["SUCCESSFUL", "FAILED"], finished_at__lt=now - timedelta(days=days)
    ).delete()
    return count
