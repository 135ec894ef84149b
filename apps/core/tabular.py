"""Tabular exports that a spreadsheet cannot run: CSV and XLSX formats for django-import-export.

A cell that starts with ``= + - @`` (or a tab / carriage return) is read by Excel,
LibreOffice and WPS as a formula when a CSV is opened, and openpyxl stores a string that
starts with ``=`` as a formula in an XLSX. A project or unit name such as
``=HYPERLINK("http://x","a")`` would then run in the reader's spreadsheet (OWASP "CSV
injection").

django-import-export's own ``IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT`` is not enough: it
only drops a leading ``=`` (the text changes, ``+ - @`` stay live) and turns every cell
into a string. So, as OWASP recommends:

- CSV: such a cell is written with a leading apostrophe (``'=HYPERLINK(…)``), which every
  spreadsheet shows as text; reading our own CSV back removes exactly that apostrophe, so
  the admin's master-data export → import round trip stays exact.
- XLSX: the text is kept as typed, in a text cell (``data_type`` ``s``), never a formula.

Plain numbers (``-12.50``) are not formulas and are left alone. Both formats are the only
ones the admin offers (``IMPORT_EXPORT_FORMATS`` in the settings), and the project list
export writes through them too.
"""

import re
from io import BytesIO

from import_export.formats import base_formats

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(\d[\d,]*)?(\.\d+)?")


def is_formula_like(value: object) -> bool:
    return (
        isinstance(value, str)
        and value.startswith(FORMULA_TRIGGERS)
        and not (_PLAIN_NUMBER.fullmatch(value) and any(c.isdigit() for c in value))
    )


def csv_cell(value: object) -> object:
    """The value as a CSV cell no spreadsheet evaluates."""
    return "'" + value if is_formula_like(value) else value


def csv_cell_read(value: object) -> object:
    """Undo ``csv_cell``: the apostrophe it added in front of a formula-like text."""
    if isinstance(value, str) and value.startswith("'") and is_formula_like(value[1:]):
        return value[1:]
    return value


def _map_cells(dataset, function):
    copy = dataset.__class__(title=dataset.title)
    copy.headers = dataset.headers and [function(h) for h in dataset.headers]
    for row in dataset:
        copy.append([function(cell) for cell in row])
    return copy


class SafeCSV(base_formats.CSV):
    def export_data(self, dataset, **kwargs):
        return _map_cells(dataset, csv_cell).export("csv", **kwargs)

    def create_dataset(self, in_stream, **kwargs):
        return _map_cells(super().create_dataset(in_stream, **kwargs), csv_cell_read)


class SafeXLSX(base_formats.XLSX):
    def export_data(self, dataset, **kwargs):
        from openpyxl import Workbook
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
        from tablib.formats._xlsx import XLSXFormat, safe_xlsx_sheet_title

        def legal(value):
            # Control characters openpyxl refuses would make the whole export fail.
            if isinstance(value, str):
                return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
            return value

        wb = Workbook()
        ws = wb.active
        ws.title = safe_xlsx_sheet_title(dataset.title or "数据", "-")
        XLSXFormat.dset_sheet(_map_cells(dataset, legal), ws)
        for row in ws.iter_rows():
            for cell in row:
                # openpyxl took a text starting with "=" for a formula: it is text.
                if cell.data_type == "f":
                    cell.data_type = "s"
        XLSXFormat._adapt_column_width(ws, "adaptive")
        stream = BytesIO()
        wb.save(stream)
        return stream.getvalue()


# What the admin's import-export offers (settings.IMPORT_EXPORT_FORMATS).
SAFE_FORMATS = [SafeCSV, SafeXLSX]
