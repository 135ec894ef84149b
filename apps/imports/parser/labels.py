"""What the parser looks for, read off the sheet declaration (apps/sheets/schema.py):
every label and alias of every form version, the kind of each value, its length."""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from apps.imports.cells import ERROR, Issues, norm
from apps.sheets import schema

LAYOUT_EXPORT, LAYOUT_OFFICIAL = "export", "official"
LAYOUT_LABELS = {LAYOUT_EXPORT: "本系统导出的工作簿", LAYOUT_OFFICIAL: "官方三张表模板"}
KIND_LABELS = dict(schema.SHEET_LABELS)

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、．])")


def _labels_of(item: schema.Item) -> set[str]:
    out = {item.label, *item.aliases, *(label for _, label in item.labels)}
    return {norm(label) for label in out}


# Sheet 1: every label of every version → field; "@…" keys are structure, not values.
OVERVIEW_LABELS: dict[str, str] = {
    "项目立项情况": "@basis_block",
    "项目资金": "@section",
    "填报单位(盖章)": "@unit",
    "填报单位": "@unit",
    "金额单位": "@ignore",
}
for _item in schema.OVERVIEW.items:
    for _label in _labels_of(_item):
        OVERVIEW_LABELS.setdefault(_label, _item.name)
FIELD_LABELS = {i.name: i.label for i in schema.fields()}
DATE_FIELDS = {i.name for i in schema.fields() if i.kind == "date"}
MONEY_FIELDS = {i.name for i in schema.fields() if i.kind == "money"}
# Labels whose value may follow the colon in the same cell ("联系电话：139…"); a cell
# like that is a label, not the value of the label before it.
INLINE_KEYS = {
    *(i.name for i in schema.OVERVIEW.items if i.kind in ("text", "date", "money")),
    "@unit",
    "@ignore",
}
# Fields of one line: spaces around them are typing noise, and a name kept with them
# would not match the same project on the next import. Everything else is kept as typed.
SINGLE_LINE_FIELDS = {i.name for i in schema.fields() if i.single_line}


def max_length(name: str, model: str = "projects.Project") -> int | None:
    item = schema.field(name) if model == "projects.Project" else None
    if item is None:
        table = next(t for t in schema.TABLES if t.model == model)
        item = table.column(name)
    return schema.max_length(item, model)


def table_heads(table: schema.Table) -> dict[str, str]:
    """Column heading (any version's label or alias) → column name."""
    heads: dict[str, str] = {}
    for column in table.columns:
        if column.kind == "sub":
            continue
        for label in _labels_of(column):
            heads.setdefault(label, column.name)
    return heads


@dataclass
class ParsedProject:
    index: int  # 1-based position in the workbook
    sheets: dict[str, str] = field(default_factory=dict)  # kind → sheet title
    year: int | None = None
    unit_name: str = ""
    fields: dict = field(default_factory=dict)  # model field → value (str/Decimal/date/None)
    cells: dict = field(default_factory=dict)  # model field → [sheet, row, ref]
    indicators: list[dict] = field(default_factory=list)
    lines: list[dict] = field(default_factory=list)
    docs: list[dict] = field(default_factory=list)
    total_found: bool = False
    printed_total: Decimal | None = None
    total_row: int | None = None
    indicator_version: str = ""  # the form version the indicator table's headings show
    issues: Issues = field(default_factory=Issues)

    @property
    def name(self) -> str:
        return (self.fields.get("name") or "").strip()

    @property
    def sub_projects(self) -> list[str]:
        """Sub-project names in the order they first appear on the sheets."""
        seen: dict[str, None] = {}
        for row in (*self.indicators, *self.lines, *self.docs):
            if row.get("sub_project"):
                seen.setdefault(row["sub_project"], None)
        return list(seen)


def match_label(raw, labels: dict[str, str]) -> tuple[str, str] | None:
    """(key, text after the colon) if the cell is one of ``labels``, else None."""
    if not isinstance(raw, str):
        return None
    text = unicodedata.normalize("NFKC", raw).strip()
    head, sep, rest = text.partition(":")
    candidates = [head] if sep else [text]
    for candidate in candidates:
        key = norm(candidate)
        key = labels.get(key) or labels.get(_NUMBERING.sub("", key))
        if key:
            # The value keeps the original characters (full-width ones included).
            original_rest = re.split(r"[:：]", raw, maxsplit=1)[1] if sep else ""
            return key, original_rest.strip()
    return None


_TAG = re.compile(r"^【([^】]*)】", re.S)
MAX_SUB_PROJECT = 100


def split_tag(text: str) -> tuple[str, str]:
    """ "【PATHS】教师满意度" → ("PATHS", "教师满意度"). What follows the tag is kept as
    typed (a space after 【课程图谱】 stays), the cell's own ends are trimmed."""
    stripped = text.strip()
    match = _TAG.match(stripped)
    if not match or not match.group(1).strip():
        return "", text
    return match.group(1).strip(), stripped[match.end() :]


def check_tag(sub: str, issues: Issues, sheet: str, row: int, label: str, cell) -> None:
    """A 【】 sub-project name must fit SubProject.name; too long is an error at its cell."""
    if len(sub) > MAX_SUB_PROJECT:
        issues.add(
            ERROR,
            sheet,
            f"【】中的子项目名称有 {len(sub)} 个字，超过上限 {MAX_SUB_PROJECT} 个字。",
            row,
            label,
            cell.ref if cell is not None else "",
        )


def check_length(text: str, limit: int | None, issues, sheet, row, label, cell) -> str:
    """Text longer than the model keeps is an error at its cell (never cut silently)."""
    if limit and len(text) > limit:
        issues.add(
            ERROR,
            sheet,
            f"内容有 {len(text)} 个字，超过上限 {limit} 个字。",
            row,
            label,
            cell.ref if cell is not None else "",
        )
        return text[:limit]
    return text
