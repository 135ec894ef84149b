"""The whole unit's 自评 export (kinds eval_pdf / eval_xlsx, registered renderers) survives a
worker killed with SIGKILL mid-job like the project exports do: a new worker sees the lease
expire and finishes the job; after EXPORT_MAX_ATTEMPTS lost runs it fails in Chinese.
Real `manage.py db_worker` processes (tests/production/test_worker_crash.py)."""

from decimal import Decimal
from io import BytesIO

import pytest
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.exports.models import ExportJob
from apps.exports.services import export_job_start
from tests import factories
from tests.performance.helpers import approve, filled
from tests.production.test_worker_crash import (  # noqa: F401  (fixtures: media, workers)
    kill_mid_job,
    media,
    state,
    wait_for,
    workers,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("media")]


@pytest.fixture
def evaluations(approved, alice, unit_a):
    names = [approved.name]
    filled(approved, alice, executed=Decimal("455500"), actual_goal="完成情况。" * 400)
    for i in range(3):
        other = factories.ready_project(unit=unit_a, name=f"第{i + 2}个项目")
        approve(other, alice)
        filled(other, alice, actual_goal="完成情况。" * 400)
        names.append(other.name)
    return names


def start(alice, kind):
    return export_job_start(
        user=alice, kind=kind, unit=alice.unit, budget_year=BudgetYear.objects.get(year=2020)
    )


def test_a_killed_worker_eval_pdf_job_is_finished_by_the_next_worker(
    alice,
    evaluations,
    workers,  # noqa: F811
):
    job = start(alice, ExportJob.Kind.EVALUATIONS_PDF)
    pool = workers()
    first = kill_mid_job(pool.start(), job, attempts=1)
    pool.start()
    done = wait_for(lambda: (j := state(job)).status == "done" and j, what="the job to finish")
    assert done.attempts == 2 and done.worker_id != first.worker_id
    assert DBTaskResult.objects.get(pk=first.task_id).status == "FAILED"  # not left RUNNING
    assert done.done == done.total == len(evaluations) + 1
    with done.file.open("rb") as handle:
        text = "".join(p.extract_text() for p in PdfReader(BytesIO(handle.read())).pages)
    compact = "".join(text.split())
    assert all(name in compact for name in evaluations)


def test_an_eval_xlsx_job_whose_workers_keep_dying_fails_in_chinese(
    alice,
    evaluations,
    workers,  # noqa: F811
):
    job = start(alice, ExportJob.Kind.EVALUATIONS_XLSX)
    pool = workers(EXPORT_MAX_ATTEMPTS="1")
    kill_mid_job(pool.start(), job, attempts=1)
    pool.start()
    failed = wait_for(lambda: (j := state(job)).status == "failed" and j, what="giving up")
    assert "导出进程意外中断" in failed.error and "重试" in failed.error
