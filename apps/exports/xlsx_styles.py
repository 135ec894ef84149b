"""Styling many workbook cells cheaply (see _CellStyles)."""

from weakref import WeakKeyDictionary

from openpyxl import Workbook
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.worksheet import Worksheet


class _CellStyles:
    """The style arrays of one workbook, one per look (font, alignment, border, number
    format), so that a cell is styled by one array copy.

    Setting ``cell.font``, ``.alignment``, ``.border`` and ``.number_format`` one by one
    hashes each style object to find its index in the workbook (openpyxl's style objects
    hash every attribute, recursively): that was most of the time of a unit workbook,
    over a million assignments. The first cell of each look is styled through those
    public setters, so openpyxl registers the fonts, borders and formats as usual; every
    later cell of the same look gets a copy of that cell's style array (the indices),
    which is what openpyxl itself does when it copies a cell's style.

    Looks are keyed by the identity of the module's style constants: hashing those would
    be the very cost avoided. Each cell gets its own copy, as a later style change of one
    cell through openpyxl's setters must not change the others.
    """

    def __init__(self) -> None:
        self._arrays: dict[tuple, object] = {}

    def apply(self, target, font=None, alignment=None, border=None, number_format=None) -> None:
        key = (id(font), id(alignment), id(border), number_format)
        array = self._arrays.get(key)
        if array is not None:
            target._style = StyleArray(array)
            return
        if number_format is not None:
            target.number_format = number_format
        if font is not None:
            target.font = font
        if alignment is not None:
            target.alignment = alignment
        if border is not None:
            target.border = border
        self._arrays[key] = StyleArray(target._style)


# Style indices belong to a workbook, so the arrays are kept per workbook (weakly: they go
# when the workbook does).
_WORKBOOK_STYLES: "WeakKeyDictionary[Workbook, _CellStyles]" = WeakKeyDictionary()


def styles_of(ws: Worksheet) -> _CellStyles:
    wb = ws.parent
    styles = _WORKBOOK_STYLES.get(wb)
    if styles is None:
        styles = _WORKBOOK_STYLES[wb] = _CellStyles()
    return styles
