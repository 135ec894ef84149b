"""Exports survive a worker killed with SIGKILL mid-job: a new worker sees the lease
expire, runs the job again and finishes it; after EXPORT_MAX_ATTEMPTS lost runs the job
fails with a Chinese message and 重试 runs it again. Real `manage.py db_worker` processes."""

import os
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.exports.models import ExportJob
from apps.exports.services import export_job_start
from apps.projects.services import load_project_file
from tests.production.server import ROOT, database_url

pytestmark = pytest.mark.django_db(transaction=True)

DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("004*.json"))


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return settings.MEDIA_ROOT


@pytest.fixture
def job(reference, alice, media):
    for path in DEMO:
        load_project_file(path)
    return export_job_start(
        user=alice,
        kind=ExportJob.Kind.UNIT_PDF,
        unit=alice.unit,
        budget_year=BudgetYear.objects.get(year=2020),
    )


class Workers:
    def __init__(self, media: str, **extra: str):
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")},
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url(),
            "MEDIA_ROOT": media,
            "EXPORT_HEARTBEAT_SECONDS": "1",
            "EXPORT_LEASE_SECONDS": "4",
            **extra,
        }
        self.processes: list[subprocess.Popen] = []

    def start(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.processes.append(process)
        return process

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
            process.wait()


@pytest.fixture
def workers(media):
    made = []

    def make(**extra):
        made.append(Workers(media, **extra))
        return made[-1]

    yield make
    for group in made:
        group.stop_all()


def wait_for(predicate, timeout=120, what=""):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def state(job):
    return ExportJob.objects.get(pk=job.pk)


def kill_mid_job(process, job, attempts):
    running = wait_for(
        lambda: (j := state(job)).status == "running" and j.attempts == attempts and j,
        what=f"run {attempts} to start",
    )
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert state(job).status == "running"  # what django-tasks-db alone leaves for ever
    return running


def test_a_killed_worker_job_is_taken_over_by_a_new_worker_and_finished(job, workers):
    pool = workers()
    first = kill_mid_job(pool.start(), job, attempts=1)
    pool.start()
    done = wait_for(lambda: (j := state(job)).status == "done" and j, what="the job to finish")
    assert done.attempts == 2
    assert done.worker_id != first.worker_id
    assert DBTaskResult.objects.get(pk=first.task_id).status == "FAILED"  # not left RUNNING
    with done.file.open("rb") as handle:
        reader = PdfReader(BytesIO(handle.read()))
    assert "汇总表" in reader.pages[0].extract_text()
    assert done.done == done.total == len(DEMO)


def test_after_the_last_attempt_the_job_fails_in_chinese_and_retry_runs_it(job, workers, client):
    pool = workers(EXPORT_MAX_ATTEMPTS="2")
    kill_mid_job(pool.start(), job, attempts=1)
    kill_mid_job(pool.start(), job, attempts=2)
    pool.start()
    failed = wait_for(lambda: (j := state(job)).status == "failed" and j, what="giving up")
    assert "导出进程意外中断" in failed.error and "重试" in failed.error

    client.force_login(job.user)
    page = client.get(reverse("exports:job", args=[job.pk])).content.decode()
    assert "导出进程意外中断" in page
    assert 'id="job-retry"' in page and 'id="job-retry" hidden' not in page
    assert client.get(reverse("exports:job_status", args=[job.pk])).json()["status"] == "failed"
    response = client.post(reverse("exports:job_retry", args=[job.pk]))
    assert response.status_code == 302
    assert state(job).status in ("queued", "running", "done")
    done = wait_for(lambda: (j := state(job)).status == "done" and j, what="the retried job")
    assert done.attempts == 1 and done.error == ""
