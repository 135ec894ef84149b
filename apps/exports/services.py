from django.db import transaction

from apps.exports.fanout import chunks_delete
from apps.exports.models import ExportJob
from apps.exports.recovery import export_job_requeue
from apps.exports.tasks import run_export


def export_job_start(*, user, kind: str, unit, budget_year) -> ExportJob:
    """Queue an export; the worker picks it up once the job row is committed."""
    job = ExportJob.objects.create(user=user, kind=kind, unit=unit, budget_year=budget_year)

    def enqueue() -> None:
        result = run_export.enqueue(str(job.pk))
        ExportJob.objects.filter(pk=job.pk).update(task_id=result.id)

    transaction.on_commit(enqueue)
    return job


class JobNotRetryable(Exception):
    pass


@transaction.atomic
def export_job_retry(*, job: ExportJob, actor) -> ExportJob:
    """Run a failed job again from the start (the 重试 button), with a fresh retry budget."""
    job = ExportJob.objects.select_for_update().get(pk=job.pk)
    if job.user_id != actor.pk:
        raise JobNotRetryable("只能重试自己的导出。")
    if job.status != ExportJob.Status.FAILED:
        raise JobNotRetryable("只有失败的导出可以重试。")
    if job.parent_id:
        raise JobNotRetryable("这是一个导出的一部分，请重试整个导出。")
    if job.file:
        job.file.delete(save=False)
    chunks_delete(job=job)
    ExportJob.objects.filter(pk=job.pk).update(attempts=0, file="", filename="")
    export_job_requeue(job=job)
    job.refresh_from_db()
    return job
