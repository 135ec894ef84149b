"""The whole unit's 自评 as a background job (registered with apps/exports/registry.py):
started from the 自评 list, run by the worker, read back; other units refused."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from pypdf import PdfReader

from apps.exports.models import ExportJob
from tests import factories
from tests.performance.helpers import approve, filled

worker = pytest.mark.django_db(transaction=True)


def run_worker():
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


@pytest.fixture
def two_evaluations(approved, alice, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    other = factories.ready_project(unit=alice.unit, name="第二个项目")
    approve(other, alice)
    return [
        filled(approved, alice, executed=Decimal("455500")),
        filled(other, alice, executed=Decimal("911000")),
    ]


def start(client, unit, kind):
    response = client.post(
        reverse("exports:unit_start"), {"unit": unit.pk, "year": 2020, "kind": kind}
    )
    assert response.status_code == 302
    return ExportJob.objects.get(kind=kind)


@worker
def test_unit_evaluations_pdf_and_workbook(client_a, alice, two_evaluations):
    page = client_a.get(reverse("performance:list")).content.decode()
    assert 'value="eval_pdf"' in page and 'value="eval_xlsx"' in page
    pdf_job = start(client_a, alice.unit, "eval_pdf")
    xlsx_job = start(client_a, alice.unit, "eval_xlsx")
    run_worker()
    for job in (pdf_job, xlsx_job):
        job.refresh_from_db()
        assert job.status == ExportJob.Status.DONE, job.error
        assert (job.done, job.total) == (3, 3)  # two evaluations and the final write
        assert "全部绩效自评" in job.filename
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf_job.file.read())).pages)
    compact = "".join(text.split())
    assert compact.count("项目支出绩效自评表") >= 2
    assert "安全集成管理平台" in compact and "第二个项目" in compact
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_job.file.read()))
    assert wb.sheetnames == ["安全集成管理平台", "第二个项目"]
    cells = [c.value for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert cells.count("项目支出绩效自评表") == 2 and 455500 in cells and 911000 in cells


@worker
def test_another_units_evaluations_cannot_be_exported(client, bob, alice, two_evaluations):
    client.force_login(bob)
    response = client.post(
        reverse("exports:unit_start"), {"unit": alice.unit.pk, "year": 2020, "kind": "eval_pdf"}
    )
    assert response.status_code == 404
    assert not ExportJob.objects.exists()


@worker
def test_a_unit_without_evaluations_gets_a_file_that_says_so(client, bob, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    client.force_login(bob)
    start(client, bob.unit, "eval_xlsx")
    run_worker()
    job = ExportJob.objects.get()
    assert job.status == ExportJob.Status.DONE
    wb = openpyxl.load_workbook(io.BytesIO(job.file.read()))
    assert wb.active["A1"].value == "该单位该年度没有绩效自评。"
