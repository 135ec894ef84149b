"""Reading cells: a sheet as a grid of values, and a cell's value as text, money or date.

A value that cannot be read becomes an ``Issue`` at its cell (sheet, row, column label,
coordinate) instead of an exception, so one bad cell never hides the others.
"""

import datetime
import math
import re
import unicodedata
from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from openpyxl.utils import get_column_letter

from apps.core.money import parse_amount

if TYPE_CHECKING:
    from apps.imports.files import ReadSheet

ERROR, WARNING = "error", "warning"
# Where the import had to interpret what it read (a split text, a level kept as typed,
# metadata ignored): listed in the preview, never blocking.
NOTICE = "notice"
MAX_AMOUNT = Decimal(10) ** 16  # Decimal(18, 2)
# Excel keeps 15 significant digits of a number: a longer one typed as a number (an ID,
# an account) has already lost its last digits.
EXCEL_DIGITS = 15


@dataclass
class Issue:
    """Something about a cell (or a sheet) of the file, found while reading it."""

    severity: str  # error blocks the import; warning and notice are shown
    sheet: str
    message: str
    row: int | None = None
    column: str = ""  # the column's label as printed (目标值), not its letter
    cell: str = ""  # A1 reference

    @property
    def is_error(self) -> bool:
        return self.severity == ERROR

    @property
    def where(self) -> str:
        parts = [f"“{self.sheet}”表"] if self.sheet else ["文件"]
        if self.row:
            parts.append(f"第 {self.row} 行")
        if self.column:
            parts.append(self.column + (f"（{self.cell}）" if self.cell else ""))
        elif self.cell:
            parts.append(self.cell)
        return " · ".join(parts)

    @property
    def text(self) -> str:
        return f"{self.where}：{self.message}"

    def as_dict(self) -> dict:
        return {**asdict(self), "where": self.where}


class Issues(list):
    def add(self, severity, sheet, message, row=None, column="", cell="") -> None:
        self.append(Issue(severity, sheet, message, row, column, cell))


@dataclass
class Value:
    raw: object
    number_format: str
    row: int
    col: int

    @property
    def ref(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"


def norm(text: str) -> str:
    """A label as compared: no spaces of any width, half-width brackets and colons, no
    trailing colon."""
    text = unicodedata.normalize("NFKC", str(text))
    text = re.sub(r"\s+", "", text)
    return text.rstrip(":")


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and raw.strip() == "")


class Grid:
    """The non-blank cells of one worksheet, by row, and where merged ranges end.

    Cells covered by a merge hold nothing (openpyxl gives their value to the top-left
    cell), which is what "blank under a merge" means to a reader.
    """

    def __init__(self, ws: "ReadSheet"):
        self.title = ws.title
        self.rows: dict[int, dict[int, Value]] = {}
        covered = ws.covered()
        for (row, col), (raw, number_format) in sorted(ws.cells.items()):
            if (row, col) in covered or is_blank(raw):
                continue
            self.rows.setdefault(row, {})[col] = Value(raw, number_format or "General", row, col)
        self.max_row = max(self.rows, default=0)
        self.merge_end: dict[tuple[int, int], tuple[int, int]] = {
            (r1, c1): (r2, c2) for r1, c1, r2, c2 in ws.merges
        }

    def anchors(self, row: int) -> list[Value]:
        cells = self.rows.get(row, {})
        return [cells[c] for c in sorted(cells)]

    def get(self, row: int, col: int) -> Value | None:
        return self.rows.get(row, {}).get(col)

    def col_span(self, row: int, col: int) -> tuple[int, int]:
        return col, self.merge_end.get((row, col), (row, col))[1]

    def first_in(self, row: int, cols: tuple[int, int]) -> Value | None:
        """The first non-blank cell of ``row`` within the columns ``cols`` (inclusive)."""
        cells = self.rows.get(row, {})
        for c in range(cols[0], cols[1] + 1):
            if c in cells:
                return cells[c]
        return None

    def texts(self, row: int) -> list[str]:
        return [norm(v.raw) for v in self.anchors(row) if isinstance(v.raw, str)]


# --- values --------------------------------------------------------------------------


def _decimal_of_number(raw: int | float) -> Decimal:
    if isinstance(raw, int):
        return Decimal(raw)
    # repr is the shortest text that reads back as the same float: 14718993.6, not
    # 14718993.5999999996...
    return Decimal(repr(raw))


def _number_as_text(value: Value) -> tuple[str | None, str]:
    """A number in a cell meant for text, as Excel shows it; (None, why) if that would
    not be what the person typed."""
    raw = value.raw
    number = _decimal_of_number(raw)
    if "%" in value.number_format:
        shown = (number * 100).normalize()
        return f"{shown:f}%", ""
    if number == number.to_integral_value():
        digits = len(str(abs(int(number))))
        if digits > EXCEL_DIGITS:
            return None, (
                f"是一个 {digits} 位的数字 {int(number)}，Excel 只保留 15 位有效数字，后几位已经丢失。"
                "请把该单元格设为“文本”格式后重新输入。"
            )
        return str(int(number)), ""
    text = f"{number.normalize():f}"
    if len(text.replace(".", "").lstrip("-0")) > EXCEL_DIGITS:
        return (
            None,
            f"是数字 {raw!r}，位数过多，无法确定原本输入的文字。请把该单元格设为“文本”格式后重新输入。",
        )
    return text, ""


def as_text(value: Value | None, issues: Issues, sheet: str, column: str) -> str:
    """Text of a cell meant for text.

    Numbers become the digits Excel shows (a phone typed as a number, 18017592779, is the
    text "18017592779"; 0.9 shown as 90% is "90%"). A date, a time or TRUE/FALSE in a text
    cell is refused: Excel turned what was typed into something else (1-2 becomes 2 January)
    and the original text cannot be recovered.
    """
    if value is None:
        return ""
    raw = value.raw
    if isinstance(raw, str):
        return raw.replace("\r\n", "\n").replace("\r", "\n")
    if isinstance(raw, bool):
        issues.add(
            ERROR,
            sheet,
            f"此处应为文字，单元格却是逻辑值 {'TRUE' if raw else 'FALSE'}。请改为文字后重新导入。",
            value.row,
            column,
            value.ref,
        )
        return ""
    if isinstance(raw, datetime.datetime | datetime.date | datetime.time):
        shown = raw.strftime("%Y-%m-%d") if not isinstance(raw, datetime.time) else str(raw)
        issues.add(
            ERROR,
            sheet,
            f"此处应为文字，单元格却是 Excel 日期/时间（{shown}）。Excel 会把输入内容自动转成日期，"
            "原文无法还原；请把该单元格设为“文本”格式后重新输入。",
            value.row,
            column,
            value.ref,
        )
        return ""
    if isinstance(raw, float) and not math.isfinite(raw):
        # 1E400 in the file is read as infinity: nothing a person typed.
        issues.add(
            ERROR,
            sheet,
            f"此处应为文字，单元格却是数值 {raw!r}，不是有效数字。请改为文字后重新导入。",
            value.row,
            column,
            value.ref,
        )
        return ""
    if isinstance(raw, int | float):
        text, why = _number_as_text(value)
        if text is None:
            issues.add(ERROR, sheet, "此处应为文字，单元格" + why, value.row, column, value.ref)
            return ""
        return text
    issues.add(
        ERROR,
        sheet,
        f"无法读取的单元格内容（{type(raw).__name__}）。",
        value.row,
        column,
        value.ref,
    )
    return ""


def as_amount(
    value: Value | None, issues: Issues, sheet: str, column: str, what: str = "金额"
) -> Decimal | None:
    """Money or a quantity (Decimal(18, 2)): a number, or text such as "14,718,993.60",
    "１４，７１８，９９３.６０", "¥911,000", "911000元"."""
    if value is None:
        return None
    raw = value.raw

    def bad(message: str) -> None:
        issues.add(ERROR, sheet, message, value.row, column, value.ref)

    if isinstance(raw, bool) or isinstance(raw, datetime.date | datetime.time):
        bad(f"{what}应为数字，单元格却是{'逻辑值' if isinstance(raw, bool) else '日期'}。")
        return None
    if isinstance(raw, int | float):
        if isinstance(raw, float) and not math.isfinite(raw):  # 1E400 reads as inf
            bad(f"{what}不是有效数字。")
            return None
        number = _decimal_of_number(raw)
        if abs(number) < MAX_AMOUNT:
            # A float sum such as 0.1 + 0.2 carries binary noise far below a cent.
            cents = number.quantize(Decimal("0.01"))
            if number != cents and abs(number - cents) < Decimal("0.000001"):
                number = cents
    else:
        text = unicodedata.normalize("NFKC", str(raw)).strip()
        try:
            number = parse_amount(text)
        except (ValueError, InvalidOperation):
            bad(f"“{str(raw).strip()[:40]}”不是{what}（应为数字，如 14,718,993.60）。")
            return None
        if number is None:
            return None
    if not number.is_finite():
        bad(f"{what}不是有效数字。")
        return None
    if number < 0:
        bad(f"{what}不能为负数（{number}）。")
        return None
    if abs(number) >= MAX_AMOUNT:
        bad(f"{what} {number:f} 过大（整数部分最多 16 位）。")
        return None
    if number != number.quantize(Decimal("0.01")):
        bad(f"{what} {number:f} 超过两位小数，最多保留两位小数（到分）。")
        return None
    return number.quantize(Decimal("0.01"))


_DATE_TEXT = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})[日号]?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]


def as_date(value: Value | None, issues: Issues, sheet: str, column: str) -> datetime.date | None:
    """A date cell, or text such as 2020-01-01, 2020/1/1, 2020.1.1, 2020年1月1日, 20200101."""
    if value is None:
        return None
    raw = value.raw
    if isinstance(raw, datetime.datetime):
        return raw.date()
    if isinstance(raw, datetime.date):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip()
    text = re.sub(r"\s+", "", text)
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        text = str(int(raw)) if float(raw).is_integer() else text
    for pattern in _DATE_TEXT:
        match = pattern.match(text)
        if match:
            try:
                return datetime.date(*(int(g) for g in match.groups()))
            except ValueError:
                break
    issues.add(
        ERROR,
        sheet,
        f"“{str(raw).strip()[:40]}”不是有效日期（应为 2020-01-01 这样的日期）。",
        value.row,
        column,
        value.ref,
    )
    return None
