"""A sheet layout as cells on the grid, decided once for every workbook writer.

``render`` turns a ``layout.SheetLayout`` into a ``Sheet``: where each cell lands (HTML
table semantics: rowspans and colspans), how it looks (a ``Look``: font, alignment, border,
number format, by name), the merged ranges, the row heights and column widths. openpyxl
(``xlsx.write_sheet``, for the workbooks other apps build) and XlsxWriter
(``xlsx_write.Book``, for a project's and a unit's workbook) write the same Sheet.

Excel does not auto-fit the height of merged cells, and most text here sits in merged
cells, so row heights are estimated from the text (a CJK character counts as two
columns of width).
"""

import math
import unicodedata
from dataclasses import dataclass, field
from typing import NamedTuple

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from apps.exports.layout import Cell, SheetLayout

TABLE_WIDTH = 110  # characters across the whole table
LINE_PT = 15  # points per line of wrapped text
ROW_PAD_PT = 3  # a little air above and below the text
MAX_ROW_PT = 409  # Excel's limit for one row
FIRST_TABLE_ROW = 4  # after the title, the year line and the meta line
MONEY_FORMAT = "#,##0.00"
NUMBER_FORMAT = "0.00"

LANDSCAPE = {"goals"}  # ten columns of 项目构成分解 do not fit across a portrait page
ALIGN = {
    "label": "center",
    "head": "center",
    "label-left": "left",
    "text": "left",
    "long": "left",
    "money": "right",
    "total": "right",
    "number": "right",
    "dash": "center",
    "mark": "center",
    "cont": "center",
}
NUMERIC_KINDS = {"money": MONEY_FORMAT, "total": MONEY_FORMAT, "number": NUMBER_FORMAT}


@dataclass
class Placed:
    """A layout cell at its grid position (0-based, relative to the table's first row)."""

    row: int
    col: int
    cell: Cell


def place(rows: list[list[Cell]], width: int) -> tuple[list[Placed], int]:
    """Grid positions in HTML table semantics: a row lists only the cells that start in
    it, and each cell takes the first column not covered by a rowspan from above."""
    below: dict[int, int] = {}  # column → the last row a rowspan from above covers
    placed: list[Placed] = []
    n_rows = len(rows)
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while below.get(c, -1) >= r:
                c += 1
            colspan, rowspan = cell.colspan, cell.rowspan
            if c + colspan > width:
                raise ValueError(f"row {r + 1} is wider than {width} columns at {cell.text!r}")
            if r + rowspan > n_rows:
                raise ValueError(f"row {r + 1}: rowspan of {cell.text!r} runs past the table")
            if rowspan > 1:
                for dc in range(colspan):
                    below[c + dc] = r + rowspan - 1
            placed.append(Placed(r, c, cell))
            c += colspan
    return placed, n_rows


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
    # A lone CR becomes a line break, as an XML reader makes of it anyway.
    text = ILLEGAL_CHARACTERS_RE.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
    return text or None


class Look(NamedTuple):
    """How a cell looks, by name: each writer turns a look into its own style once."""

    font: str | None = None  # "body", "bold", "title"; None: the workbook's default
    align: str | None = None  # "center", "left", "right" (vertically centred, wrapped)
    border: tuple[bool, bool] | None = None  # thin (top, bottom); left and right always
    number_format: str | None = None


@dataclass
class Sheet:
    """One sheet as cells on the grid (1-based), decided once for every writer.

    ``cells`` holds each cell that has a value or a look, by position: a text (written as
    text, never as a formula), a number (Decimal or int) or None. ``covered`` holds the
    looks of the cells inside merged ranges (all but the range's first cell), which carry
    their own borders: Excel and LibreOffice draw a merged range's edges from the cells
    along them."""

    key: str
    widths: list[float]
    cells: dict[tuple[int, int], tuple[object, Look]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2
    covered: dict[tuple[int, int], Look] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    last_row: int = 0

    @property
    def landscape(self) -> bool:
        return self.key in LANDSCAPE

    def text(self, row: int, col: int, text: str, look: Look) -> None:
        self.cells[row, col] = (clean(text), look)

    def merge(self, row: int, col: int, rowspan: int, colspan: int, look: Look | None = None):
        """Merge the range whose first cell is (row, col); ``look`` for its other cells."""
        if rowspan == 1 and colspan == 1:
            return
        end_row, end_col = row + rowspan - 1, col + colspan - 1
        self.merges.append((row, col, end_row, end_col))
        if look is None:
            return
        for r in range(row, end_row + 1):
            for c in range(col, end_col + 1):
                if r != row or c != col:
                    self.covered[r, c] = look


def _spans(widths: list[float], parts: int) -> list[tuple[int, int]]:
    """Split the columns into ``parts`` contiguous groups: (first column, count), 1-based."""
    n = len(widths)
    bounds = [round(i * n / parts) for i in range(parts + 1)]
    return [(bounds[i] + 1, bounds[i + 1] - bounds[i]) for i in range(parts)]


def _header(sheet: Sheet, layout: SheetLayout) -> None:
    widths = sheet.widths
    n = len(widths)
    for row, text, font, height in (
        (1, layout.title, "title", 24),
        (2, layout.year_line, "body", 18),
    ):
        sheet.text(row, 1, text, _look(font, "center", None, None))
        sheet.merge(row, 1, 1, n)
        sheet.heights[row] = height

    # meta_right takes as few trailing columns as it needs; meta_left the rest.
    right_cols = 0
    if layout.meta_right:
        need, room = display_width(layout.meta_right) + 1, 0.0
        while right_cols < n - 1 and room < need:
            right_cols += 1
            room += widths[n - right_cols]
    left_cols = n - right_cols
    sheet.text(3, 1, layout.meta_left, _look("body", "left", None, None))
    sheet.merge(3, 1, 1, left_cols)
    lines = text_lines(layout.meta_left, sum(widths[:left_cols]))
    if right_cols:
        sheet.text(3, left_cols + 1, layout.meta_right, _look("body", "right", None, None))
        sheet.merge(3, left_cols + 1, 1, right_cols)
        lines = max(lines, text_lines(layout.meta_right, sum(widths[left_cols:])))
    sheet.heights[3] = row_height(lines)


_LOOKS: dict[tuple, Look] = {}


def _look(font, align, border, number_format) -> Look:
    """One Look object per look: a unit workbook has a million cells and a dozen looks."""
    key = (font, align, border, number_format)
    look = _LOOKS.get(key)
    if look is None:
        look = _LOOKS[key] = Look(*key)
    return look


def _table(sheet: Sheet, layout: SheetLayout) -> int:
    """Every section's rows from FIRST_TABLE_ROW; return the last row."""
    widths = sheet.widths
    n = len(widths)
    rows = [row for section in layout.sections for row in (*section.head, *section.body)]
    placed, n_rows = place(rows, n)
    top = FIRST_TABLE_ROW

    # Borders on every grid position, merged ones included: a cont cell has no top edge,
    # and whatever sits above it no bottom edge (Excel draws a shared edge if either cell
    # has it), so the section label and its continuation read as one cell.
    cont = {(p.row, p.col) for p in placed if p.cell.kind == "cont"}
    edges = {}

    def border(r: int, c: int) -> Look:
        key = ((r, c) not in cont, (r + 1, c) not in cont)
        look = edges.get(key)
        if look is None:
            look = edges[key] = _look(None, None, key, None)
        return look

    # Heights: single-row cells first, then rowspans stretch their last row if needed.
    heights = [float(row_height(1))] * n_rows
    multi = []
    covered = 0
    cells, covered_looks = sheet.cells, sheet.covered
    spans: dict[tuple[int, int], float] = {}  # (first column, colspan) → width
    for p in placed:
        cell, row, col = p.cell, top + p.row, p.col + 1
        kind, text = cell.kind, cell.text
        number_format = NUMERIC_KINDS.get(kind)
        edge = border(p.row, p.col).border
        look = _look(
            "bold" if kind in ("head", "total") else "body",
            ALIGN.get(kind, "left"),
            edge,
            number_format,
        )
        if number_format is not None:
            cells[row, col] = (cell.value, look)  # Decimal or None: a number Excel can add up
        elif kind == "cont":
            cells[row, col] = (None, look)
        else:
            cells[row, col] = (clean(text), look)
        rowspan, colspan = cell.rowspan, cell.colspan
        if rowspan > 1 or colspan > 1:
            sheet.merges.append((row, col, row + rowspan - 1, col + colspan - 1))
            for r in range(p.row, p.row + rowspan):
                for c in range(p.col, p.col + colspan):
                    if r != p.row or c != p.col:
                        covered_looks[top + r, c + 1] = border(r, c)
        covered += rowspan * colspan

        span = spans.get((p.col, colspan))
        if span is None:
            span = spans[p.col, colspan] = sum(widths[p.col : p.col + colspan])
        lines = text_lines(text, span)
        if rowspan == 1:
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
                    cells[top + r, c + 1] = (None, border(r, c))

    for p, need in multi:
        last = p.row + p.cell.rowspan - 1
        have = sum(heights[p.row : last + 1])
        if need > have:
            heights[last] = min(heights[last] + need - have, MAX_ROW_PT)
    for r, height in enumerate(heights):
        sheet.heights[top + r] = height
    return top + n_rows - 1


def _footer(sheet: Sheet, layout: SheetLayout, row: int) -> None:
    widths, lines = sheet.widths, 1
    for text, (col, count) in zip(layout.footer, _spans(widths, len(layout.footer)), strict=True):
        sheet.text(row, col, text, _look("body", "left", None, None))
        sheet.merge(row, col, 1, count)
        lines = max(lines, text_lines(text, sum(widths[col - 1 : col - 1 + count])))
    sheet.heights[row] = row_height(lines)


def render(layout: SheetLayout) -> Sheet:
    """The layout as cells on the grid: where each lands and how it looks."""
    # Scaled by the actual sum: the relative widths are meant to add up to 100, but the
    # table must come out TABLE_WIDTH wide even if they do not.
    scale = TABLE_WIDTH / sum(layout.columns)
    sheet = Sheet(layout.key, [round(pct * scale, 2) for pct in layout.columns])
    _header(sheet, layout)
    last_row = _table(sheet, layout)
    if layout.footer:
        last_row += 2  # one blank row, then the signatures
        _footer(sheet, layout, last_row)
    sheet.last_row = last_row
    return sheet
