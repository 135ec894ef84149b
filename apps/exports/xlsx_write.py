"""Writing a project's or a unit's workbook with XlsxWriter, with word of each sheet
written (for a job's progress).

The sheets are decided once (``xlsx_sheet.render``: cells, looks, merges, heights); this
module only writes them. XlsxWriter writes a cell as a line of XML text where openpyxl
builds an element tree for it: a 1,000-project unit workbook took 36–51 s through
openpyxl in normal mode and takes ~9 s and ~280 MiB here, about what openpyxl's
write-only mode takes to write the same values with no format at all
(scripts/bench_exports.py, row 4, measures both). openpyxl reads every file back in the
tests, and the importer reads these files like any other."""

import io

import xlsxwriter
from xlsxwriter.worksheet import Worksheet as XlsxWorksheet

from apps.exports.xlsx_sheet import clean

A4 = 9
# openpyxl's default margins (inches), which the workbooks had: XlsxWriter's differ.
MARGINS = {"left": 0.5, "right": 0.5, "top": 1.0, "bottom": 1.0}
HEADER_FOOTER_MARGIN = 0.5
FONT_SIZES = {"body": 10, "bold": 10, "title": 14}
# XlsxWriter takes a width in characters less the cell's padding, as Excel's dialog shows
# it; the sheets give the width as stored in the file (what openpyxl wrote). Pixels at
# Excel's default font: 7 to a character.
PIXELS_PER_CHARACTER = 7


class _Worksheet(XlsxWorksheet):
    """A worksheet written out as soon as its cells are (``finish``), and saying when the
    workbook's save takes it (``written``).

    XlsxWriter keeps every cell of every sheet until the workbook is closed, then builds
    each sheet's XML out of thousands of small writes held until the file is zipped: a
    unit workbook of 1,000 projects peaked at 360 MiB. A finished sheet keeps only its
    XML text (22 MiB for all 3,000 sheets), which the save copies out as it is.
    """

    written = None
    _xml: bytes | None = None

    def finish(self) -> None:
        buffer = io.StringIO()
        self._set_xml_writer(buffer)
        super()._assemble_xml_file()
        # As UTF-8: the text has CJK in its footer, so Python keeps it 2 bytes a character.
        xml = buffer.getvalue()
        if self.fit_page and self.fit_width == 1:
            # XlsxWriter leaves fitToWidth="1" out (the schema's default); readers that
            # take the file literally, openpyxl among them, then see no width to fit.
            xml = xml.replace("<pageSetup ", '<pageSetup fitToWidth="1" ', 1)
        self._xml = xml.encode()
        for kept in (self.table, self.merged_cells, self.merge, self.row_info):
            kept.clear()

    def _assemble_xml_file(self):
        if self._xml is None:
            super()._assemble_xml_file()
        else:
            self.fh.write(self._xml.decode())
            self._xml = None
        if self.written is not None:
            self.written(self)


class _Workbook(xlsxwriter.Workbook):
    def _check_sheetname(self, sheetname, is_chartsheet=False):
        # XlsxWriter compares a new name with every sheet's: 4.5 million comparisons over
        # a unit workbook's 3,000 sheets (a fifth of its time). Book keeps the names
        # unique with a set, so the other checks run against no sheets.
        sheets, self.worksheets_objs = self.worksheets_objs, []
        try:
            return super()._check_sheetname(sheetname, is_chartsheet)
        finally:
            self.worksheets_objs = sheets


class Book:
    """One workbook being written: add sheets (``xlsx_sheet.Sheet``) and the 元数据 rows, then
    ``save``. Titles already taken get a number, as openpyxl gave them."""

    def __init__(self, font_name: str, title: str = "", creator: str = ""):
        self._buffer = io.BytesIO()
        self._wb = _Workbook(
            self._buffer,
            {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False},
        )
        self._wb.set_properties({"title": title, "author": creator})
        self._font_name = font_name
        self._formats: dict = {}
        self._keep: list = []
        self._titles: set[str] = set()
        self.sheets: list[_Worksheet] = []

    def _format(self, look):
        # By identity: xlsx_sheet makes one Look object per look (hashing a tuple for each
        # of a million cells would be the cost).
        fmt = self._formats.get(id(look))
        if fmt is None:
            props = {}
            if look.font is not None:
                props.update(font_name=self._font_name, font_size=FONT_SIZES[look.font])
                if look.font != "body":
                    props["bold"] = True
            if look.align is not None:
                props.update(align=look.align, valign="vcenter", text_wrap=True)
            if look.border is not None:
                top, bottom = look.border
                props.update(left=1, right=1, top=1 if top else 0, bottom=1 if bottom else 0)
            if look.number_format is not None:
                props["num_format"] = look.number_format
            fmt = self._formats[id(look)] = self._wb.add_format(props)
            self._keep.append(look)  # its id stays its own
        return fmt

    def _add(self, title: str) -> XlsxWorksheet:
        name, n = title, 0
        while name.lower() in self._titles:
            n += 1
            name = f"{title}{n}"
        self._titles.add(name.lower())
        ws = self._wb.add_worksheet(name, worksheet_class=_Worksheet)
        self.sheets.append(ws)
        return ws

    def add_sheet(self, title: str, sheet, footer: str) -> XlsxWorksheet:
        ws = self._add(title)
        fmt = self._format
        for col, width in enumerate(sheet.widths):
            ws.set_column_pixels(col, col, round(width * PIXELS_PER_CHARACTER))
        for row, height in sheet.heights.items():
            ws.set_row(row - 1, height)
        write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
        # The ranges go straight into the list the sheet's XML is written from: what
        # merge_range adds (a check of each cell against every range, a blank cell of the
        # first cell's look in each position) was a sixth of a unit workbook's time, and
        # place() keeps the ranges apart already. The covered cells get their own looks
        # (their borders) below, as in the openpyxl sheets.
        for row, col, end_row, end_col in sheet.merges:
            ws.merge.append([row - 1, col - 1, end_row - 1, end_col - 1])
        formats = self._formats  # looked up here: a call per cell was a tenth of the time
        for (row, col), look in sheet.covered.items():
            write_blank(row - 1, col - 1, None, formats.get(id(look)) or fmt(look))
        for (row, col), (value, look) in sheet.cells.items():
            cell_format = formats.get(id(look)) or fmt(look)
            if value is None:
                write_blank(row - 1, col - 1, None, cell_format)
            elif isinstance(value, str):
                write_string(row - 1, col - 1, value, cell_format)
            else:
                write_number(row - 1, col - 1, value, cell_format)
        ws.set_paper(A4)
        if sheet.landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.fit_to_pages(1, 0)  # one page wide, as many pages tall as the rows need
        ws.center_horizontally()
        ws.set_margins(**MARGINS)
        ws.set_header("", {"margin": HEADER_FOOTER_MARGIN})
        ws.set_footer(f"&C{footer}", {"margin": HEADER_FOOTER_MARGIN})
        ws.print_area(0, 0, sheet.last_row - 1, len(sheet.widths) - 1)
        ws.hide_gridlines(2)  # the table's own borders are the form
        if len(self.sheets) == 1:
            ws.activate()  # the first sheet opens (before finish: its XML says so)
        ws.finish()
        return ws

    def add_metadata(self, title: str, rows: list[tuple[str, object]]) -> None:
        """The hidden sheet of (key, value) rows an importer reads."""
        ws = self._add(title)
        for r, (key, value) in enumerate(rows):
            ws.write_string(r, 0, key)
            if isinstance(value, str):
                text = clean(value)
                if text is not None:
                    ws.write_string(r, 1, text)
            elif value is not None:
                ws.write_number(r, 1, value)
        ws.hide()
        ws.finish()

    def save(self, sheet_written=None) -> bytes:
        """The .xlsx bytes, calling ``sheet_written(ws)`` as each sheet is written out."""
        for ws in self.sheets:
            ws.written = sheet_written
        self._wb.close()
        return self._buffer.getvalue()


def save_counting(book: Book, sheet_written) -> bytes:
    """``book.save``, calling ``sheet_written(ws)`` as each sheet is written."""
    return book.save(sheet_written)
