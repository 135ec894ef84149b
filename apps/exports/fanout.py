"""Fan-out of a large unit PDF: chunks that several workers render at once, then a join.

A unit PDF with more than EXPORT_CHUNK_PROJECTS projects is split: its first run creates
one chunk job per EXPORT_CHUNK_PROJECTS projects (ExportJob rows with ``parent`` set and
their ``project_ids``) and waits (status WAITING). Any worker on any machine takes chunks
from the queue and renders their projects' pages; chunks are jobs like any other, with
heartbeats, retries and failure (apps/exports/recovery.py). A chunk keeps its projects'
pages (apps/exports/pages.py) and writes no file of its own; the chunk that finishes last
queues the parent again, whose run then makes the unit PDF from the kept pages (rendering
only a project changed, or whose pages could not be kept, since). A chunk that fails for
good fails its parent; 重试 on the parent starts afresh.
"""

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from apps.exports.models import ExportJob


def should_split(job: ExportJob, project_count: int) -> bool:
    return (
        job.parent_id is None
        and job.kind == ExportJob.Kind.UNIT_PDF
        and project_count > settings.EXPORT_CHUNK_PROJECTS
    )


def chunks_create(*, job: ExportJob, project_ids: list[int]) -> list[ExportJob]:
    """Split ``job`` into chunk jobs (queued on commit) and let it wait for them."""
    from apps.exports.recovery import export_job_requeue

    size = settings.EXPORT_CHUNK_PROJECTS
    with transaction.atomic():
        chunks = []
        for index, start in enumerate(range(0, len(project_ids), size)):
            part = project_ids[start : start + size]
            chunk = ExportJob.objects.create(
                user_id=job.user_id,
                kind=job.kind,
                unit_id=job.unit_id,
                budget_year_id=job.budget_year_id,
                parent=job,
                index=index,
                project_ids=part,
                total=len(part),
            )
            export_job_requeue(job=chunk)
            chunks.append(chunk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJob.Status.WAITING, worker_id="", heartbeat_at=None
        )
    return chunks


def chunk_finished(*, chunk: ExportJob) -> None:
    """Called when a chunk is done: the last one queues its parent to join them."""
    from apps.exports.recovery import export_job_requeue

    with transaction.atomic():
        parent = ExportJob.objects.select_for_update().get(pk=chunk.parent_id)
        if parent.status != ExportJob.Status.WAITING:
            return
        if not parent.chunks.exclude(status=ExportJob.Status.DONE).exists():
            export_job_requeue(job=parent)


def chunk_failed(*, chunk: ExportJob, error: str) -> None:
    """A chunk failed for good: so does its parent (its 重试 starts everything afresh)."""
    with transaction.atomic():
        parent = ExportJob.objects.select_for_update().get(pk=chunk.parent_id)
        if parent.status in (ExportJob.Status.DONE, ExportJob.Status.FAILED):
            return
        ExportJob.objects.filter(pk=parent.pk).update(
            status=ExportJob.Status.FAILED,
            error=f"第 {chunk.index + 1} 部分（共 {parent.chunks.count()} 部分）失败：{error}",
            finished_at=timezone.now(),
        )


def chunks_done(*, job: ExportJob) -> bool:
    """Whether every chunk of ``job`` is done (else the parent waits again)."""
    return not job.chunks.exclude(status=ExportJob.Status.DONE).exists()


def chunks_delete(*, job: ExportJob) -> None:
    for chunk in job.chunks.all():
        if chunk.file:
            chunk.file.delete(save=False)
        chunk.delete()


def chunk_files_drop(*, job: ExportJob) -> None:
    """After the join the chunks' files (of chunks made before chunks kept pages instead)
    are no longer needed (the rows stay as a record)."""
    for chunk in job.chunks.exclude(file=""):
        chunk.file.delete(save=False)
        ExportJob.objects.filter(pk=chunk.pk).update(file="")


def save_file(job: ExportJob, content: bytes, extension: str) -> str:
    name = job.file.field.generate_filename(job, f"{job.pk}.{extension}")
    return job.file.storage.save(name, ContentFile(content))
