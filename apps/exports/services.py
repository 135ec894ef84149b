from django.db import transaction

from apps.exports.models import ExportJob
from apps.exports.tasks import run_export


def export_job_start(*, user, kind: str, unit, budget_year) -> ExportJob:
    """Queue an export; the worker picks it up once the job row is committed."""
    job = ExportJob.objects.create(user=user, kind=kind, unit=unit, budget_year=budget_year)
    transaction.on_commit(lambda: run_export.enqueue(str(job.pk)))
    return job
