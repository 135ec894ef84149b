"""The blank official template of a budget year: the three sheets of the year's form
version, laid out exactly as an export prints them (``layout.py`` → ``xlsx.py``), with no
project in them — for units that fill offline and import the filled workbook
(``apps/imports`` reads it as the official template: it has no 元数据 sheet).

The indicator table lists every 一级/二级目标 of the year's taxonomy with
``INDICATOR_ROWS`` empty rows each (the level cells merged down, as the paper forms print
them; a row left empty is skipped by the import, a row more can be inserted in Excel);
项目构成分解 has ``LINE_ROWS`` empty lines above an empty 金额合计; 制度保障 has
``DOC_ROWS`` empty rows per category, the stage cells left empty for ☑."""

import io
from types import SimpleNamespace

from openpyxl import Workbook

from apps.budget_lines.models import BudgetLine
from apps.exports.layout import SheetLayout, project_layouts
from apps.exports.xlsx import SHEET_TITLES, sheet_title, write_sheet
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator, Level2
from apps.sheets import schema
from apps.sheets.values import blank

INDICATOR_ROWS = 3
LINE_ROWS = 10
DOC_ROWS = 3


class _Rows:
    """What ``project.indicators`` / ``budget_lines`` / … give the layout."""

    def __init__(self, rows):
        self._rows = list(rows)

    def all(self):
        return list(self._rows)


def blank_project(budget_year) -> SimpleNamespace:
    """A project of ``budget_year`` with every declared field empty, as the layout reads
    one (empty rows in the places a filler fills)."""
    level2s = Level2.objects.filter(level1__taxonomy_id=budget_year.taxonomy_id).select_related(
        "level1"
    )
    level2s = sorted(level2s, key=lambda l2: (l2.level1.order, l2.level1_id, l2.order, l2.id))
    fields = {
        i.name: None if i.kind in ("money", "date") else blank(i.kind) for i in schema.fields()
    }
    return SimpleNamespace(
        **fields,
        pk=None,
        budget_year=budget_year,
        unit=SimpleNamespace(name="", code=""),
        indicators=_Rows(
            Indicator(level2=l2, order=k) for l2 in level2s for k in range(INDICATOR_ROWS)
        ),
        budget_lines=_Rows(BudgetLine(order=k) for k in range(LINE_ROWS)),
        rule_documents=_Rows(
            RuleDocument(category=category, order=k)
            for category in RuleDocument.Category.values
            for k in range(DOC_ROWS)
        ),
        sub_projects=_Rows([]),
    )


def _emptied(layout: SheetLayout) -> SheetLayout:
    """No figure the filler did not type: the computed 金额合计 (0.00 of no lines) and the
    ☐ marks of empty rule rows (a mark would make the row a rule document) print empty."""
    for section in layout.sections:
        for row in section.body:
            for cell in row:
                if cell.kind in ("total", "mark"):
                    cell.value = None
    return layout


def blank_layouts(budget_year) -> list[SheetLayout]:
    return [_emptied(layout) for layout in project_layouts(blank_project(budget_year))]


def blank_workbook(budget_year) -> bytes:
    """The year's three sheets, empty, as .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    for layout in blank_layouts(budget_year):
        write_sheet(wb.create_sheet(sheet_title(SHEET_TITLES[layout.key])), layout)
    wb.active = 0
    wb.properties.title = f"{budget_year.year} 年绩效目标申报表（空白模板）"
    wb.properties.creator = "perf-targets"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
