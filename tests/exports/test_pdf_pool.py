"""The projects an export renders are laid out by a pool of forked processes
(apps/exports/pdfpool.py): the same pages as one process lays out, and a child that crashes,
hangs or fails ends the job with a Chinese message instead of holding it."""

import io
import os
import time

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.exports import pages, pdfpool
from apps.exports.models import ExportJob, ProjectPages
from apps.exports.pdf import PdfFailed, PdfTooSlow, project_html
from apps.exports.selectors import unit_projects_for_export
from apps.exports.services import export_job_start
from apps.projects.models import Project
from tests import factories

NAMES = ("安全集成管理平台", "教师发展中心建设", "德育队伍建设", "校园网络改造", "图书馆扩建")


@pytest.fixture
def unit_projects(alice, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return [factories.ready_project(unit=alice.unit, name=name) for name in NAMES]


def loaded(alice):
    return unit_projects_for_export(alice.unit, BudgetYear.objects.get(year=2020))


def page_texts(part) -> list[str]:
    reader = part if isinstance(part, PdfReader) else PdfReader(io.BytesIO(part))
    return [page.extract_text() for page in reader.pages]


@pytest.mark.parametrize("processes", [1, 2, 3])
def test_the_pool_gives_each_project_the_pages_one_process_gives(
    alice, unit_projects, settings, processes
):
    """Batches of several projects laid out in children and split again print the same
    pages, numbered within each project, as each project laid out alone here."""
    settings.EXPORT_PDF_PROCESSES = processes
    projects = loaded(alice)
    serial = [
        page_texts(pdfpool.documents_pdfs([project_html(p, stamped=False)])[0]) for p in projects
    ]
    pooled = [page_texts(reader) for reader in pages.projects_pages(projects)]
    assert pooled == serial
    for project, texts in zip(projects, pooled, strict=True):
        assert project.name in texts[0]
        assert f"第1页/共{len(texts)}页" in texts[0].replace(" ", "")
    assert ProjectPages.objects.count() == len(NAMES)


def test_batches_share_the_work_evenly_and_keep_every_project_once():
    sizes = [30, 10, 50, 20, 40, 10, 60, 5, 25, 35, 45, 15, 55]
    batches = pages.batches_of(sizes, processes=2, most=6)
    assert sorted(i for batch in batches for i in batch) == list(range(len(sizes)))
    assert len(batches) % 2 == 0 and all(len(batch) <= 6 for batch in batches)
    totals = sorted(sum(sizes[i] for i in batch) for batch in batches)
    assert totals[-1] - totals[0] <= max(sizes)
    assert pages.batches_of([10, 20, 30], processes=2) == [[2], [0, 1]]  # 30 against 10 + 20
    assert pages.batches_of([7], processes=4) == [[0]]
    assert pages.batches_of([], processes=2) == []
    assert len(pages.batches_of([1] * 22, processes=2, most=6)) == 4


def test_pdf_processes_follow_the_setting_within_bounds(settings):
    settings.EXPORT_PDF_PROCESSES = 3
    assert pdfpool.pdf_processes() == 3
    settings.EXPORT_PDF_PROCESSES = 100
    assert pdfpool.pdf_processes() == pdfpool.MAX_PROCESSES
    settings.EXPORT_PDF_PROCESSES = 0
    assert pdfpool.pdf_processes() == min(len(os.sched_getaffinity(0)), pdfpool.MAX_PROCESSES)


def _crash(htmls, laid_out=lambda: None):
    os._exit(3)


def _killed(htmls, laid_out=lambda: None):
    laid_out()
    os.kill(os.getpid(), 9)  # as the kernel does when memory runs out


def _hang(htmls, laid_out=lambda: None):
    time.sleep(120)


def _fail(htmls, laid_out=lambda: None):
    raise ValueError("坏的样式表")


def _query(htmls, laid_out=lambda: None):
    return [str(Project.objects.count()).encode()]


def test_a_crashed_child_raises_at_once(monkeypatch):
    monkeypatch.setattr(pdfpool, "documents_pdfs", _crash)
    start = time.monotonic()
    with pytest.raises(PdfFailed, match="项目“甲”的 PDF 的子进程意外退出（退出码 3）"):
        pdfpool.render_batches([[("项目“甲”", "<p>甲</p>")]], processes=1, timeout=60)
    assert time.monotonic() - start < 30


def test_a_child_killed_by_a_signal_is_named_with_the_project_it_was_on(monkeypatch):
    monkeypatch.setattr(pdfpool, "documents_pdfs", _killed)
    laid = []
    with pytest.raises(PdfFailed, match="生成项目“乙”的 PDF 的子进程意外退出（被信号 9 终止）"):
        pdfpool.render_batches(
            [[("项目“甲”", "<p>甲</p>"), ("项目“乙”", "<p>乙</p>")]],
            processes=1,
            laid_out=laid.append,
        )
    assert laid == [0]  # 甲 was laid out, 乙 was not


def test_a_hung_child_is_killed_after_the_timeout(monkeypatch):
    monkeypatch.setattr(pdfpool, "documents_pdfs", _hang)
    start = time.monotonic()
    with pytest.raises(PdfTooSlow, match="项目“甲”的 PDF 在 1 秒内未能生成"):
        pdfpool.render_batches(
            [[("项目“甲”", "<p>甲</p>")], [("项目“乙”", "<p>乙</p>")]], processes=2, timeout=1
        )
    assert time.monotonic() - start < 10


def test_an_error_in_a_child_is_reported_with_its_project(monkeypatch):
    monkeypatch.setattr(pdfpool, "documents_pdfs", _fail)
    with pytest.raises(PdfFailed, match="项目“甲”的 PDF 生成失败：ValueError: 坏的样式表"):
        pdfpool.render_batches([[("项目“甲”", "<p>甲</p>")]], processes=1)


_calls_in_child = {"n": 0}


def _second_batch_crashes(htmls, laid_out=lambda: None):
    _calls_in_child["n"] += 1  # one child renders every batch, one after the other
    if _calls_in_child["n"] == 2:
        os._exit(3)
    return REAL_DOCUMENTS_PDFS(htmls, laid_out)


REAL_DOCUMENTS_PDFS = pdfpool.documents_pdfs


def test_batches_done_before_a_crash_are_kept_for_the_retry(
    alice, unit_projects, settings, monkeypatch, renders
):
    settings.EXPORT_PDF_PROCESSES = 1
    real_batches = pages.batches_of
    monkeypatch.setattr(pages, "batches_of", lambda sizes, n: real_batches(sizes, n, most=2))
    monkeypatch.setattr(pdfpool, "documents_pdfs", _second_batch_crashes)
    from apps.exports import pdf

    year = BudgetYear.objects.get(year=2020)
    with pytest.raises(PdfFailed, match="子进程意外退出"):
        pdf.unit_pdf(alice.unit, year, loaded(alice))
    kept = set(ProjectPages.objects.values_list("project__name", flat=True))
    assert 1 <= len(kept) <= 2  # the first batch
    monkeypatch.setattr(pdfpool, "documents_pdfs", REAL_DOCUMENTS_PDFS)
    renders.clear()
    content = pdf.unit_pdf(alice.unit, year, loaded(alice))
    assert sorted(renders) == sorted(set(NAMES) - kept)
    assert all(name in "".join(page_texts(content)) for name in NAMES)


def test_children_never_use_the_database_and_leave_the_parents_connection_alone(
    alice, unit_projects, monkeypatch
):
    monkeypatch.setattr(pdfpool, "documents_pdfs", _query)
    with pytest.raises(PdfFailed, match="must not use the database"):
        pdfpool.render_batches([[("项目“甲”", "<p>甲</p>")]], processes=1)
    assert Project.objects.count() == len(NAMES)  # the parent's session still works


# The worker commits and reconnects like a separate process would.
worker = pytest.mark.django_db(transaction=True)


def run_job(alice, kind=ExportJob.Kind.UNIT_PDF) -> ExportJob:
    job = export_job_start(
        user=alice, kind=kind, unit=alice.unit, budget_year=BudgetYear.objects.get(year=2020)
    )
    started = time.monotonic()
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    assert time.monotonic() - started < 60
    job.refresh_from_db()
    return job


@worker
def test_a_crashed_child_fails_the_job_with_a_chinese_message(alice, unit_projects, monkeypatch):
    monkeypatch.setattr(pdfpool, "documents_pdfs", _crash)
    job = run_job(alice)
    assert job.status == ExportJob.Status.FAILED
    assert "子进程意外退出" in job.error and "请重试" in job.error
    assert not ProjectPages.objects.exists()


@worker
def test_a_hung_child_fails_the_job_after_the_timeout(alice, unit_projects, monkeypatch, settings):
    settings.EXPORT_PDF_TIMEOUT = 2
    monkeypatch.setattr(pdfpool, "documents_pdfs", _hang)
    job = run_job(alice)
    assert job.status == ExportJob.Status.FAILED
    assert "秒内未能生成" in job.error and "导出已停止" in job.error
    assert any(f"项目“{name}”" in job.error for name in NAMES)


def test_unit_pdf_progress_counts_the_final_write(alice, unit_projects, writes_and_progress):
    """The summary sheet renders beside the projects but is not counted; the last
    project is counted only once the joined file is written."""
    from apps.exports import pdf

    events = writes_and_progress
    content = pdf.unit_pdf(
        alice.unit, BudgetYear.objects.get(year=2020), loaded(alice), progress=events.append
    )
    counts = [e for e in events if e != "write"]
    assert counts == list(range(1, len(NAMES) + 1))
    assert events[-2:] == ["write", len(NAMES)]
    text = "".join(page_texts(content))
    assert text.count("导出于") == 1 and "2020年项目支出绩效目标申报汇总表" in text


def test_the_fonts_of_a_batch_are_written_once_in_the_unit_pdf(alice, unit_projects, settings):
    settings.EXPORT_PDF_PROCESSES = 1  # one batch: every project carries the same fonts
    from apps.exports import pdf

    content = pdf.unit_pdf(alice.unit, BudgetYear.objects.get(year=2020), loaded(alice))
    parts = sum(len(entry.file.read()) for entry in ProjectPages.objects.all())
    assert len(content) < parts / 2  # 5 projects: 0.6 MB, not 1.6 MB
    assert len(page_texts(content)) == 1 + sum(
        len(pages._read(entry).pages) for entry in ProjectPages.objects.all()
    )
