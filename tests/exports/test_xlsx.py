"""The workbook export: every demo project's three sheets, read back with openpyxl.

Values are found by their printed labels (scanning the cells), so the tests check what a
reader of the sheet sees, not the exporter's own row arithmetic.
"""

import io
import json
import xml.etree.ElementTree as ET
import zipfile
from datetime import datetime
from decimal import Decimal
from itertools import groupby
from pathlib import Path

import pytest
from django.conf import settings
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import MergedCell

from apps.exports.layout import Cell, project_for_export
from apps.exports.xlsx import place, project_workbook, sheet_title, write_project
from apps.guarantees.models import RuleDocument
from apps.projects.models import Project
from apps.projects.services import load_project_file, project_create_from_data
from tests import factories

PROJECTS_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects"
# The seed forms, all on the 2018–2020 form (the layout asserted cell by cell below); the
# 2021 table's workbook is checked at the end and by tests/sheets/test_every_field.py.
ALL_FILES = sorted(p.name for p in PROJECTS_DIR.glob("*.json"))
FILES = [name for name in ALL_FILES if not name.startswith("2021")]
SHEETS = ["项目总体情况", "绩效目标", "制度保障", "元数据"]
MONEY = "#,##0.00"


# --- reading helpers -------------------------------------------------------------------


def text(cell) -> str:
    return "" if cell.value is None else cell.value


def find(ws, label: str, *, row: int | None = None):
    """The first cell whose text is ``label`` (indent spaces ignored), optionally in a row."""
    rows = ws.iter_rows(min_row=row, max_row=row) if row else ws.iter_rows()
    for cells in rows:
        for cell in cells:
            if isinstance(cell.value, str) and cell.value.strip() == label:
                return cell
    raise AssertionError(f"{label!r} not found on {ws.title}")


def find_all(ws, label: str, row: int) -> list:
    return [c for c in ws[row] if isinstance(c.value, str) and c.value.strip() == label]


def merged(ws, cell):
    for rng in ws.merged_cells.ranges:
        if cell.coordinate in rng:
            return rng
    return None


def right_of(ws, cell):
    rng = merged(ws, cell)
    return ws.cell(row=cell.row, column=(rng.max_col if rng else cell.column) + 1)


def span(ws, cell) -> tuple[int, int]:
    """(rows, columns) the cell covers."""
    rng = merged(ws, cell)
    return (rng.max_row - rng.min_row + 1, rng.max_col - rng.min_col + 1) if rng else (1, 1)


def assert_money(cell, amount: Decimal | None, fmt: str = MONEY) -> None:
    assert cell.number_format == fmt, cell.coordinate
    if amount is None:
        assert cell.value is None, cell.coordinate
    else:
        assert isinstance(cell.value, int | float), (cell.coordinate, cell.value)
        assert Decimal(str(cell.value)) == amount, cell.coordinate


def assert_boxed(cell, *, top: bool = True, bottom: bool = True) -> None:
    b = cell.border
    assert b.left.style == "thin" and b.right.style == "thin", cell.coordinate
    assert (b.top.style == "thin") is top, cell.coordinate
    assert (b.bottom.style == "thin") is bottom, cell.coordinate


M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"


def raw_border(data: bytes, sheet: str, coord: str) -> dict[str, str | None]:
    """The border a cell carries in the file itself. openpyxl cannot tell: on loading it
    rebuilds the cells inside a merged range from the range's first cell."""
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rid = next(s.get(f"{R}id") for s in book.iter(f"{M}sheet") if s.get("name") == sheet)
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
        target = next(r.get("Target") for r in rels if r.get("Id") == rid)
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        cell = next(c for c in ET.fromstring(z.read(path)).iter(f"{M}c") if c.get("r") == coord)
        styles = ET.fromstring(z.read("xl/styles.xml"))
    xf = styles.find(f"{M}cellXfs")[int(cell.get("s", "0"))]
    border = styles.find(f"{M}borders")[int(xf.get("borderId", "0"))]
    sides = {side: border.find(f"{M}{side}") for side in ("left", "right", "top", "bottom")}
    return {side: (el.get("style") if el is not None else None) for side, el in sides.items()}


THIN_BOX = {"left": "thin", "right": "thin", "top": "thin", "bottom": "thin"}


def tag(name: str, sub) -> str:
    return f"【{sub.name}】{name}" if sub else name


def export(project: Project):
    return load_workbook(io.BytesIO(project_workbook(project_for_export(project.pk))))


@pytest.fixture(params=FILES)
def exported(request, reference):
    """(project, workbook as read back, the .xlsx bytes) for one demo project."""
    project = project_for_export(load_project_file(PROJECTS_DIR / request.param).pk)
    data = project_workbook(project)
    return project, load_workbook(io.BytesIO(data)), data


# --- the workbook ----------------------------------------------------------------------


def test_sheet_names_and_hidden_metadata(exported):
    project, wb, _data = exported
    assert wb.sheetnames == SHEETS
    assert wb.active.title == "项目总体情况"
    meta = wb["元数据"]
    assert meta.sheet_state == "hidden"
    assert [wb[name].sheet_state for name in SHEETS[:3]] == ["visible"] * 3
    rows = {key: value for key, value in meta.iter_rows(values_only=True)}
    exported_at = datetime.fromisoformat(rows.pop("exported_at"))
    assert exported_at.tzinfo is not None
    assert rows == {
        "format": "perf-targets-export",
        "version": 1,
        "unit_code": project.unit.code,
        "unit_name": project.unit.name,
        "budget_year": project.budget_year.year,
        "project_name": project.name,
        "project_pk": project.pk,
        "total_source_1": project.total_source,
        "declared_total_1": None if project.declared_total is None else str(project.declared_total),
        "sub_projects_1": json.dumps(
            [sp.name for sp in project.sub_projects.all()], ensure_ascii=False
        ),
    }


@pytest.mark.parametrize(
    ("sheet", "orientation", "last_col"),
    [
        ("项目总体情况", "portrait", "F"),
        ("绩效目标", "landscape", "J"),
        ("制度保障", "portrait", "F"),
    ],
)
def test_page_setup(exported, sheet, orientation, last_col):
    ws = exported[1][sheet]
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.orientation == orientation
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    assert ws.page_setup.fitToWidth == 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.print_options.horizontalCentered is True
    assert ws.print_area == f"'{sheet}'!$A$1:${last_col}${ws.max_row}"
    assert ws.oddFooter.center.text == "第 &P 页 / 共 &N 页"
    widths = [ws.column_dimensions[chr(ord("A") + i)].width for i in range(ord(last_col) - 64)]
    assert 105 <= sum(widths) <= 115


# --- sheet 1 ---------------------------------------------------------------------------


def test_overview_header_and_fields(exported):
    p, wb, _data = exported
    ws = wb["项目总体情况"]
    assert ws["A1"].value == "财政项目支出绩效目标申报表（项目总体情况）"
    assert ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A1"].alignment.horizontal == "center"
    assert span(ws, ws["A1"]) == (1, 6)
    assert ws["A2"].value == f"（ {p.budget_year.year} 年）"
    assert ws["A3"].value == f"填报单位（盖章）：{p.unit.name}"
    unit_cell = find(ws, "金额单位：元")
    assert unit_cell.row == 3 and unit_cell.column > 1
    assert unit_cell.alignment.horizontal == "right"

    def iso(d):
        return d.isoformat() if d else ""

    fields = {
        "项目名称": p.name,
        "项目负责人：": p.leader,
        "联系人：": p.contact,
        "联系电话：": p.phone,
        "起始日期：": iso(p.start_date),
        "结束日期：": iso(p.end_date),
        "项目概况": p.overview,
        "依据：": p.basis,
        "必要性：": p.necessity,
        "可行性：": p.feasibility,
        "项目相关资源投入和制度建设情况": p.resources,
        "项目总目标": p.overall_goal,
        "年度绩效目标": p.annual_goal,
        "需要说明的其他问题": p.other_issues,
    }
    for label, expected in fields.items():
        assert text(right_of(ws, find(ws, label))) == expected, label

    marks = right_of(ws, find(ws, "项目类别")).value.split("　")
    assert marks == [
        f"{'☑' if p.category == value else '☐'}{label}" for value, label in Project.Category.choices
    ]
    assert sum(m.startswith("☑") for m in marks) == (1 if p.category else 0)

    # A long text wraps: its row is at least as tall as 15 pt per 110 columns of text.
    overview = right_of(ws, find(ws, "项目概况"))
    wide = sum(2 if ord(ch) > 0x2E80 else 1 for ch in p.overview)
    assert ws.row_dimensions[overview.row].height >= 15 * (wide // 110)
    assert overview.alignment.wrap_text


def test_overview_funding(exported):
    p, wb, _data = exported
    ws = wb["项目总体情况"]
    funding = [
        ("一、项目总预算：", p.total_budget),
        ("二、当年预算：", p.current_budget),
        ("（一）财政拨款：", p.fiscal_total),
        ("1. 上级财政拨款：", p.fiscal_upper),
        ("2. 本级财政安排：", p.fiscal_local),
        ("3. 下级财政配套：", p.fiscal_lower),
        ("（二）其他资金：", p.other_funds),
    ]
    section = find(ws, "项目资金")
    assert span(ws, section) == (len(funding), 1)
    for i, (label, amount) in enumerate(funding):
        cell = find(ws, label)
        assert cell.row == section.row + i, label
        assert cell.alignment.horizontal == "left"
        value = right_of(ws, cell)
        assert_money(value, amount)
        assert value.alignment.horizontal == "right"
    assert span(ws, find(ws, "项目立项情况")) == (3, 1)
    assert find(ws, "必要性：").row == find(ws, "依据：").row + 1


def test_overview_footer_after_a_blank_row(exported):
    p, wb, _data = exported
    ws = wb["项目总体情况"]
    head = find(ws, f"填报单位负责人：{p.unit_head_name}")
    filler = find(ws, f"填报人（填表人）：{p.filler_name}")
    date = find(ws, f"填报日期：{p.filing_date.isoformat() if p.filing_date else ''}")
    assert head.row == filler.row == date.row == ws.max_row
    assert head.column < filler.column < date.column
    assert all(c.value is None for c in ws[head.row - 1])
    last_table_row = find(ws, "需要说明的其他问题")
    assert head.row == last_table_row.row + 2
    assert head.border.bottom.style is None  # the signatures are not part of the table


# --- sheet 2 ---------------------------------------------------------------------------


def test_goals_header_and_composition(exported):
    p, wb, _data = exported
    ws = wb["绩效目标"]
    assert ws["A1"].value == "财政项目支出绩效目标申报表（绩效目标）"
    assert ws["A2"].value == f"（{p.budget_year.year} 年）"
    assert ws["A3"].value == f"项目名称：{p.name}"
    assert find(ws, "金额单位：元").row == 3
    label = find(ws, "主体活动(作业、任务)和对应产出的详细描述")
    assert text(right_of(ws, label)) == p.composition
    assert find(ws, "项目构成").row == label.row


def test_goals_indicators_in_order_with_merged_levels(exported):
    p, wb, _data = exported
    ws = wb["绩效目标"]
    indicators = list(p.indicators.all())
    name_col = find(ws, "三级目标")
    head = name_col.row
    level1_col = find(ws, "一级目标", row=head).column
    level2_col = find(ws, "二级目标", row=head).column
    target_col = find(ws, "目标值", row=head).column
    remark_col = find(ws, "备注", row=head).column
    first = head + 1
    rows = range(first, first + len(indicators))

    got = [
        (
            text(ws.cell(r, name_col.column)),
            text(ws.cell(r, target_col)),
            text(ws.cell(r, remark_col)),
        )
        for r in rows
    ]
    assert got == [(tag(i.name, i.sub_project), i.target_raw, i.remark) for i in indicators]
    # A target like "=100%" is text a reader sees as typed, never a formula.
    assert all(ws.cell(r, target_col).data_type != "f" for r in rows)
    assert find(ws, "项目构成分解").row == first + len(indicators)

    for col, key in (
        (level1_col, lambda i: i.level2.level1.name),
        (level2_col, lambda i: (i.level2.level1.name, i.level2.name)),
    ):
        r = first
        for name, group in groupby(indicators, key=key):
            n = len(list(group))
            cell = ws.cell(r, col)
            assert cell.value == (name if isinstance(name, str) else name[1])
            assert span(ws, cell) == (n, 1), (cell.coordinate, name)
            assert cell.alignment.horizontal == "center"
            r += n


def test_goals_borders_inside_merges_and_section_continuations(exported):
    _p, wb, data = exported
    ws = wb["绩效目标"]
    # Every cell of a merged range carries its own border in the file: Excel and
    # LibreOffice draw a merged range's edges from the cells along them.
    name_cell = ws.cell(find(ws, "三级目标").row + 1, find(ws, "三级目标").column)
    assert span(ws, name_cell) == (1, 3)
    assert isinstance(ws.cell(name_cell.row, name_cell.column + 1), MergedCell)
    for c in range(name_cell.column, name_cell.column + 3):
        assert raw_border(data, ws.title, ws.cell(name_cell.row, c).coordinate) == THIN_BOX
    level1 = ws.cell(name_cell.row, find(ws, "一级目标").column)
    rows, _ = span(ws, level1)
    for r in range(level1.row, level1.row + rows):
        assert raw_border(data, ws.title, ws.cell(r, level1.column).coordinate) == THIN_BOX

    # The section label and its continuation cells read as one column: no edge between.
    for label in ("绩效目标", "项目构成分解"):
        head = find(ws, label)
        assert head.column == 1
        assert_boxed(head, top=True, bottom=False)
        cont = ws.cell(head.row + 1, 1)
        assert cont.value is None
        assert cont.border.top.style is None and cont.border.left.style == "thin"
    total = find(ws, "金额合计")
    assert_boxed(ws.cell(total.row, 1), top=False, bottom=True)
    assert_boxed(find(ws, "项目构成"))


def test_goals_budget_lines_and_total(exported):
    p, wb, _data = exported
    ws = wb["绩效目标"]
    lines = list(p.budget_lines.all())
    head = find(ws, "项目构成分解").row
    col = {h: find(ws, h, row=head).column for h in ("项目名称", "项目内容", "项目明细")}
    col |= {h: find(ws, h, row=head).column for h in ("明细金额", "单价", "数量", "备注")}
    price_basis, quantity_basis = (c.column for c in find_all(ws, "依据", head))

    for i, ln in enumerate(lines):
        r = head + 1 + i
        assert text(ws.cell(r, col["项目名称"])) == ln.item_name
        assert text(ws.cell(r, col["项目内容"])) == tag(ln.content, ln.sub_project)
        assert text(ws.cell(r, col["项目明细"])) == ln.detail
        assert_money(ws.cell(r, col["明细金额"]), ln.amount)
        assert_money(ws.cell(r, col["单价"]), ln.unit_price)
        assert text(ws.cell(r, price_basis)) == ln.price_basis
        assert_money(ws.cell(r, col["数量"]), ln.quantity, fmt="0.00")
        assert text(ws.cell(r, quantity_basis)) == ln.quantity_basis
        assert text(ws.cell(r, col["备注"])) == ln.remark

    label = find(ws, "金额合计")
    assert label.row == head + 1 + len(lines)
    assert span(ws, label) == (1, 3)
    total = right_of(ws, label)
    assert total.column == col["明细金额"]
    assert_money(total, sum((ln.amount or Decimal("0") for ln in lines), Decimal("0")))
    assert total.font.b
    dashes = [ws.cell(label.row, c) for c in range(total.column + 1, ws.max_column + 1)]
    assert [d.value for d in dashes] == ["----"] * 5
    assert {d.alignment.horizontal for d in dashes} == {"center"}
    assert all(d.border.bottom.style == "thin" for d in dashes)


# --- sheet 3 ---------------------------------------------------------------------------


def test_guarantees_documents_marks_and_categories(exported):
    p, wb, data = exported
    ws = wb["制度保障"]
    assert ws["A1"].value == "项目支出绩效目标申报表(制度保障)"
    assert ws["A2"].value == f"({p.budget_year.year} 年)"
    assert ws["A3"].value == f"项目名称：{p.name}"

    corner = find(ws, "制度保障")
    assert span(ws, corner) == (2, 1)
    assert span(ws, find(ws, "文件名称")) == (2, 1)
    stages = find(ws, "保障阶段")
    assert span(ws, stages) == (1, 3)
    sub_heads = [text(ws.cell(stages.row + 1, stages.column + i)) for i in range(3)]
    assert sub_heads == ["立项和计划阶段", "实施阶段", "收尾和完成阶段"]

    docs = list(p.rule_documents.all())
    first = corner.row + 2
    got = [[text(ws.cell(first + i, c)) for c in range(2, 7)] for i in range(len(docs))]
    expected = [
        [
            tag(d.title, d.sub_project),
            d.measures,
            f"立项和计划阶段 {'☑' if d.stage_planning else '☐'}",
            f"实施阶段 {'☑' if d.stage_implementation else '☐'}",
            f"收尾和完成阶段 {'☑' if d.stage_closing else '☐'}",
        ]
        for d in docs
    ]
    assert got == expected
    assert ws.max_row == first + len(docs) - 1  # no footer on this sheet

    labels = dict(RuleDocument.Category.choices)
    r = first
    for category, group in groupby(docs, key=lambda d: d.category):
        n = len(list(group))
        assert ws.cell(r, 1).value == labels[category]
        assert span(ws, ws.cell(r, 1)) == (n, 1)
        for k in range(n):  # inside the merge too
            assert raw_border(data, ws.title, ws.cell(r + k, 1).coordinate) == THIN_BOX
        r += n


# --- several projects, sub-projects, sizes ---------------------------------------------


def test_every_demo_project_exports_only_its_own_rows(reference):
    projects = [load_project_file(PROJECTS_DIR / name) for name in FILES]
    assert len(projects) == 8
    for project in projects:
        wb = export(project)
        ws = wb["绩效目标"]
        assert ws["A3"].value == f"项目名称：{project.name}"
        head = find(ws, "三级目标").row
        assert find(ws, "项目构成分解").row - head - 1 == project.indicators.count()
        assert text(right_of(wb["项目总体情况"], find(wb["项目总体情况"], "项目名称"))) == (
            project.name
        )


def test_sub_project_rows_print_their_tag(reference):
    data = json.loads((PROJECTS_DIR / "000.json").read_text(encoding="utf-8"))
    data["sub_projects"] = ["PATHS", "WAP课程"]
    data["indicators"][0]["sub_project"] = "PATHS"
    data["indicators"][-1]["sub_project"] = "WAP课程"
    data["budget_lines"][1]["sub_project"] = "PATHS"
    data["rule_documents"][0]["sub_project"] = "WAP课程"
    project = project_create_from_data(data=data)
    wb = export(project)

    ws = wb["绩效目标"]
    name_col = find(ws, "三级目标")
    names = [
        text(ws.cell(name_col.row + 1 + i, name_col.column)) for i in range(len(data["indicators"]))
    ]
    assert names[0] == f"【PATHS】{data['indicators'][0]['name']}"
    assert names[-1] == f"【WAP课程】{data['indicators'][-1]['name']}"
    assert not any("【" in n for n in names[1:-1])

    head = find(ws, "项目构成分解").row
    content_col = find(ws, "项目内容", row=head).column
    assert text(ws.cell(head + 2, content_col)) == f"【PATHS】{data['budget_lines'][1]['content']}"
    assert "【" not in text(ws.cell(head + 1, content_col))

    ws = wb["制度保障"]
    first = find(ws, "制度保障").row + 2
    assert ws.cell(first, 2).value == f"【WAP课程】{data['rule_documents'][0]['title']}"


def test_large_project_keeps_every_row(alice):
    indicators = [
        (l1, l2, f"{name}{k}", target)
        for l1, l2, name, target in factories.MINHANG_ROWS
        for k in range(10)
    ]
    lines = [(Decimal(f"{1000 + i}.{i:02d}"), None, None) for i in range(40)]
    project = factories.ready_project(unit=alice.unit, indicators=indicators, lines=lines)
    ws = export(project)["绩效目标"]

    head = find(ws, "三级目标")
    names = [text(ws.cell(head.row + 1 + i, head.column)) for i in range(60)]
    assert names == [name for _, _, name, _ in indicators]
    assert span(ws, find(ws, "产出目标")) == (30, 1)
    assert span(ws, find(ws, "数量")) == (10, 1)
    total = right_of(ws, find(ws, "金额合计"))
    assert_money(total, sum((a for a, _, _ in lines), Decimal("0")))
    assert total.row == find(ws, "项目构成分解").row + 41


def test_a_unit_workbook_holds_several_projects_under_prefixed_titles(alice):
    first = factories.ready_project(unit=alice.unit, name="甲项目")
    second = factories.ready_project(unit=alice.unit, name="乙项目")
    wb = Workbook()
    wb.remove(wb.active)
    write_project(wb, project_for_export(first.pk), prefix="1-")
    write_project(wb, project_for_export(second.pk), prefix="2-")
    assert wb.sheetnames == [
        "1-项目总体情况",
        "1-绩效目标",
        "1-制度保障",
        "2-项目总体情况",
        "2-绩效目标",
        "2-制度保障",
    ]
    assert wb["2-绩效目标"]["A3"].value == "项目名称：乙项目"
    assert wb["1-绩效目标"]["A3"].value == "项目名称：甲项目"


def test_sheet_titles_are_valid_in_excel():
    assert sheet_title("1-项目总体情况") == "1-项目总体情况"
    assert sheet_title("a[b]:c*d?e/f\\g") == "abcdefg"
    assert len(sheet_title("很长的单位名称" * 10)) == 31


def test_place_follows_html_rowspans():
    rows = [
        [Cell("A", rowspan=2), Cell("B", colspan=2)],
        [Cell("C"), Cell("D")],
        [Cell("E", colspan=3)],
    ]
    placed, n = place(rows, 3)
    assert n == 3
    assert [(p.row, p.col, p.cell.value) for p in placed] == [
        (0, 0, "A"),
        (0, 1, "B"),
        (1, 1, "C"),
        (1, 2, "D"),
        (2, 0, "E"),
    ]
    with pytest.raises(ValueError, match="wider"):
        place([[Cell("A", rowspan=2), Cell("B", colspan=2)], [Cell("C", colspan=3)]], 3)
    with pytest.raises(ValueError, match="runs past"):
        place([[Cell("A", rowspan=3)]], 1)


def test_the_2021_table_prints_its_own_columns(reference):
    """The 2021 demo's workbook: sheet 1 with 中期目标/年度目标, the indicator table with
    指标性质 … 数据来源 as headings, each row's values under them, on one grid with the
    budget lines (which widen to it)."""
    project = load_project_file(PROJECTS_DIR / "2021a.json")
    wb = export(project)
    overview = [c.value for row in wb["项目总体情况"].iter_rows() for c in row if c.value]
    assert "中期目标" in overview and "年度目标" in overview and "项目总目标" not in overview
    ws = wb["绩效目标"]
    heads = next(
        [c.value for c in row if c.value] for row in ws.iter_rows() if row[1].value == "一级指标"
    )
    assert heads == [
        "绩效目标",
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "分值",
        "指标解释",
        "指标值设定依据",
        "评(扣)分标准",
        "数据来源",
        "备注",
    ]
    cost = next(row for row in ws.iter_rows() if any(c.value == "人均培训成本" for c in row))
    values = [c.value for c in cost if c.value not in (None, "")]
    assert values == [
        "成本指标",
        "经济成本指标",
        "人均培训成本",
        "反向",
        "500",
        "元",
        Decimal("10.00"),
        "培训总支出 / 培训人次。",
        "行业标准",
        "不超过目标得满分，每超 5% 扣 1 分。",
        "财务核算",
    ]
    assert ws.print_area == "'绩效目标'!$A$1:$P$19"
