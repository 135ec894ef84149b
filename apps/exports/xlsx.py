"""The three sheets of a project as an Excel workbook, written from ``layout.py``.

Every cell comes from ``project_layouts``: this module only decides where the cells land
in the grid and how they look, never what they say.

Sums are written as values, not formulas. The rules module is the authority for every
sum and every finding, and the layout already carries the figures it computed; a formula
would be a second, unchecked computation. openpyxl also writes no cached value for a
formula, so an importer that reads the file back with openpyxl would see ``None`` where
金额合计 should be; plain values keep export → import exact (amounts go out as numbers
with up to 16 significant digits, far beyond any budget in 元).

Excel does not auto-fit the height of merged cells, and most text here sits in merged
cells, so row heights are estimated from the text (a CJK character counts as two
columns of width).
"""

import io
import json
import math
import re
import unicodedata
from dataclasses import dataclass

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from apps.exports.layout import Cell, SheetLayout, project_layouts, unit_summary_layout
from apps.exports.xlsx_styles import styles_of as _styles
from apps.exports.xlsx_write import save_counting as _save
from apps.projects.models import Project

SHEET_TITLES = {"overview": "项目总体情况", "goals": "绩效目标", "guarantees": "制度保障"}
LANDSCAPE = {"goals"}  # ten columns of 项目构成分解 do not fit across a portrait page
META_TITLE = "元数据"
EXPORT_FORMAT = "perf-targets-export"
EXPORT_VERSION = 1

TABLE_WIDTH = 110  # characters across the whole table
LINE_PT = 15  # points per line of wrapped text
ROW_PAD_PT = 3  # a little air above and below the text
MAX_ROW_PT = 409  # Excel's limit for one row
FIRST_TABLE_ROW = 4  # after the title, the year line and the meta line
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "0.00"

# The printed forms are set in a Song face; Excel on the filers' machines has 宋体.
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, size=10)
BOLD_FONT = Font(name=FONT_NAME, size=10, bold=True)
TITLE_FONT = Font(name=FONT_NAME, size=14, bold=True)

THIN = Side(style="thin")
NONE = Side()
BORDERS = {
    (top, bottom): Border(
        left=THIN, right=THIN, top=THIN if top else NONE, bottom=THIN if bottom else NONE
    )
    for top in (True, False)
    for bottom in (True, False)
}


def _align(horizontal: str) -> Alignment:
    return Alignment(horizontal=horizontal, vertical="center", wrap_text=True)


CENTER, LEFT, RIGHT = _align("center"), _align("left"), _align("right")
ALIGN = {
    "label": CENTER,
    "head": CENTER,
    "label-left": LEFT,
    "text": LEFT,
    "long": LEFT,
    "money": RIGHT,
    "total": RIGHT,
    "number": RIGHT,
    "dash": CENTER,
    "mark": CENTER,
    "cont": CENTER,
}
NUMERIC_KINDS = {"money": MONEY_FORMAT, "total": MONEY_FORMAT, "number": NUMBER_FORMAT}
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


@dataclass
class Placed:
    """A layout cell at its grid position (0-based, relative to the table's first row)."""

    row: int
    col: int
    cell: Cell


def place(rows: list[list[Cell]], width: int) -> tuple[list[Placed], int]:
    """Grid positions in HTML table semantics: a row lists only the cells that start in
    it, and each cell takes the first column not covered by a rowspan from above."""
    occupied: set[tuple[int, int]] = set()
    placed: list[Placed] = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in occupied:
                c += 1
            if c + cell.colspan > width:
                raise ValueError(f"row {r + 1} is wider than {width} columns at {cell.text!r}")
            if r + cell.rowspan > len(rows):
                raise ValueError(f"row {r + 1}: rowspan of {cell.text!r} runs past the table")
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    occupied.add((r + dr, c + dc))
            placed.append(Placed(r, c, cell))
            c += cell.colspan
    return placed, len(rows)


class _CharWidths(dict):
    """Columns per character, looked up once per distinct character: a unit workbook
    measures five million characters, mostly the same few thousand."""

    def __missing__(self, ch: str) -> int:
        width = self[ch] = 2 if unicodedata.east_asian_width(ch) in "WF" else 1
        return width


_CHAR_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    """Columns the text takes: wide (CJK, full-width) characters count two."""
    if text.isascii():
        return len(text)
    return sum(map(_CHAR_WIDTHS.__getitem__, text))


def text_lines(text: str, width: float) -> int:
    """Lines the text wraps to in a cell ``width`` characters wide."""
    usable = max(width - 1.0, 1.0)  # the cell's inner padding
    if 2 * len(text) <= usable and "\n" not in text:
        return 1  # fits even if every character is wide: most cells, no need to measure
    return sum(max(1, math.ceil(display_width(p) / usable)) for p in text.split("\n"))


def row_height(lines: int) -> float:
    return min(lines * LINE_PT + ROW_PAD_PT, MAX_ROW_PT)


def clean(text: str) -> str | None:
    """Text as a cell can hold it: no control characters openpyxl refuses, None if empty."""
    text = ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n"))
    return text or None


def sheet_title(title: str) -> str:
    """A valid Excel sheet title: at most 31 characters, none of []:*?/\\."""
    return _BAD_TITLE_CHARS.sub("", title)[:31]


def _set_text(target, text: str) -> None:
    target.value = clean(text)
    # A typed target value like "=100%" must stay text, not become a formula.
    if target.value is not None:
        target.data_type = "s"


def _merge(ws: Worksheet, row: int, col: int, rowspan: int, colspan: int) -> list[MergedCell]:
    """Merge the range whose top-left cell is (row, col); return its other cells.

    What ``ws.merge_cells`` does, less its costs that buy nothing here (it took a fifth of
    a unit workbook's time): it checks the new range against every range of the sheet
    (place() already keeps them apart), and it styles every cell of the range twice over
    (the top-left cell's borders copied onto the edges, which it has none of yet, and its
    protection onto every cell). The covered cells are MergedCells as merge_cells makes
    them; the caller gives them their borders.
    """
    if rowspan == 1 and colspan == 1:
        return []
    end_row, end_col = row + rowspan - 1, col + colspan - 1
    ref = f"{get_column_letter(col)}{row}:{get_column_letter(end_col)}{end_row}"
    ws.merged_cells.ranges.add(MergedCellRange(ws, ref))
    covered = []
    for r in range(row, end_row + 1):
        for c in range(col, end_col + 1):
            if r != row or c != col:
                cell = ws._cells[r, c] = MergedCell(ws, row=r, column=c)
                covered.append(cell)
    return covered


def _spans(widths: list[float], parts: int) -> list[tuple[int, int]]:
    """Split the columns into ``parts`` contiguous groups: (first column, count), 1-based."""
    n = len(widths)
    bounds = [round(i * n / parts) for i in range(parts + 1)]
    return [(bounds[i] + 1, bounds[i + 1] - bounds[i]) for i in range(parts)]


def _write_header(ws: Worksheet, layout: SheetLayout, widths: list[float]) -> None:
    n, styles = len(widths), _styles(ws)
    for row, text, font, height in (
        (1, layout.title, TITLE_FONT, 24),
        (2, layout.year_line, BODY_FONT, 18),
    ):
        cell = ws.cell(row=row, column=1)
        _set_text(cell, text)
        styles.apply(cell, font, CENTER)
        _merge(ws, row, 1, 1, n)
        ws.row_dimensions[row].height = height

    # meta_right takes as few trailing columns as it needs; meta_left the rest.
    right_cols = 0
    if layout.meta_right:
        need, room = display_width(layout.meta_right) + 1, 0.0
        while right_cols < n - 1 and room < need:
            right_cols += 1
            room += widths[n - right_cols]
    left_cols = n - right_cols
    left = ws.cell(row=3, column=1)
    _set_text(left, layout.meta_left)
    styles.apply(left, BODY_FONT, LEFT)
    _merge(ws, 3, 1, 1, left_cols)
    lines = text_lines(layout.meta_left, sum(widths[:left_cols]))
    if right_cols:
        right = ws.cell(row=3, column=left_cols + 1)
        _set_text(right, layout.meta_right)
        styles.apply(right, BODY_FONT, RIGHT)
        _merge(ws, 3, left_cols + 1, 1, right_cols)
        lines = max(lines, text_lines(layout.meta_right, sum(widths[left_cols:])))
    ws.row_dimensions[3].height = row_height(lines)


def _write_table(ws: Worksheet, layout: SheetLayout, widths: list[float]) -> int:
    """Write every section's rows from FIRST_TABLE_ROW; return the last row written."""
    n = len(widths)
    rows = [row for section in layout.sections for row in (*section.head, *section.body)]
    placed, n_rows = place(rows, n)
    top = FIRST_TABLE_ROW

    # Borders on every grid position, merged ones included: openpyxl draws only what each
    # cell carries. A cont cell has no top edge, and whatever sits above it no bottom
    # edge (Excel draws a shared edge if either cell has it), so the section label and
    # its continuation read as one cell.
    cont = {(p.row, p.col) for p in placed if p.cell.kind == "cont"}

    def border(r: int, c: int) -> Border:
        return BORDERS[((r, c) not in cont, (r + 1, c) not in cont)]

    styles = _styles(ws)
    # Heights: single-row cells first, then rowspans stretch their last row if needed.
    heights = [float(row_height(1))] * n_rows
    multi = []
    covered = 0
    for p in placed:
        cell, row, col = p.cell, top + p.row, p.col + 1
        target = ws.cell(row=row, column=col)
        text = cell.text
        number_format = NUMERIC_KINDS.get(cell.kind)
        if number_format is not None:
            target.value = cell.value  # Decimal or None: a number Excel can add up
        elif cell.kind != "cont":
            _set_text(target, text)
        font = BOLD_FONT if cell.kind in ("head", "total") else BODY_FONT
        styles.apply(target, font, ALIGN.get(cell.kind, LEFT), border(p.row, p.col), number_format)
        if cell.rowspan > 1 or cell.colspan > 1:
            for merged in _merge(ws, row, col, cell.rowspan, cell.colspan):
                styles.apply(merged, border=border(merged.row - top, merged.column - 1))
        covered += cell.rowspan * cell.colspan

        lines = text_lines(text, sum(widths[p.col : p.col + cell.colspan]))
        if cell.rowspan == 1:
            heights[p.row] = max(heights[p.row], row_height(lines))
        else:
            multi.append((p, row_height(lines)))
    if covered < n_rows * n:  # a short row: the positions no cell covers get borders too
        taken = {
            (p.row + dr, p.col + dc)
            for p in placed
            for dr in range(p.cell.rowspan)
            for dc in range(p.cell.colspan)
        }
        for r in range(n_rows):
            for c in range(n):
                if (r, c) not in taken:
                    styles.apply(ws.cell(row=top + r, column=c + 1), border=border(r, c))

    for p, need in multi:
        last = p.row + p.cell.rowspan - 1
        have = sum(heights[p.row : last + 1])
        if need > have:
            heights[last] = min(heights[last] + need - have, MAX_ROW_PT)
    for r, height in enumerate(heights):
        ws.row_dimensions[top + r].height = height
    return top + n_rows - 1


def _write_footer(ws: Worksheet, layout: SheetLayout, widths: list[float], row: int) -> None:
    lines, styles = 1, _styles(ws)
    for text, (col, count) in zip(layout.footer, _spans(widths, len(layout.footer)), strict=True):
        cell = ws.cell(row=row, column=col)
        _set_text(cell, text)
        styles.apply(cell, BODY_FONT, LEFT)
        _merge(ws, row, col, 1, count)
        lines = max(lines, text_lines(text, sum(widths[col - 1 : col - 1 + count])))
    ws.row_dimensions[row].height = row_height(lines)


def _page_setup(ws: Worksheet, layout: SheetLayout, last_row: int) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if layout.key in LANDSCAPE else "portrait"
    # One page wide, as many pages tall as the rows need.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = f"A1:{get_column_letter(len(layout.columns))}{last_row}"
    ws.oddFooter.center.text = "第 &P 页 / 共 &N 页"
    ws.sheet_view.showGridLines = False  # the table's own borders are the form


def write_sheet(ws: Worksheet, layout: SheetLayout) -> None:
    """Render one sheet layout into an empty worksheet."""
    # Scaled by the actual sum: the relative widths are meant to add up to 100, but the
    # table must come out TABLE_WIDTH wide even if they do not.
    scale = TABLE_WIDTH / sum(layout.columns)
    widths = [round(pct * scale, 2) for pct in layout.columns]
    for i, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    _write_header(ws, layout, widths)
    last_row = _write_table(ws, layout, widths)
    if layout.footer:
        last_row += 2  # one blank row, then the signatures
        _write_footer(ws, layout, widths, last_row)
    _page_setup(ws, layout, last_row)


def _create_sheet(wb: Workbook, title: str, titles: set[str] | None) -> Worksheet:
    """``wb.create_sheet(title)``, without its O(n) check when ``titles`` (the lower-cased
    titles of every sheet of ``wb``) shows the title is free.

    openpyxl compares a new title with every sheet's to number a duplicate, so a unit
    workbook's 3,000 sheets took 4.5 million comparisons (2-3 s). The check only looks at
    ``wb._sheets``: with the list set aside while the sheet is made, it finds nothing; the
    set here does the same check in O(1), and a title already taken still goes through
    openpyxl, which numbers it as ever.
    """
    if titles is None or title.lower() in titles:
        ws = wb.create_sheet(title)
    else:
        sheets, wb._sheets = wb._sheets, []
        try:
            ws = wb.create_sheet(title)
        finally:
            sheets.extend(wb._sheets)
            wb._sheets = sheets
    if titles is not None:
        titles.add(ws.title.lower())
    return ws


def write_project(
    wb: Workbook, project: Project, prefix: str = "", titles: set[str] | None = None
) -> list[Worksheet]:
    """Add the project's three sheets to ``wb``; ``prefix`` tells projects apart in a
    workbook of several (e.g. "1-项目总体情况"). ``titles``, if given, holds the
    lower-cased titles of every sheet of ``wb`` and is kept up to date (see _create_sheet)."""
    sheets = []
    for layout in project_layouts(project):
        ws = _create_sheet(wb, sheet_title(prefix + SHEET_TITLES[layout.key]), titles)
        write_sheet(ws, layout)
        sheets.append(ws)
    return sheets


def metadata_rows(project: Project) -> list[tuple[str, object]]:
    """What an importer reads to recognise a workbook of this layout and its project."""
    return [
        ("format", EXPORT_FORMAT),
        ("version", EXPORT_VERSION),
        ("unit_code", project.unit.code),
        ("unit_name", project.unit.name),
        ("budget_year", project.budget_year.year),
        ("project_name", project.name),
        ("project_pk", project.pk),
        *total_source_rows(1, project),
        *sub_project_rows(1, project),
        ("exported_at", timezone.now().isoformat(timespec="seconds")),
    ]


def sub_project_rows(index: int, project: Project) -> list[tuple[str, object]]:
    """The project's sub-projects in their order, as a JSON list of names: one without
    rows prints nowhere on the sheets, and the sheets only show the order rows use them."""
    names = [sp.name for sp in project.sub_projects.all()]
    return [(f"sub_projects_{index}", json.dumps(names, ensure_ascii=False))]


def total_source_rows(index: int, project: Project) -> list[tuple[str, object]]:
    """Where the project's 金额合计 came from: the sheet prints the computed sum, so a
    金额合计 kept as an original sheet printed it (原表填写/原表空白) travels here."""
    declared = project.declared_total
    return [
        (f"total_source_{index}", project.total_source),
        (f"declared_total_{index}", None if declared is None else str(declared)),
    ]


def write_metadata(wb: Workbook, rows: list[tuple[str, object]]) -> Worksheet:
    ws = wb.create_sheet(META_TITLE)
    for key, value in rows:
        ws.append([key, None])
        target = ws.cell(row=ws.max_row, column=2)
        if isinstance(value, str):
            _set_text(target, value)
        else:
            target.value = value
    ws.sheet_state = "hidden"
    return ws


def project_workbook(project: Project) -> bytes:
    """The project's three sheets and the hidden 元数据 sheet, as .xlsx bytes."""
    wb = Workbook()
    wb.remove(wb.active)
    write_project(wb, project)
    write_metadata(wb, metadata_rows(project))
    wb.active = 0
    wb.properties.title = project.name
    wb.properties.creator = "perf-targets"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def unit_workbook(unit, budget_year, projects, progress=lambda done: None) -> bytes:
    """A unit's year in one workbook: the summary sheet, then each project's three sheets
    (prefixed 1-, 2-, … in the order of the summary). The hidden 元数据 sheet lists the
    projects so an importer knows which sheets belong together.

    ``progress(done)`` counts up to ``len(projects)`` through both halves of the work:
    building the sheets and writing the file take about as long (measured at 1,000
    projects), so each counts for half, and the count reaches the end only when the file
    is written (before, the bar stood at 100 % for the whole final save)."""
    n = len(projects)
    reported = [0]

    def report(value: int) -> None:
        if value > reported[0]:
            reported[0] = value
            progress(value)

    wb = Workbook()
    wb.remove(wb.active)
    write_sheet(wb.create_sheet("汇总"), unit_summary_layout(unit, budget_year, projects))
    titles = {title.lower() for title in wb.sheetnames}
    for done, project in enumerate(projects, start=1):
        write_project(wb, project, prefix=f"{done}-", titles=titles)
        report(done // 2)
    write_metadata(
        wb,
        [
            ("format", EXPORT_FORMAT),
            ("version", EXPORT_VERSION),
            ("unit_code", unit.code),
            ("unit_name", unit.name),
            ("budget_year", budget_year.year),
            ("project_count", len(projects)),
            *[(f"project_{i}", p.name) for i, p in enumerate(projects, start=1)],
            *[row for i, p in enumerate(projects, start=1) for row in total_source_rows(i, p)],
            *[row for i, p in enumerate(projects, start=1) for row in sub_project_rows(i, p)],
            ("exported_at", timezone.now().isoformat(timespec="seconds")),
        ],
    )
    wb.active = 0
    sheets = [0]
    project_sheets = max(1, len(wb.worksheets) - 2)  # all but 汇总 and 元数据

    def sheet_written(ws) -> None:
        sheets[0] += 1
        report(n // 2 + (n - n // 2) * min(sheets[0], project_sheets) // project_sheets)

    content = _save(wb, sheet_written)
    report(n)
    return content
