"""The 项目支出绩效自评表 printed, as PDF and as a workbook, read back."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.performance.reports import ReportStatus
from tests.performance.helpers import FULL, filled

pytestmark = pytest.mark.django_db

REPORTS = [{"actual": "80%", "reason": "设备到货延迟", "measures": "加强采购计划"}, *FULL[1:]]


@pytest.fixture
def evaluation(approved, alice):
    return filled(approved, alice, REPORTS, executed=Decimal("455500"))


def test_print_preview(client_a, evaluation):
    html = client_a.get(reverse("performance:print", args=[evaluation.pk])).content.decode()
    for text in ["项目支出绩效自评表", "年初预算数", "其中：本年财政拨款", "上年结转资金", "其他资金", "全年预算数（A）", "全年执行数（B）", "执行率（B/A）",
                 "偏差原因分析及改进措施", "偏差原因：设备到货延迟", "改进措施：加强采购计划",
                 "年度目标。", "年度目标已完成。", "平台建设计划完成率", "=100%", "80%", "50.00%", "草稿"]:  # fmt: skip
        assert text in html, text


def test_pdf_read_back(client_a, evaluation):
    response = client_a.get(reverse("performance:pdf", args=[evaluation.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    compact = "".join(text.split())
    for expected in ["项目支出绩效自评表", "年初预算数", "全年执行数", "平台建设计划完成率",
                     "设备到货延迟", "911,000.00", "455,500.00", "50.00%", "自评等级"]:  # fmt: skip
        assert expected in compact, expected
    # 100 − (16.67 − 13.34) − 5 = 91.67
    assert "91.67" in compact


def test_xlsx_read_back(client_a, evaluation):
    response = client_a.get(reverse("performance:xlsx", args=[evaluation.pk]))
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb.active
    assert ws.title == "项目支出绩效自评表"
    cells = [c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")]
    assert "项目支出绩效自评表" in cells and "平台建设计划完成率" in cells
    assert "偏差原因：设备到货延迟\n改进措施：加强采购计划" in cells
    assert "50.00%" in cells and "优" in cells
    # Amounts are numbers in the workbook, not text.
    assert 911000 in cells and 455500 in cells
    row_of = {c.value: c.row for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    total_row = [c.value for c in ws[row_of["总分"]] if c.value not in (None, "")]
    assert total_row[:3] == ["总分", 100, 91.67]
    assert ws.merged_cells.ranges  # level-1 names and long texts merged as on paper


def test_accepted_prints_without_the_draft_mark(client_a, evaluation):
    type(evaluation).objects.filter(pk=evaluation.pk).update(status=ReportStatus.ACCEPTED)
    html = client_a.get(reverse("performance:print", args=[evaluation.pk])).content.decode()
    assert 'class="draft"' not in html and "财政已审核" in html
