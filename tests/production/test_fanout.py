"""A large unit PDF fans out into chunks that any worker renders, and one run joins them."""

import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.exports import pages, pdf
from apps.exports.models import ExportJob
from apps.exports.selectors import unit_projects_for_export
from apps.exports.services import export_job_start
from apps.projects.services import load_project_file

pytestmark = pytest.mark.django_db(transaction=True)

DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("004*.json"))


@pytest.fixture
def unit_projects(reference, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.EXPORT_CHUNK_PROJECTS = 1
    return [load_project_file(path) for path in DEMO]


def start(alice):
    return export_job_start(
        user=alice,
        kind=ExportJob.Kind.UNIT_PDF,
        unit=alice.unit,
        budget_year=BudgetYear.objects.get(year=2020),
    )


def run_workers():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def pdf_text(content: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]


def test_chunks_are_rendered_as_jobs_and_joined_in_order(client_a, alice, unit_projects):
    job = start(alice)
    run_workers()
    job.refresh_from_db()
    assert job.status == "done", job.error
    chunks = list(job.chunks.order_by("index"))
    assert len(chunks) == len(DEMO)
    assert all(c.status == "done" and not c.file for c in chunks)  # files dropped after the join
    with job.file.open("rb") as handle:
        fanned = pdf_text(handle.read())
    projects = unit_projects_for_export(alice.unit, job.budget_year)
    whole = pdf_text(pdf.unit_pdf(alice.unit, job.budget_year, projects))
    assert len(fanned) == len(whole)
    for a, b in zip(fanned, whole, strict=True):  # same pages in the same order
        assert a.split("导出于")[0] == b.split("导出于")[0]
    state = client_a.get(reverse("exports:job_status", args=[job.pk])).json()
    assert (state["status"], state["done"], state["total"]) == ("done", 4, 4)
    listed = client_a.get(reverse("exports:jobs")).content.decode()
    assert listed.count("单位全部项目 PDF") == 1  # the chunks are not listed


def test_while_chunks_run_the_job_shows_their_progress(client_a, alice, unit_projects):
    job = start(alice)
    # One task: the parent's first run, which splits and waits.
    call_command("db_worker", "--batch", "--max-tasks", "1", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == "waiting" and job.chunks.count() == 4
    call_command("db_worker", "--batch", "--max-tasks", "2", "--no-startup-delay", verbosity=0)
    state = client_a.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["status"] == "waiting" and state["done"] == 2 and state["percent"] == 50
    assert "分块生成中" in state["status_label"]
    run_workers()
    job.refresh_from_db()
    assert job.status == "done"


def test_a_chunk_that_fails_fails_the_job_and_retry_starts_afresh(
    client_a, alice, unit_projects, monkeypatch
):
    real = pages.projects_pages
    calls = {"n": 0}

    def flaky(projects, progress=lambda done: None, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:  # the second chunk
            raise RuntimeError("字体缺失")
        return real(projects, progress, **kwargs)

    monkeypatch.setattr(pages, "projects_pages", flaky)
    job = start(alice)
    run_workers()
    job.refresh_from_db()
    assert job.status == "failed"
    assert "部分（共 4 部分）失败" in job.error and "字体缺失" in job.error
    response = client_a.post(reverse("exports:job_retry", args=[job.pk]))
    assert response.status_code == 302
    run_workers()
    job.refresh_from_db()
    assert job.status == "done" and job.chunks.count() == 4


def test_a_small_export_is_not_split(client_a, alice, unit_projects, settings):
    settings.EXPORT_CHUNK_PROJECTS = 20
    job = start(alice)
    run_workers()
    job.refresh_from_db()
    assert job.status == "done" and not job.chunks.exists()
