"""Whole-unit PDFs reuse each project's pages while the project is unchanged
(apps/exports/pages.py): a second export renders no project again, a change renders that
project alone, a lost file is rendered again, and chunks reuse the same pages."""

import datetime
import io

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import transaction
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.exports import pages, pdf
from apps.exports.models import ExportJob, ProjectPages
from apps.exports.selectors import unit_projects_for_export
from apps.exports.services import export_job_start
from apps.projects.history import history_record
from apps.projects.models import Project
from tests import factories

NAMES = ("安全集成管理平台", "教师发展中心建设", "德育队伍建设")


@pytest.fixture
def unit_projects(alice, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return [factories.ready_project(unit=alice.unit, name=name) for name in NAMES]


def export(alice):
    year = BudgetYear.objects.get(year=2020)
    return pdf.unit_pdf(alice.unit, year, unit_projects_for_export(alice.unit, year))


def text(content: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def test_a_second_export_renders_no_project_again(alice, unit_projects, renders):
    first = export(alice)
    assert sorted(renders) == sorted(NAMES)
    renders.clear()
    second = export(alice)
    assert renders == []
    assert ProjectPages.objects.count() == len(NAMES)
    second_text = text(second)
    assert len(PdfReader(io.BytesIO(second)).pages) == len(PdfReader(io.BytesIO(first)).pages)
    for name in NAMES:
        assert name in second_text
    assert "2020年项目支出绩效目标申报汇总表" in second_text
    assert second_text.count("导出于") == 1  # on the summary sheet only


def test_a_changed_project_alone_is_rendered_again(alice, unit_projects, renders):
    export(alice)
    renders.clear()
    changed = unit_projects[1]
    with transaction.atomic():
        Project.objects.filter(pk=changed.pk).update(leader="王新负责")
        assert history_record(project=changed) > 0
    content = export(alice)
    assert renders == [changed.name]
    entries = ProjectPages.objects.filter(project=changed)
    assert [e.revision for e in entries] == [changed.revision]  # the older entry is gone
    assert "王新负责" in text(content)


def test_a_missing_or_broken_file_is_rendered_again(alice, unit_projects, renders):
    export(alice)
    renders.clear()
    lost, broken = (ProjectPages.objects.get(project=p) for p in unit_projects[:2])
    default_storage.delete(lost.file.name)
    with default_storage.open(broken.file.name, "wb") as handle:
        handle.write(b"%PDF-1.7 truncated")
    content = export(alice)
    assert sorted(renders) == sorted(p.name for p in unit_projects[:2])
    for name in NAMES:
        assert name in text(content)
    renders.clear()
    export(alice)
    assert renders == []


def test_writing_an_entry_twice_keeps_one_good_file(alice, unit_projects):
    project = unit_projects[0]
    html = pdf.project_html(project, stamped=False)
    key = pages.pages_key(project, html)
    content = pdf.html_to_pdf(html)
    pages._store(project, key, content)
    pages._store(project, key, content)  # a second worker finishing the same entry
    entry = ProjectPages.objects.get(project=project)
    assert pages._read(entry) is not None
    assert sorted(default_storage.listdir("exports/pages")[1]) == [entry.file.name.split("/")[-1]]


def test_the_single_project_pdf_still_says_when_it_was_exported(alice, unit_projects):
    assert "导出于" in text(pdf.project_pdf(unit_projects[0]))


@pytest.mark.django_db(transaction=True)
def test_chunks_reuse_the_pages(alice, unit_projects, renders, settings):
    export(alice)
    renders.clear()
    settings.EXPORT_CHUNK_PROJECTS = 1
    job = export_job_start(
        user=alice,
        kind=ExportJob.Kind.UNIT_PDF,
        unit=alice.unit,
        budget_year=BudgetYear.objects.get(year=2020),
    )
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    job.refresh_from_db()
    assert job.status == "done", job.error
    assert job.chunks.count() == len(NAMES)
    assert renders == []
    with job.file.open("rb") as handle:
        joined = text(handle.read())
    for name in NAMES:
        assert name in joined


def test_prune_deletes_the_files_no_entry_names(alice, unit_projects):
    export(alice)
    orphan = ProjectPages.objects.get(project=unit_projects[0])
    kept = ProjectPages.objects.get(project=unit_projects[1])
    ProjectPages.objects.filter(pk=orphan.pk).delete()  # as when its project is deleted
    assert pages.project_pages_prune() == 0  # too recent: a worker may be writing its entry
    assert pages.project_pages_prune(older_than=datetime.timedelta(0)) == 1
    assert not default_storage.exists(orphan.file.name)
    assert default_storage.exists(kept.file.name)
    out = io.StringIO()
    call_command("exports_prune", stdout=out)
    assert "删除无主的项目页面文件 0 个" in out.getvalue()


def test_pages_that_cannot_be_kept_do_not_fail_the_export(alice, unit_projects, monkeypatch):
    def full(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(default_storage, "save", full)
    content = export(alice)
    assert ProjectPages.objects.count() == 0
    for name in NAMES:
        assert name in text(content)
