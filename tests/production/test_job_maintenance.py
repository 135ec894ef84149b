"""The 重试 URL's scope, the recovery sweep's rules, and pruning of old jobs and files."""

import os
from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from apps.budgets.models import BudgetYear
from apps.exports.models import ExportJob
from apps.exports.recovery import export_jobs_recover


@pytest.fixture
def make_job(alice, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)

    def make(**fields):
        return ExportJob.objects.create(
            user=alice,
            kind=ExportJob.Kind.UNIT_XLSX,
            unit=alice.unit,
            budget_year=BudgetYear.objects.get(year=2020),
            **fields,
        )

    return make


def test_retry_is_post_only_and_only_for_the_owner(client, alice, bob, make_job):
    job = make_job(status=ExportJob.Status.FAILED, error="x")
    url = reverse("exports:job_retry", args=[job.pk])
    client.force_login(bob)
    assert client.post(url).status_code == 404
    assert client.get(reverse("exports:job", args=[job.pk])).status_code == 404
    client.force_login(alice)
    assert client.get(url).status_code == 405
    assert ExportJob.objects.get(pk=job.pk).status == "failed"


def test_retry_of_a_job_that_did_not_fail_is_refused_with_a_message(client_a, make_job):
    job = make_job(status=ExportJob.Status.DONE)
    response = client_a.post(reverse("exports:job_retry", args=[job.pk]), follow=True)
    assert "只有失败的导出可以重试" in response.content.decode()
    assert ExportJob.objects.get(pk=job.pk).status == "done"


def test_retry_queues_the_job_again(client_a, make_job, django_capture_on_commit_callbacks):
    job = make_job(status=ExportJob.Status.FAILED, error="导出进程意外中断", attempts=3)
    with django_capture_on_commit_callbacks(execute=True):
        client_a.post(reverse("exports:job_retry", args=[job.pk]))
    job.refresh_from_db()
    assert (job.status, job.attempts, job.error) == ("queued", 0, "")
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"


def test_the_sweep_leaves_beating_jobs_alone_and_requeues_or_fails_the_others(
    make_job, settings, django_capture_on_commit_callbacks
):
    now = timezone.now()
    beating = make_job(status="running", heartbeat_at=now - timedelta(seconds=5), attempts=1)
    lost = make_job(status="running", heartbeat_at=now - timedelta(minutes=5), attempts=1)
    spent = make_job(
        status="running",
        heartbeat_at=now - timedelta(minutes=5),
        attempts=settings.EXPORT_MAX_ATTEMPTS,
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs_recover() == {"requeued": 1, "failed": 1}
    assert ExportJob.objects.get(pk=beating.pk).status == "running"
    assert ExportJob.objects.get(pk=lost.pk).status == "queued"
    failed = ExportJob.objects.get(pk=spent.pk)
    assert failed.status == "failed" and "已自动重试 2 次" in failed.error


def test_the_sweep_requeues_a_queued_job_whose_task_a_lost_worker_had_claimed(
    make_job, settings, django_capture_on_commit_callbacks
):
    # The worker died between claiming the task (task row RUNNING) and saying so on the
    # job (still QUEUED): without the sweep no worker would ever take it again.
    from apps.exports.tasks import run_export

    now = timezone.now()
    jobs = {}
    for name, task_status, started in (
        ("lost", "RUNNING", now - timedelta(minutes=5)),
        ("starting", "RUNNING", now - timedelta(seconds=1)),
        ("waiting", "READY", None),
    ):
        job = make_job(status="queued")
        task = run_export.enqueue(str(job.pk))
        DBTaskResult.objects.filter(pk=task.id).update(status=task_status, started_at=started)
        ExportJob.objects.filter(pk=job.pk).update(task_id=task.id)
        jobs[name] = (job.pk, task.id)
    with django_capture_on_commit_callbacks(execute=True):
        assert export_jobs_recover() == {"requeued": 1, "failed": 0}
    lost = ExportJob.objects.get(pk=jobs["lost"][0])
    assert lost.status == "queued" and str(lost.task_id) != str(jobs["lost"][1])
    assert DBTaskResult.objects.get(pk=jobs["lost"][1]).status == "FAILED"
    assert DBTaskResult.objects.get(pk=lost.task_id).status == "READY"
    for name in ("starting", "waiting"):
        pk, task_id = jobs[name]
        assert str(ExportJob.objects.get(pk=pk).task_id) == str(task_id)


def test_exports_prune_deletes_old_jobs_and_their_files(make_job):
    old = make_job(status="done", finished_at=timezone.now() - timedelta(days=40))
    old.file.save("old.xlsx", ContentFile(b"x"))
    path = old.file.path
    recent = make_job(status="done", finished_at=timezone.now() - timedelta(days=2))
    running = make_job(status="queued")
    call_command("exports_prune", "--days", "30", verbosity=0)
    assert set(ExportJob.objects.values_list("pk", flat=True)) == {recent.pk, running.pk}
    assert not os.path.exists(path)
