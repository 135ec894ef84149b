"""Whole-unit exports run in the background; the list export goes through import-export."""

import csv
import io
from pathlib import Path

import openpyxl
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.exports.models import ExportJob
from apps.projects.services import load_project_file

DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("004*.json"))


@pytest.fixture
def unit_a_projects(reference, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return [load_project_file(path) for path in DEMO]


def start(client, unit, kind):
    response = client.post(
        reverse("exports:unit_start"), {"unit": unit.pk, "year": 2020, "kind": kind}
    )
    assert response.status_code == 302
    return ExportJob.objects.get()


def run_worker():
    """What `manage.py db_worker` does on a worker machine, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


# The worker commits and reconnects like a separate process would.
worker = pytest.mark.django_db(transaction=True)


@worker
def test_unit_pdf_runs_in_the_background_with_progress(client_a, alice, unit_a_projects):
    job = start(client_a, alice.unit, "unit_pdf")
    status_url = reverse("exports:job_status", args=[job.pk])
    assert client_a.get(status_url).json()["status"] == "queued"
    assert client_a.get(reverse("exports:job_download", args=[job.pk])).status_code == 404
    run_worker()
    state = client_a.get(status_url).json()
    assert (state["status"], state["done"], state["total"], state["percent"]) == ("done", 4, 4, 100)
    response = client_a.get(state["download"])
    assert response.status_code == 200
    content = b"".join(response.streaming_content)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "2020年项目支出绩效目标申报汇总表" in text
    for project in unit_a_projects:
        assert project.name in text
    assert "2,359,100.00" in text  # Σ 当年预算 of the four projects
    jobs = client_a.get(reverse("exports:jobs")).content.decode()
    assert "单位全部项目 PDF" in jobs and "下载" in jobs


def test_unit_export_of_another_unit_is_refused(client, bob, unit_a_projects, alice):
    client.force_login(bob)
    response = client.post(
        reverse("exports:unit_start"), {"unit": alice.unit.pk, "year": 2020, "kind": "unit_pdf"}
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


def test_jobs_are_private_to_their_user(client, alice, bob, unit_a_projects):
    job = ExportJob.objects.create(
        user=alice, kind="unit_pdf", unit=alice.unit, budget_year=BudgetYear.objects.get(year=2020)
    )
    client.force_login(bob)
    for name in ("job", "job_status", "job_download"):
        assert client.get(reverse(f"exports:{name}", args=[job.pk])).status_code == 404


@worker
def test_a_failed_export_says_so(client_a, alice, unit_a_projects, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("字体缺失")

    monkeypatch.setattr("apps.exports.pdf.unit_pdf", broken)
    job = start(client_a, alice.unit, "unit_pdf")
    run_worker()
    state = client_a.get(reverse("exports:job_status", args=[job.pk])).json()
    assert state["status"] == "failed" and "字体缺失" in state["error"]


def test_list_export_csv_and_xlsx(client_a, unit_a_projects):
    url = reverse("projects:list_export")
    response = client_a.get(url, {"format": "csv", "year": 2020})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["项目名称", "填报单位", "预算年度"]
    assert {r[0] for r in rows[1:]} == {p.name for p in unit_a_projects}
    by_name = {r[0]: r for r in rows[1:]}
    assert by_name["电子书包咨询费"][4:6] == ["400000.00", "400000.00"]
    response = client_a.get(url, {"format": "xlsx", "year": 2020})
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.cell(1, 1).value == "项目名称" and sheet.max_row == 5


@worker
def test_unit_workbook_runs_in_the_background(client_a, alice, unit_a_projects):
    job = start(client_a, alice.unit, "unit_xlsx")
    run_worker()
    job.refresh_from_db()
    assert (job.status, job.done, job.total) == ("done", 4, 4)
    content = b"".join(
        client_a.get(reverse("exports:job_download", args=[job.pk])).streaming_content
    )
    wb = openpyxl.load_workbook(io.BytesIO(content))
    assert wb.sheetnames[:4] == ["汇总", "1-项目总体情况", "1-绩效目标", "1-制度保障"]
    assert len(wb.sheetnames) == 1 + 4 * 3 + 1  # summary, 4 × 3 sheets, hidden 元数据
    summary = wb["汇总"]
    names = [summary.cell(r, 2).value for r in range(1, summary.max_row + 1)]
    for project in unit_a_projects:
        assert project.name in names
    totals = [row for row in summary.iter_rows(values_only=True) if row[0] == "合计"]
    assert float(totals[0][2]) == 2359100.0


def test_printed_indicators_are_grouped_by_level(reference, alice):
    from apps.exports.layout import goals_layout, project_for_export
    from tests import factories

    rows = [("影响力目标", "满意度", "满意度指标", "≥90%"), *factories.MINHANG_ROWS[:5]]
    project = factories.ready_project(unit=alice.unit, indicators=rows)
    body = goals_layout(project_for_export(project.pk)).sections[1].body
    level1 = [
        cell.text
        for row in body
        for cell in row
        if cell.text in ("产出目标", "效果目标", "影响力目标")
    ]
    assert level1 == ["产出目标", "效果目标", "影响力目标"]  # each printed once, in order


@pytest.mark.parametrize(
    "name", ["exports:project_pdf", "exports:project_xlsx", "exports:project_print"]
)
def test_project_exports_answer_404_outside_scope(client, bob, outsider, project, name):
    for user in (bob, outsider):
        client.force_login(user)
        assert client.get(reverse(name, args=[project.pk])).status_code == 404


def test_project_workbook_download(client_a, project):
    response = client_a.get(reverse("exports:project_xlsx", args=[project.pk]))
    assert response.status_code == 200
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["项目总体情况", "绩效目标", "制度保障", "元数据"]
    assert "filename*=UTF-8''2020-" in response["Content-Disposition"]
