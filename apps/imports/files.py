"""What an uploaded file must be before anything reads it as a workbook.

Every refusal says what is wrong in Chinese and, where a limit applies, what the limit is;
nothing is written for a refused file. The checks run on the raw bytes (and the zip's
directory) before openpyxl sees the file, so a zip bomb or a huge sheet is refused without
being inflated.
"""

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from openpyxl import load_workbook
from openpyxl.workbook.workbook import Workbook

MAX_BYTES = 10 * 1024 * 1024  # the file as uploaded
MAX_UNPACKED_BYTES = 80 * 1024 * 1024  # all of its parts, unpacked
MAX_SHEETS = 300  # a unit of 99 projects: 3 sheets each, a summary and 元数据
MAX_ROWS = 2000  # per sheet; the largest real 绩效目标 sheet has about 120
MAX_COLUMNS = 60  # per sheet; the forms use 10

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

_ROW_RE = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
_CELL_REF_RE = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{1,3})\d+"')
# A cell element with its content: <c r="B5" ...>...</c> (or self-closed, which has none).
_CELL_RE = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.S)
_REF_ATTR_RE = re.compile(rb'\br="([A-Z]{1,3}\d+)"')
_HAS_FORMULA_RE = re.compile(rb"<(?:\w+:)?f\b")
_HAS_VALUE_RE = re.compile(rb"<(?:\w+:)?(?:v|is)\b[^>]*>\s*[^<\s]")
_V_ELEMENT_RE = re.compile(rb"<(?:\w+:)?v\b")
_STR_TYPE_RE = re.compile(rb'\bt="str"')


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


def _sheet_parts(z: zipfile.ZipFile) -> list[SheetPart]:
    try:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ET.ParseError) as exc:
        raise FileRefused("文件不是有效的 Excel 工作簿（.xlsx）：缺少工作簿结构。") from exc
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
    except (zipfile.BadZipFile, OSError) as exc:
        raise FileRefused("文件已损坏，无法作为 Excel 工作簿（.xlsx）打开。") from exc
    names = {i.filename for i in infos}
    content_types = z.read("[Content_Types].xml") if "[Content_Types].xml" in names else b""
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
    for part in parts:
        try:
            xml = z.read(part.path)
        except KeyError as exc:
            raise FileRefused(f"工作表“{part.title}”已损坏，无法读取。") from exc
        rows = [int(r) for r in _ROW_RE.findall(xml)]
        if rows and max(rows) > MAX_ROWS:
            raise FileRefused(
                f"工作表“{part.title}”有 {max(rows)} 行，超过上限 {MAX_ROWS} 行。"
                "请删除表格下方多余的行后再导入。"
            )
        columns = {_column_number(c) for c in set(_CELL_REF_RE.findall(xml))}
        if columns and max(columns) > MAX_COLUMNS:
            raise FileRefused(
                f"工作表“{part.title}”用到第 {max(columns)} 列，超过上限 {MAX_COLUMNS} 列。"
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


def _formulas_without_values(xml: bytes) -> list[str]:
    out = []
    for attrs, body in _CELL_RE.findall(xml):
        if not body or not _HAS_FORMULA_RE.search(body) or _HAS_VALUE_RE.search(body):
            continue
        # A formula whose result is the empty string is saved as t="str" with an empty <v>.
        if not (_STR_TYPE_RE.search(attrs) and _V_ELEMENT_RE.search(body)):
            ref = _REF_ATTR_RE.search(attrs)
            out.append(ref.group(1).decode() if ref else "?")
    return out


def open_workbook(data: bytes) -> Workbook:
    """The workbook with cached values in place of formulas (check_package ran first)."""
    try:
        return load_workbook(io.BytesIO(data), data_only=True, rich_text=False)
    except Exception as exc:  # openpyxl raises many kinds on a malformed package
        raise FileRefused(f"文件已损坏，Excel 工作簿无法读取（{type(exc).__name__}）。") from exc
