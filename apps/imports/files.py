"""What an uploaded file must be before anything reads it as a workbook.

Every refusal says what is wrong in Chinese and, where a limit applies, what the limit is;
nothing is written for a refused file. The checks run on the raw bytes (and the zip's
directory) before openpyxl sees the file, so a zip bomb or a huge sheet is refused without
being inflated.
"""

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring
from openpyxl.reader.excel import ExcelReader
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_MAX_SIZE
from openpyxl.styles.stylesheet import apply_stylesheet
from openpyxl.worksheet._reader import WorkSheetParser

MAX_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED_BYTES = 80 * 1024 * 1024  # all of its parts, unpacked
MAX_SHEETS = 300  # a unit of 99 projects: 3 sheets each, a summary and 元数据
MAX_ROWS = 2000  # per sheet; the largest real 绩效目标 sheet has about 120
MAX_COLUMNS = 60  # per sheet; the forms use 10
# openpyxl builds an object for every cell of the file and of every merged or linked
# range: these bound its memory before it reads anything (an exported project has ~500).
MAX_CELLS_PER_SHEET = MAX_ROWS * MAX_COLUMNS
MAX_CELLS = 500_000  # the whole workbook

LIMITS_TEXT = (
    f"文件不超过 {MAX_BYTES // (1024 * 1024)} MB（解压后不超过 "
    f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB），工作表不超过 {MAX_SHEETS} 张，"
    f"每张工作表不超过 {MAX_ROWS} 行、{MAX_COLUMNS} 列"
)

OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")
# An encrypted .xlsx is an OLE compound file with these streams (MS-OFFCRYPTO).
ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"

# The raw checks read tags, not a parsed tree: they must hold whatever the quoting (r="5",
# r='5', r = "5"). Counting elements cannot be dodged; an attribute that is not plainly
# a number or a reference (a character reference, &#50;001) is refused as damaged.
_ROW_TAG_RE = re.compile(rb"<(?:\w+:)?row\b([^>]*)>")
_CELL_TAG_RE = re.compile(rb"<(?:\w+:)?c[\s/>]")
_R_ATTR_RE = re.compile(rb"""(?<![\w:])r\s*=\s*(["'])(.*?)\1""", re.S)
_REF_VALUE_RE = re.compile(rb"\$?([A-Za-z]{1,3})\$?(\d+)")
_RANGE_TAG_RE = re.compile(rb"<(?:\w+:)?(?:mergeCell|hyperlink)\b([^>]*)>")
_RANGE_ATTR_RE = re.compile(rb"""(?<![\w:])ref\s*=\s*(["'])(.*?)\1""", re.S)
# A cell element with its content: <c r="B5" ...>...</c> (or self-closed, which has none).
_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_HAS_FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b")
_HAS_VALUE_RE = re.compile(rb"<(?:\w+:)?(?:v|is)\b[^>]*>\s*[^<\s]")
_V_ELEMENT_RE = re.compile(rb"<(?:\w+:)?v\b")
_STR_TYPE_RE = re.compile(rb"""(?<![\w:])t\s*=\s*(["'])str\1""")

DAMAGED = "文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。"
# What zipfile and zlib raise on a damaged, encrypted or oddly compressed member.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    NotImplementedError,
    RuntimeError,
    OSError,
    EOFError,
    ValueError,
)


class FileRefused(Exception):
    """The file cannot be imported at all; ``message`` says why, ``details`` where."""

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []


@dataclass
class SheetPart:
    title: str
    path: str
    state: str  # visible / hidden / veryHidden


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def check_size(size: int) -> None:
    if size > MAX_BYTES:
        raise FileRefused(
            f"文件大小为 {size / (1024 * 1024):.1f} MB，超过上限 {MAX_BYTES // (1024 * 1024)} MB。"
            "请分单位或分批导出后再导入。"
        )
    if size == 0:
        raise FileRefused("文件是空的（0 字节）。")


def _read(z: zipfile.ZipFile, name: str) -> bytes:
    """A member's bytes; KeyError if there is none, FileRefused if it cannot be read."""
    try:
        return z.read(name)
    except KeyError:
        raise
    except ZIP_ERRORS as exc:
        raise FileRefused(DAMAGED) from exc


def _sheet_parts(z: zipfile.ZipFile) -> list[SheetPart]:
    try:
        book = fromstring(_read(z, "xl/workbook.xml"))
        rels = fromstring(_read(z, "xl/_rels/workbook.xml.rels"))
    except (KeyError, ParseError) as exc:
        raise FileRefused("文件不是有效的 Excel 工作簿（.xlsx）：缺少工作簿结构。") from exc
    except DefusedXmlException as exc:  # entities, a DTD: nothing Excel writes
        raise FileRefused(DAMAGED) from exc
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{NS_PKG_REL}Relationship")}
    parts = []
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        parts.append(SheetPart(sheet.get("name", ""), path, sheet.get("state", "visible")))
    return parts


def check_package(data: bytes, filename: str = "") -> list[SheetPart]:
    """Refuse what is not a plain .xlsx within the limits; return its worksheets."""
    check_size(len(data))
    if data.startswith(OLE_SIGNATURE):
        if any(stream in data for stream in ENCRYPTION_STREAMS):
            raise FileRefused(
                "文件设置了打开密码（已加密），无法读取。请在 Excel 中取消密码"
                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后另存为 .xlsx 再导入。"
            )
        raise FileRefused(
            "文件是旧版 Excel 97-2003 格式（.xls）。请在 Excel 中“另存为”Excel 工作簿（.xlsx）后再导入。"
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise FileRefused(
            "文件不是 Excel 工作簿（.xlsx）。请上传由本系统导出或由 Excel 保存的 .xlsx 文件。"
        )
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        infos = z.infolist()
    except ZIP_ERRORS as exc:
        raise FileRefused(DAMAGED) from exc
    names = {i.filename for i in infos}
    content_types = _read(z, "[Content_Types].xml") if "[Content_Types].xml" in names else b""
    if (
        any(n.lower().endswith("vbaproject.bin") for n in names)
        or b"macroEnabled" in content_types
        or filename.lower().endswith((".xlsm", ".xltm"))
    ):
        raise FileRefused(
            "文件含有宏（.xlsm 启用宏的工作簿）。为安全起见不导入含宏的文件，"
            "请在 Excel 中“另存为”Excel 工作簿（.xlsx，不含宏）后再导入。"
        )
    if "xl/workbook.xml" not in names:
        raise FileRefused(
            "文件不是 Excel 工作簿（.xlsx）：其中没有工作簿内容（可能是 Word 等其他文档）。"
        )
    unpacked = sum(i.file_size for i in infos)
    if unpacked > MAX_UNPACKED_BYTES:
        raise FileRefused(
            f"文件解压后为 {unpacked / (1024 * 1024):.0f} MB，超过上限 "
            f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MB。"
        )
    parts = _sheet_parts(z)
    if not parts:
        raise FileRefused("工作簿中没有工作表。")
    if len(parts) > MAX_SHEETS:
        raise FileRefused(
            f"工作簿有 {len(parts)} 张工作表，超过上限 {MAX_SHEETS} 张。请分批导出后再导入。"
        )
    unreadable_formulas: list[str] = []
    cells = 0
    for part in parts:
        try:
            xml = _read(z, part.path)
        except KeyError as exc:
            raise FileRefused(f"工作表“{part.title}”已损坏，无法读取。") from exc
        cells += _check_sheet_size(part.title, xml)
        if cells > MAX_CELLS:
            raise FileRefused(
                f"工作簿共有超过 {MAX_CELLS} 个单元格，超过上限。请删除多余的内容或分批导出后再导入。"
            )
        if _HAS_FORMULA_RE.search(xml):
            unreadable_formulas += [f"{part.title}!{ref}" for ref in _formulas_without_values(xml)]
    if unreadable_formulas:
        shown = unreadable_formulas[:20]
        more = len(unreadable_formulas) - len(shown)
        raise FileRefused(
            f"有 {len(unreadable_formulas)} 个单元格是公式，但文件中没有公式的计算结果"
            "（文件不是由 Excel 保存的，公式从未计算过），无法得知其数值。请用 Excel 打开文件并保存一次，"
            "或把这些公式改为数值后再导入。",
            shown + ([f"……另有 {more} 个"] if more else []),
        )
    return parts


def _too_many_rows(title: str, rows: int) -> FileRefused:
    return FileRefused(
        f"工作表“{title}”有 {rows} 行，超过上限 {MAX_ROWS} 行。请删除表格下方多余的行后再导入。"
    )


def _too_many_columns(title: str, column: int) -> FileRefused:
    return FileRefused(f"工作表“{title}”用到第 {column} 列，超过上限 {MAX_COLUMNS} 列。")


def _check_sheet_size(title: str, xml: bytes) -> int:
    """Refuse a sheet over the row or column limit, or whose merged or linked ranges reach
    past it, from its raw XML; return the number of cells openpyxl would build."""
    row_tags = _ROW_TAG_RE.findall(xml)
    last_row = 0
    for attrs in row_tags:
        match = _R_ATTR_RE.search(attrs)
        if match is None:
            last_row += 1  # a row without r follows the one before
        elif match.group(2).isdigit():
            last_row = int(match.group(2))
        else:
            raise FileRefused(
                DAMAGED,
                [f"工作表“{title}”的行号“{match.group(2)[:20].decode(errors='replace')}”无效。"],
            )
        if last_row > MAX_ROWS:
            raise _too_many_rows(title, last_row)
    if len(row_tags) > MAX_ROWS:
        raise _too_many_rows(title, len(row_tags))
    cells = len(_CELL_TAG_RE.findall(xml))
    if cells > MAX_CELLS_PER_SHEET:
        raise FileRefused(
            f"工作表“{title}”有 {cells} 个单元格，超过上限（{MAX_ROWS} 行 × {MAX_COLUMNS} 列）。"
        )
    for attrs, _body in _CELL_RE.findall(xml):
        match = _R_ATTR_RE.search(attrs)
        if match is None:
            continue  # its column follows the cell before: checked once read
        ref = _REF_VALUE_RE.fullmatch(match.group(2))
        if ref is None:
            raise FileRefused(
                DAMAGED,
                [
                    f"工作表“{title}”的单元格位置“{match.group(2)[:20].decode(errors='replace')}”无效。"
                ],
            )
        column = _column_number(ref.group(1).upper())
        if column > MAX_COLUMNS:
            raise _too_many_columns(title, column)
    for attrs in _RANGE_TAG_RE.findall(xml):
        match = _RANGE_ATTR_RE.search(attrs)
        if match is None:
            continue
        ends = [_REF_VALUE_RE.fullmatch(e) for e in match.group(2).split(b":")]
        if not 1 <= len(ends) <= 2 or None in ends:
            raise FileRefused(
                DAMAGED,
                [f"工作表“{title}”的区域“{match.group(2)[:30].decode(errors='replace')}”无效。"],
            )
        rows = [int(e.group(2)) for e in ends]
        columns = [_column_number(e.group(1).upper()) for e in ends]
        if max(rows) > MAX_ROWS:
            raise _too_many_rows(title, max(rows))
        if max(columns) > MAX_COLUMNS:
            raise _too_many_columns(title, max(columns))
        cells += (abs(rows[-1] - rows[0]) + 1) * (abs(columns[-1] - columns[0]) + 1)
        if cells > MAX_CELLS_PER_SHEET:
            raise FileRefused(
                f"工作表“{title}”的合并单元格或超链接区域过多，超过上限（{MAX_ROWS} 行 × {MAX_COLUMNS} 列）。"
            )
    return cells


def check_sheets_as_read(wb: "ReadBook") -> None:
    """The limits again, on the sheets as openpyxl read them: rows and cells without
    numbers are placed only now, and a Grid walks every cell up to the last one."""
    for ws in wb.worksheets:
        if ws.max_row > MAX_ROWS:
            raise _too_many_rows(ws.title, ws.max_row)
        if ws.max_column > MAX_COLUMNS:
            raise _too_many_columns(ws.title, ws.max_column)


def _formulas_without_values(xml: bytes) -> list[str]:
    out = []
    for attrs, body in _CELL_RE.findall(xml):
        if not body or not _HAS_FORMULA_RE.search(body) or _HAS_VALUE_RE.search(body):
            continue
        # A formula whose result is the empty string is saved as t="str" with an empty <v>.
        if not (_STR_TYPE_RE.search(attrs) and _V_ELEMENT_RE.search(body)):
            ref = _R_ATTR_RE.search(attrs)
            out.append(ref.group(2).decode(errors="replace") if ref else "?")
    return out


@dataclass
class ReadSheet:
    """One worksheet as the importer reads it: each cell's value and number format by
    position (1-based), the merged ranges, the sheet's visibility."""

    title: str
    state: str
    cells: dict[tuple[int, int], tuple[object, str]] = field(default_factory=dict)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # r1, c1, r2, c2

    @property
    def max_row(self) -> int:
        return max([r for r, _ in self.cells] + [m[2] for m in self.merges], default=0)

    @property
    def max_column(self) -> int:
        return max([c for _, c in self.cells] + [m[3] for m in self.merges], default=0)

    def covered(self) -> set[tuple[int, int]]:
        """The cells inside merged ranges but their first: blank, as openpyxl reads them
        (each range's other cells become MergedCells, whatever they held)."""
        return {
            (r, c)
            for r1, c1, r2, c2 in self.merges
            for r in range(r1, r2 + 1)
            for c in range(c1, c2 + 1)
            if r != r1 or c != c1
        }


@dataclass
class ReadBook:
    worksheets: list[ReadSheet]

    @property
    def sheetnames(self) -> list[str]:
        return [ws.title for ws in self.worksheets]

    def __getitem__(self, title: str) -> ReadSheet:
        return next(ws for ws in self.worksheets if ws.title == title)


def _number_format(wb, style_id: int) -> str:
    """A cell's number format as openpyxl's cell.number_format gives it."""
    fmt_id = wb._cell_styles[style_id].numFmtId
    if fmt_id < BUILTIN_FORMATS_MAX_SIZE:
        return BUILTIN_FORMATS.get(fmt_id, "General")
    return wb._number_formats[fmt_id - BUILTIN_FORMATS_MAX_SIZE]


def _read_sheet(reader: ExcelReader, title: str, state: str, path: str) -> ReadSheet:
    """The sheet's cells and merged ranges, through openpyxl's own sheet parser: what
    load_workbook builds a Cell object of for each position (and redraws the borders of
    each merged range for, 82 % of loading an exported unit), read as plain values."""
    wb, sheet = reader.wb, ReadSheet(title, state)
    with reader.archive.open(path) as source:
        parser = WorkSheetParser(
            source,
            reader.shared_strings,
            data_only=True,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        cells = sheet.cells
        for _index, row in parser.parse():
            for cell in row:
                r, c = cell["row"], cell["column"]
                if r > MAX_ROWS:  # a row or cell without a number, placed only now
                    raise _too_many_rows(title, r)
                if c > MAX_COLUMNS:
                    raise _too_many_columns(title, c)
                cells[r, c] = (cell["value"], _number_format(wb, cell["style_id"]))
    if parser.merged_cells:
        sheet.merges = [
            (m.min_row, m.min_col, m.max_row, m.max_col) for m in parser.merged_cells.mergeCell
        ]
    return sheet


def load_for_import(data: bytes) -> ReadBook:
    """Every worksheet's values, number formats and merged ranges, as openpyxl's
    ``load_workbook(data_only=True, rich_text=False)`` reads them (tests/imports/
    test_fast_load.py compares the two on every layout the importer meets), in about the
    time of its read-only mode: the workbook's parts as load_workbook reads them, then
    each worksheet (chartsheets are not worksheets) as plain values."""
    reader = ExcelReader(io.BytesIO(data), read_only=True, data_only=True, rich_text=False)
    try:
        reader.read_manifest()
        reader.read_strings()
        reader.read_workbook()
        reader.read_properties()
        reader.read_custom()
        reader.read_theme()
        apply_stylesheet(reader.archive, reader.wb)
        return ReadBook(
            [
                _read_sheet(reader, sheet.name, sheet.state, rel.target)
                for sheet, rel in reader.parser.find_sheets()
                if rel.target in reader.valid_files and "chartsheet" not in rel.Type
            ]
        )
    finally:
        reader.archive.close()


def open_workbook(data: bytes) -> ReadBook:
    """The workbook with cached values in place of formulas (check_package ran first)."""
    try:
        wb = load_for_import(data)
    except FileRefused:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a malformed package
        raise FileRefused(f"文件已损坏，Excel 工作簿无法读取（{type(exc).__name__}）。") from exc
    check_sheets_as_read(wb)
    return wb
