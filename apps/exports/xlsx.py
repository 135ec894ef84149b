"""The three sheets of a project as an Excel workbook, written from ``layout.py``.

Every cell comes from ``project_layouts``: the workbook decides where the cells land in
the grid and how they look (``xlsx_sheet.render``), never what they say.

Sums are written as values, not formulas. The rules module is the authority for every
sum and every finding, and the layout already carries the figures it computed; a formula
would be a second, unchecked computation. openpyxl also writes no cached value for a
formula, so an importer that reads the file back with openpyxl would see ``None`` where
金额合计 should be; plain values keep export → import exact (amounts go out as numbers
with up to 16 significant digits, far beyond any budget in 元).

This module writes a project's and a unit's workbook through ``xlsx_write`` (XlsxWriter) and
keeps ``write_sheet`` for the workbooks other apps build in openpyxl.
"""

import json
import re

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import MergedCell
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from apps.exports.layout import SheetLayout, project_layouts, unit_summary_layout
from apps.exports.xlsx_sheet import Look, Sheet, clean, place, render  # noqa: F401 - API
from apps.exports.xlsx_styles import styles_of as _styles
from apps.exports.xlsx_write import Book
from apps.exports.xlsx_write import save_counting as _save
from apps.projects.models import Project

SHEET_TITLES = {"overview": "项目总体情况", "goals": "绩效目标", "guarantees": "制度保障"}
META_TITLE = "元数据"
EXPORT_FORMAT = "perf-targets-export"
EXPORT_VERSION = 1
CREATOR = "perf-targets"
FOOTER = "第 &P 页 / 共 &N 页"
BUILD_SHARE = 9  # tenths of a unit workbook's time spent before the final save


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
_BAD_TITLE_CHARS = re.compile(r"[\[\]:*?/\\]")


def sheet_title(title: str) -> str:
    """A valid Excel sheet title: at most 31 characters, none of []:*?/\\."""
    return _BAD_TITLE_CHARS.sub("", title)[:31]


# --- openpyxl: a sheet into a worksheet of a workbook being built -----------------------

FONTS = {"body": BODY_FONT, "bold": BOLD_FONT, "title": TITLE_FONT}
ALIGNMENTS = {"center": CENTER, "left": LEFT, "right": RIGHT}


def _page_setup(ws: Worksheet, sheet: Sheet) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.orientation = "landscape" if sheet.landscape else "portrait"
    # One page wide, as many pages tall as the rows need.
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.5
    ws.print_area = f"A1:{get_column_letter(len(sheet.widths))}{sheet.last_row}"
    ws.oddFooter.center.text = FOOTER
    ws.sheet_view.showGridLines = False  # the table's own borders are the form


def write_sheet(ws: Worksheet, layout: SheetLayout) -> None:
    """Render one sheet layout into an empty openpyxl worksheet (the sheets other apps
    build in openpyxl workbooks; a project's and a unit's workbooks go through
    xlsx_write, which writes the same Sheet)."""
    sheet = render(layout)
    styles = _styles(ws)

    def apply(target, look: Look) -> None:
        styles.apply(
            target,
            FONTS.get(look.font),
            ALIGNMENTS.get(look.align),
            None if look.border is None else BORDERS[look.border],
            look.number_format,
        )

    for i, width in enumerate(sheet.widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    for (row, col), (value, look) in sheet.cells.items():
        target = ws.cell(row=row, column=col)
        target.value = value
        if isinstance(value, str):
            target.data_type = "s"  # a typed target value like "=100%" stays text
        apply(target, look)
    for row, col, end_row, end_col in sheet.merges:
        # What ws.merge_cells does, less its costs that buy nothing here: it checks the
        # range against every range of the sheet (place() keeps them apart) and styles
        # every cell of the range twice over. The covered cells are MergedCells as
        # merge_cells makes them, with their own borders.
        ref = f"{get_column_letter(col)}{row}:{get_column_letter(end_col)}{end_row}"
        ws.merged_cells.ranges.add(MergedCellRange(ws, ref))
        for r in range(row, end_row + 1):
            for c in range(col, end_col + 1):
                if r != row or c != col:
                    cell = ws._cells[r, c] = MergedCell(ws, row=r, column=c)
                    look = sheet.covered.get((r, c))
                    if look is not None:
                        apply(cell, look)
    for row, height in sheet.heights.items():
        ws.row_dimensions[row].height = height
    _page_setup(ws, sheet)


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


def _add_project(book: Book, project: Project, prefix: str = "") -> None:
    for layout in project_layouts(project):
        book.add_sheet(sheet_title(prefix + SHEET_TITLES[layout.key]), render(layout), FOOTER)


def project_workbook(project: Project) -> bytes:
    """The project's three sheets and the hidden 元数据 sheet, as .xlsx bytes."""
    book = Book(FONT_NAME, title=project.name, creator=CREATOR)
    _add_project(book, project)
    book.add_metadata(META_TITLE, metadata_rows(project))
    return book.save()


def unit_workbook(unit, budget_year, projects, progress=lambda done: None) -> bytes:
    """A unit's year in one workbook: the summary sheet, then each project's three sheets
    (prefixed 1-, 2-, … in the order of the summary). The hidden 元数据 sheet lists the
    projects so an importer knows which sheets belong together.

    ``progress(done)`` counts up to ``len(projects)`` through the whole work: laying out
    and writing each project's sheets (nine tenths of the time, measured at 1,000
    projects: each sheet's XML is written as soon as it is laid out), then packing the
    file; the count reaches the end only when the file is written."""
    n = len(projects)
    reported = [0]

    def report(value: int) -> None:
        if value > reported[0]:
            reported[0] = value
            progress(value)

    book = Book(FONT_NAME, title=f"{unit.name} {budget_year.year} 年", creator=CREATOR)
    book.add_sheet("汇总", render(unit_summary_layout(unit, budget_year, projects)), FOOTER)
    for done, project in enumerate(projects, start=1):
        _add_project(book, project, prefix=f"{done}-")
        report(done * BUILD_SHARE // 10)
    book.add_metadata(
        META_TITLE,
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
    sheets = [0]
    project_sheets = max(1, len(book.sheets) - 2)  # all but 汇总 and 元数据

    def sheet_written(ws) -> None:
        sheets[0] += 1
        built = n * BUILD_SHARE // 10
        report(built + (n - built) * min(sheets[0], project_sheets) // project_sheets)

    content = _save(book, sheet_written)
    report(n)
    return content
