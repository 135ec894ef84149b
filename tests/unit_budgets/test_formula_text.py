"""The unit workbook writes a formula-like code name as a text cell (issue 16, item 2)."""

import io

import openpyxl

from apps.unit_budgets.exports import tables_workbook
from apps.unit_budgets.models import ClassificationCode
from apps.unit_budgets.selectors import book_for

ATTACKS = ['=HYPERLINK("http://x","a")', "+1+cmd|' /C calc'!A0"]


def test_unit_workbook_keeps_text_cells(budget_004, unit_a, year_2020):
    ClassificationCode.objects.filter(name="教师进修").update(name=ATTACKS[0])
    ClassificationCode.objects.filter(name="行政运行").update(name=ATTACKS[1])
    wb = openpyxl.load_workbook(io.BytesIO(tables_workbook(book_for(unit_a, year_2020))))
    cells = [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]
    assert all(c.data_type != "f" for c in cells)
    assert set(ATTACKS) <= {c.value for c in cells if c.data_type == "s"}
