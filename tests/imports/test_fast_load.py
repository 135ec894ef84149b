"""The importer's loader (openpyxl's own sheet parser, without building a Cell object for
every position or redrawing merged borders) reads every workbook the importer meets
exactly as openpyxl's own ``load_workbook`` does: each filled cell's value and number
format, blank cells under merges, the merged ranges, the sheets and their states, and the grid
the parser reads."""

import io

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from apps.imports.cells import Grid, Value, is_blank
from apps.imports.files import load_for_import
from apps.projects.models import Project
from tests import factories
from tests.imports.builders import export_project, export_unit, official_spec, official_workbook


def as_openpyxl_reads(data: bytes) -> dict:
    wb = load_workbook(io.BytesIO(data), data_only=True, rich_text=False)
    out = {}
    for ws in wb.worksheets:
        cells = {
            pos: (c.value, c.number_format)
            for pos, c in ws._cells.items()
            if not isinstance(c, MergedCell) and c.value is not None
        }
        grid = {}
        for row in ws.iter_rows():
            for c in row:
                if not isinstance(c, MergedCell) and not is_blank(c.value):
                    grid.setdefault(c.row, {})[c.column] = Value(
                        c.value, c.number_format or "General", c.row, c.column
                    )
        merges = sorted((r.min_row, r.min_col, r.max_row, r.max_col) for r in ws.merged_cells)
        ends = {(r.min_row, r.min_col): (r.max_row, r.max_col) for r in ws.merged_cells}
        out[ws.title] = (ws.sheet_state, merges, cells, grid, ends, ws.max_row, ws.max_column)
    return out


def as_importer_reads(data: bytes) -> dict:
    out = {}
    for sheet in load_for_import(data).worksheets:
        covered = sheet.covered()
        cells = {
            pos: v for pos, v in sheet.cells.items() if pos not in covered and v[0] is not None
        }
        grid = Grid(sheet)
        out[sheet.title] = (
            sheet.state,
            sorted(sheet.merges),
            cells,
            grid.rows,
            grid.merge_end,
            max(sheet.max_row, 1),  # openpyxl counts an empty sheet as one row
            max(sheet.max_column, 1),
        )
    return out


def same_as_openpyxl(data: bytes) -> None:
    expected = as_openpyxl_reads(data)
    assert as_importer_reads(data) == expected
    assert any(merges for _, merges, *_ in expected.values())  # the case that matters


def test_an_exported_project(project):
    same_as_openpyxl(export_project(project))


def test_a_unit_workbook(alice):
    first = factories.ready_project(unit=alice.unit, name="甲项目")
    factories.ready_project(unit=alice.unit, name="乙项目")
    year = first.budget_year
    projects = Project.objects.filter(unit=alice.unit, budget_year=year)
    same_as_openpyxl(export_unit(alice.unit, year, projects))


def test_the_official_template(reference):
    same_as_openpyxl(official_workbook(official_spec(), official_spec(name="第二个项目")))


def test_a_hand_written_sheet(reference):
    """What Excel never writes but a file may hold: values inside merged ranges (dropped,
    as openpyxl drops them), a range whose first cell another range covers, cells and rows
    without positions, a percent format."""
    from openpyxl import Workbook

    from tests.imports.test_bad_packages import SHEET, rewrite

    wb = Workbook()
    wb.active.title = "绩效目标"
    wb.active["A1"] = "x"
    wb.active["C5"] = 0.9
    wb.active["C5"].number_format = "0%"
    rows = (
        b"<row r='2'><c r='A2' t='inlineStr'><is><t>a</t></is></c>"
        b"<c r='B2' t='inlineStr'><is><t>hidden</t></is></c></row>"
        b"<row><c t='inlineStr'><is><t>b</t></is></c><c><v>7</v></c></row>"
        b"<row r='4'><c r='B4' t='inlineStr'><is><t>c</t></is></c></row>"
    )
    merges = b"<mergeCells count='2'><mergeCell ref='A2:B3'/><mergeCell ref='B3:C4'/></mergeCells>"

    def change(xml):
        xml = xml.replace(b'<row r="5"', rows + b'<row r="5"')
        return xml.replace(b"</sheetData>", b"</sheetData>" + merges)

    buffer = io.BytesIO()
    wb.save(buffer)
    data = rewrite(buffer.getvalue(), SHEET, change)
    same_as_openpyxl(data)
    grid = Grid(load_for_import(data).worksheets[0])
    assert {(r, c) for r in grid.rows for c in grid.rows[r]} == {(1, 1), (2, 1), (5, 3)}
    assert grid.get(5, 3).number_format == "0%"
