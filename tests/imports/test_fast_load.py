"""The importer's loader (openpyxl without redrawing merged borders) reads every workbook
the importer meets exactly as openpyxl's own ``load_workbook`` does: each cell's value and
number format, blank cells under merges, the merged ranges, the sheets and their states."""

import io

from openpyxl import load_workbook
from openpyxl.cell.cell import MergedCell

from apps.imports.cells import Grid
from apps.imports.files import load_for_import
from tests.imports.builders import export_project, official_spec, official_workbook


def read(wb) -> dict:
    out = {}
    for ws in wb.worksheets:
        cells = {
            (c.row, c.column): (type(c) is MergedCell, c.value, c.number_format)
            for row in ws.iter_rows()
            for c in row
        }
        grid = Grid(ws)
        out[ws.title] = (
            ws.sheet_state,
            sorted(str(r) for r in ws.merged_cells.ranges),
            cells,
            grid.rows,
            grid.merge_end,
        )
    return out


def same_as_openpyxl(data: bytes) -> None:
    expected = read(load_workbook(io.BytesIO(data), data_only=True, rich_text=False))
    assert read(load_for_import(data)) == expected
    assert any(merges for _, merges, *_ in expected.values())  # the case that matters


def test_an_exported_project(project):
    same_as_openpyxl(export_project(project))


def test_the_official_template(reference):
    same_as_openpyxl(official_workbook(official_spec(), official_spec(name="第二个项目")))
