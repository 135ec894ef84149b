"""Writing a workbook out, with word of each sheet written (for a job's progress)."""

import io
import zipfile

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.writer.excel import ExcelWriter


class _ProgressWriter(ExcelWriter):
    """openpyxl's writer, saying when each worksheet has been written."""

    def __init__(self, workbook, archive, written):
        super().__init__(workbook, archive)
        self._written = written

    def write_worksheet(self, ws):
        super().write_worksheet(ws)
        self._written(ws)


def save_counting(wb: Workbook, sheet_written) -> bytes:
    """``wb.save`` into bytes, calling ``sheet_written(ws)`` as each sheet is written."""
    buffer = io.BytesIO()
    wb.properties.modified = timezone.now().replace(tzinfo=None)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        _ProgressWriter(wb, archive, sheet_written).write_data()
    return buffer.getvalue()
