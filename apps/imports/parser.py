"""Read a workbook of filed sheets into plain data, one ``ParsedProject`` per project.

Two layouts are read by the same label-driven code, because both print the same form:

* our own export (``apps/exports/xlsx.py``), recognised by its hidden 元数据 sheet, whose
  metadata also names the unit, the year and the projects;
* the official three-sheet template as units fill it in Excel (``../shared/seeds/``):
  labels with the value in the next cell or after the colon in the same cell
  (``联系电话：139…``, ``一、项目总预算：4411000``), 依据/必要性/可行性 in one cell, level-1
  and level-2 cells left blank under a merge, 【】 prefixes, marks ✓ √ × ☑ □.

Cells are found by their labels, never by fixed coordinates, and every value keeps the
cell it came from, so problems are reported as "“绩效目标”表 · 第 14 行 · 目标值（F14）".
"""

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from openpyxl.workbook.workbook import Workbook

from apps.exports.xlsx import EXPORT_FORMAT, EXPORT_VERSION, META_TITLE
from apps.imports.cells import (
    ERROR,
    WARNING,
    Grid,
    Issues,
    Value,
    as_amount,
    as_date,
    as_text,
    norm,
)
from apps.imports.files import FileRefused
from apps.projects.models import FUNDING_FIELDS, Project, SubProject

LAYOUT_EXPORT, LAYOUT_OFFICIAL = "export", "official"
LAYOUT_LABELS = {LAYOUT_EXPORT: "本系统导出的工作簿", LAYOUT_OFFICIAL: "官方三张表模板"}
KIND_LABELS = {"overview": "项目总体情况", "goals": "绩效目标", "guarantees": "制度保障"}

# Model field lengths a cell must fit (longer text is reported at its cell, not cut).
MAX_LENGTHS = {f.name: f.max_length for f in Project._meta.fields if f.max_length}
MAX_SUB_PROJECT = SubProject._meta.get_field("name").max_length
# Fields of one line: spaces around them are typing noise, and a name kept with them
# would not match the same project on the next import.
SINGLE_LINE_FIELDS = {"name", "leader", "contact", "phone", "unit_head_name", "filler_name"}


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


@dataclass
class ParsedWorkbook:
    layout: str
    meta: dict
    projects: list[ParsedProject]
    issues: Issues  # about the file as a whole (sheets ignored, …)


# --- labels ---------------------------------------------------------------------------

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\([一二三四五六七八九十]+\)|\d+[.、．])")

OVERVIEW_LABELS = {
    "项目名称": "name",
    "项目类别": "category",
    "项目负责人": "leader",
    "联系人": "contact",
    "联系电话": "phone",
    "起始日期": "start_date",
    "开始日期": "start_date",
    "结束日期": "end_date",
    "项目概况": "overview",
    "项目立项情况": "@basis_block",
    "依据": "basis",
    "立项依据": "basis",
    "必要性": "necessity",
    "可行性": "feasibility",
    "项目资金": "@section",
    "项目总预算": "total_budget",
    "当年预算": "current_budget",
    "财政拨款": "fiscal_total",
    "上级财政拨款": "fiscal_upper",
    "本级财政安排": "fiscal_local",
    "下级财政配套": "fiscal_lower",
    "其他资金": "other_funds",
    "项目相关资源投入和制度建设情况": "resources",
    "项目总目标": "overall_goal",
    "年度绩效目标": "annual_goal",
    "年度目标": "annual_goal",
    "年度": "annual_goal",  # seed 000 prints the label cut short
    "需要说明的其他问题": "other_issues",
    "填报单位负责人": "unit_head_name",
    "填报人(填表人)": "filler_name",
    "填报人": "filler_name",
    "填表人": "filler_name",
    "填报日期": "filing_date",
    "填报单位(盖章)": "@unit",
    "填报单位": "@unit",
    "金额单位": "@ignore",
}
# Labels whose value may follow the colon in the same cell ("联系电话：139…"); a cell
# like that is a label, not the value of the label before it.
INLINE_KEYS = {
    "name",
    "leader",
    "contact",
    "phone",
    "start_date",
    "end_date",
    *FUNDING_FIELDS,
    "unit_head_name",
    "filler_name",
    "filing_date",
    "@unit",
    "@ignore",
}
DATE_FIELDS = {"start_date", "end_date", "filing_date"}
FIELD_LABELS = {
    "name": "项目名称",
    "category": "项目类别",
    "leader": "项目负责人",
    "contact": "联系人",
    "phone": "联系电话",
    "start_date": "起始日期",
    "end_date": "结束日期",
    "overview": "项目概况",
    "basis": "依据",
    "necessity": "必要性",
    "feasibility": "可行性",
    "total_budget": "项目总预算",
    "current_budget": "当年预算",
    "fiscal_total": "财政拨款",
    "fiscal_upper": "上级财政拨款",
    "fiscal_local": "本级财政安排",
    "fiscal_lower": "下级财政配套",
    "other_funds": "其他资金",
    "resources": "项目相关资源投入和制度建设情况",
    "overall_goal": "项目总目标",
    "annual_goal": "年度绩效目标",
    "other_issues": "需要说明的其他问题",
    "unit_head_name": "填报单位负责人",
    "filler_name": "填报人",
    "filing_date": "填报日期",
    "composition": "项目构成",
}
CHECKED = set("☑✓√✔■☒▣●◉✅")
UNCHECKED = set("☐□×✗✕○✘❎")
CATEGORY_BY_LABEL = {label: value for value, label in Project.Category.choices}
DOC_CATEGORY_BY_LABEL = {
    "项目管理制度": "project",
    "预算管理制度": "budget",
    "财务管理制度": "finance",
}
STAGE_LABELS = ("立项和计划阶段", "实施阶段", "收尾和完成阶段")
_TAG = re.compile(r"^\s*【([^】]*)】\s*", re.S)
_YEAR = re.compile(r"(\d{4})\s*年")
_DASHES = re.compile(r"^[-－—–_]+$")
_BASIS_MARKER = re.compile(r"(依据|必要性|可行性)\s*[：:]")


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


def split_tag(text: str) -> tuple[str, str]:
    """ "【PATHS】教师满意度" → ("PATHS", "教师满意度")."""
    match = _TAG.match(text)
    if not match or not match.group(1).strip():
        return "", text
    return match.group(1).strip(), text[match.end() :]


def _check_tag(sub: str, issues: Issues, sheet: str, row: int, label: str, cell) -> None:
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


def _inline(value: Value, text: str) -> Value:
    return Value(text, "@", value.row, value.col)


# --- sheet 1 ---------------------------------------------------------------------------


def parse_overview(grid: Grid, project: ParsedProject) -> None:
    sheet, issues = grid.title, project.issues
    found: dict[str, Value | None] = {}
    label_at: dict[str, Value] = {}
    for r in sorted(grid.rows):
        anchors = grid.anchors(r)
        i = 0
        while i < len(anchors):
            a = anchors[i]
            m = match_label(a.raw, OVERVIEW_LABELS)
            if m is None:
                _unrecognised(grid, a, issues)
                i += 1
                continue
            key, rest = m
            i += 1
            if rest:
                value = _inline(a, rest)
            else:
                value = None
                if i < len(anchors) and not _is_label(anchors[i].raw):
                    value = anchors[i]
                    i += 1
            if key == "@basis_block":
                if value is not None:
                    _split_basis(value, found, label_at, a)
                continue
            if key.startswith("@"):
                if key == "@unit" and value is not None:
                    project.unit_name = str(value.raw).strip()
                continue
            if key in found and found[key] is not None and value is not None:
                issues.add(
                    WARNING,
                    sheet,
                    f"“{FIELD_LABELS[key]}”出现了不止一次，已采用第 {found[key].row} 行的内容。",
                    a.row,
                    FIELD_LABELS[key],
                    a.ref,
                )
                continue
            found[key] = value
            label_at[key] = a

    for r in sorted(grid.rows)[:4]:
        for text in grid.texts(r):
            match = _YEAR.search(text)
            if match and project.year is None:
                project.year = int(match.group(1))

    for key, label in FIELD_LABELS.items():
        if key == "composition":
            continue
        value = found.get(key)
        if key not in label_at:
            if key == "name":
                issues.add(ERROR, sheet, "未找到“项目名称”一栏，无法识别这个项目。")
            project.fields[key] = None if key in DATE_FIELDS or key in FUNDING_FIELDS else ""
            continue
        cell = value or label_at[key]
        project.cells[key] = [sheet, cell.row, cell.ref]
        if key in DATE_FIELDS:
            project.fields[key] = as_date(value, issues, sheet, label)
        elif key in FUNDING_FIELDS:
            project.fields[key] = as_amount(value, issues, sheet, label)
        elif key == "category":
            project.fields[key] = _category(value, issues, sheet)
        else:
            project.fields[key] = _checked_text(
                value, issues, sheet, label, MAX_LENGTHS.get(key), strip=key in SINGLE_LINE_FIELDS
            )
    if "name" in label_at and not project.name:
        cell = found.get("name") or label_at["name"]
        issues.add(ERROR, sheet, "项目名称为空，无法导入这个项目。", cell.row, "项目名称", cell.ref)


def _is_label(raw) -> bool:
    """Whether a cell reads as a label rather than the value of the label before it."""
    m = match_label(raw, OVERVIEW_LABELS)
    return m is not None and (not m[1] or m[0] in INLINE_KEYS)


def _split_basis(value: Value, found: dict, label_at: dict, label: Value) -> None:
    """依据/必要性/可行性 typed in one cell: "依据：…必要性：…可行性：…"."""
    text = value.raw if isinstance(value.raw, str) else str(value.raw)
    parts = _BASIS_MARKER.split(text)
    if len(parts) == 1:
        found["basis"], label_at["basis"] = value, label
        return
    keys = {"依据": "basis", "必要性": "necessity", "可行性": "feasibility"}
    lead = parts[0].strip()
    for marker, body in zip(parts[1::2], parts[2::2], strict=True):
        key = keys[marker]
        if key not in found:
            found[key], label_at[key] = _inline(value, body.strip()), label
    if lead and "basis" not in found:
        found["basis"], label_at["basis"] = _inline(value, lead), label


def _unrecognised(grid: Grid, value: Value, issues: Issues) -> None:
    if not isinstance(value.raw, str):
        text = str(value.raw)
    else:
        text = value.raw.strip()
    plain = norm(text)
    if "申报表" in plain or "汇总表" in plain or _YEAR.fullmatch(plain.strip("()（）")):
        return
    if plain.startswith("附件"):
        return
    issues.add(
        WARNING,
        grid.title,
        f"未识别的内容，已忽略：“{text[:30]}{'…' if len(text) > 30 else ''}”。",
        value.row,
        "",
        value.ref,
    )


def _checked_text(value, issues, sheet, label, max_length=None, strip=False) -> str:
    text = as_text(value, issues, sheet, label)
    if strip:
        text = text.strip()
    if max_length and len(text) > max_length:
        issues.add(
            ERROR,
            sheet,
            f"内容有 {len(text)} 个字，超过上限 {max_length} 个字。",
            value.row,
            label,
            value.ref,
        )
        return text[:max_length]
    return text


def _category(value: Value | None, issues: Issues, sheet: str) -> str:
    """ "☑一次性项目　☐经常性项目　☐中期预算试点项目" → "one_off"."""
    if value is None:
        return ""
    text = as_text(value, issues, sheet, "项目类别")
    positions = sorted(
        (text.find(label), label, code)
        for label, code in CATEGORY_BY_LABEL.items()
        if label in text
    )
    if not positions:
        issues.add(
            ERROR,
            sheet,
            f"“{text[:30]}”不是项目类别（一次性项目、经常性项目、中期预算试点项目）。",
            value.row,
            "项目类别",
            value.ref,
        )
        return ""
    checked, has_marks = [], False
    previous_end = 0
    for pos, label, code in positions:
        before = text[previous_end:pos].strip()
        mark = before[-1:] if before else ""
        if mark in CHECKED:
            checked.append(code)
        has_marks = has_marks or mark in CHECKED or mark in UNCHECKED
        previous_end = pos + len(label)
    if not has_marks and len(positions) == 1:
        return positions[0][2]
    if len(checked) > 1:
        issues.add(
            ERROR, sheet, "项目类别勾选了不止一项，只能选一项。", value.row, "项目类别", value.ref
        )
        return ""
    return checked[0] if checked else ""


# --- sheet 2 ---------------------------------------------------------------------------

IND_HEADS = {
    "一级目标": "level1",
    "二级目标": "level2",
    "三级目标": "name",
    "目标值": "target",
    "备注": "remark",
}
LINE_HEADS = {
    "项目名称": "item_name",
    "项目内容": "content",
    "项目明细": "detail",
    "明细金额": "amount",
    "单价": "unit_price",
    "数量": "quantity",
    "备注": "remark",
}
LINE_TEXT = {
    "item_name": "项目名称",
    "content": "项目内容",
    "detail": "项目明细",
    "price_basis": "依据（单价）",
    "quantity_basis": "依据（数量）",
    "remark": "备注",
}
LINE_LENGTHS = {"item_name": 200, "content": 300, "detail": 300, "price_basis": 300}
LINE_LENGTHS |= {"quantity_basis": 300, "remark": 300}


def _meta_name(grid: Grid, before_row: int) -> str | None:
    for r in sorted(grid.rows):
        if r >= before_row:
            break
        for a in grid.anchors(r):
            if isinstance(a.raw, str) and norm(a.raw).startswith("项目名称"):
                m = match_label(a.raw, {"项目名称": "name"})
                if m and m[1]:
                    return m[1]
                following = [b for b in grid.anchors(r) if b.col > a.col]
                return str(following[0].raw).strip() if following else ""
    return None


def _find_row(grid: Grid, wanted: set[str], start: int = 0) -> int | None:
    for r in sorted(grid.rows):
        if r > start and wanted <= set(grid.texts(r)):
            return r
    return None


def _header_spans(grid: Grid, row: int, heads: dict[str, str]) -> dict[str, tuple[int, int]]:
    spans = {}
    for a in grid.anchors(row):
        key = heads.get(norm(a.raw)) if isinstance(a.raw, str) else None
        if key and key not in spans:
            spans[key] = grid.col_span(row, a.col)
    return spans


def parse_goals(grid: Grid, project: ParsedProject) -> str | None:
    """Sheet 2; returns the 项目名称 printed above the table (None if there is none)."""
    sheet, issues = grid.title, project.issues
    ind_head = _find_row(grid, {"一级目标", "二级目标", "三级目标"})
    line_head = _find_row(grid, {"明细金额"}, ind_head or 0)
    meta_name = _meta_name(grid, ind_head or line_head or grid.max_row + 1)

    # 项目构成: the label, the 主体活动… label, then the text.
    project.fields["composition"] = ""
    for r in sorted(grid.rows):
        if ind_head and r >= ind_head:
            break
        anchors = grid.anchors(r)
        texts = [norm(a.raw) if isinstance(a.raw, str) else "" for a in anchors]
        if texts and texts[0] == "项目构成":
            rest = anchors[1:]
            if rest and texts[1].startswith("主体活动"):
                rest = rest[1:]
            if rest:
                project.fields["composition"] = as_text(rest[0], issues, sheet, "项目构成")
                project.cells["composition"] = [sheet, rest[0].row, rest[0].ref]
            else:
                project.cells["composition"] = [sheet, r, anchors[0].ref]
            break

    if ind_head is None:
        issues.add(ERROR, sheet, "未找到绩效目标的表头（一级目标、二级目标、三级目标、目标值）。")
    else:
        _parse_indicators(grid, project, ind_head, line_head or grid.max_row + 1)
    if line_head is None:
        issues.add(
            ERROR, sheet, "未找到项目构成分解的表头（项目名称、项目内容、项目明细、明细金额……）。"
        )
    else:
        _parse_lines(grid, project, line_head)
    return meta_name


def _parse_indicators(grid: Grid, project: ParsedProject, head: int, end: int) -> None:
    sheet, issues = grid.title, project.issues
    spans = _header_spans(grid, head, IND_HEADS)
    for key in ("name", "target"):
        if key not in spans:
            issues.add(ERROR, sheet, "绩效目标表头缺少“三级目标”或“目标值”列。", head)
            return
    level1 = level2 = ""
    for r in range(head + 1, end):
        cells = {k: grid.first_in(r, span) for k, span in spans.items()}
        if all(cells.get(k) is None for k in ("name", "target", "remark")):
            # A row of level labels only: they still carry down to the next rows.
            l1 = as_text(cells.get("level1"), issues, sheet, "一级目标").strip()
            if l1 and l1 != level1:
                level1, level2 = l1, ""
            level2 = as_text(cells.get("level2"), issues, sheet, "二级目标").strip() or level2
            continue
        l1 = as_text(cells.get("level1"), issues, sheet, "一级目标").strip()
        l2 = as_text(cells.get("level2"), issues, sheet, "二级目标").strip()
        if l1 and l1 != level1:
            level1, level2 = l1, ""  # a new level 1: its level 2 cannot come from above
        if l2:
            level2 = l2
        if not level1:
            issues.add(
                ERROR, sheet, "一级目标未填写（上方也没有可沿用的一级目标）。", r, "一级目标"
            )
        elif not level2:
            issues.add(
                ERROR, sheet, "二级目标未填写（上方也没有可沿用的二级目标）。", r, "二级目标"
            )
        name_text = as_text(cells["name"], issues, sheet, "三级目标")
        sub, name = split_tag(name_text)
        target = as_text(cells["target"], issues, sheet, "目标值")
        if len(target) > 200:
            issues.add(
                ERROR,
                sheet,
                f"目标值有 {len(target)} 个字，超过上限 200 个字。",
                r,
                "目标值",
                cells["target"].ref,
            )
            target = target[:200]
        if len(name) > 300:
            issues.add(
                ERROR,
                sheet,
                f"三级目标有 {len(name)} 个字，超过上限 300 个字。",
                r,
                "三级目标",
                cells["name"].ref,
            )
            name = name[:300]
        _check_tag(sub, issues, sheet, r, "三级目标", cells["name"])
        project.indicators.append(
            {
                "level1": level1,
                "level2": level2,
                "name": name,
                "target_raw": target,
                "remark": as_text(cells.get("remark"), issues, sheet, "备注"),
                "sub_project": sub,
                "row": r,
                "cells": {k: v.ref for k, v in cells.items() if v is not None},
            }
        )


def _parse_lines(grid: Grid, project: ParsedProject, head: int) -> None:
    sheet, issues = grid.title, project.issues
    spans = _header_spans(grid, head, LINE_HEADS)
    bases = [grid.col_span(head, a.col) for a in grid.anchors(head) if norm(str(a.raw)) == "依据"]
    qty_col = spans.get("quantity", (10**6, 10**6))[0]
    for span in bases:
        key = "price_basis" if span[0] < qty_col else "quantity_basis"
        spans.setdefault(key, span)
    if "amount" not in spans:
        issues.add(ERROR, sheet, "项目构成分解表头缺少“明细金额”列。", head)
        return
    total_row = None
    for r in range(head + 1, grid.max_row + 1):
        anchors = grid.anchors(r)
        if not anchors:
            continue
        first = norm(anchors[0].raw) if isinstance(anchors[0].raw, str) else ""
        if first.startswith("金额合计") or first == "合计":
            total_row = r
            break
        cells = {k: grid.first_in(r, span) for k, span in spans.items()}
        if all(v is None for v in cells.values()):
            continue
        line: dict = {"row": r, "cells": {k: v.ref for k, v in cells.items() if v is not None}}
        for key, label in LINE_TEXT.items():
            text = as_text(cells.get(key), issues, sheet, label)
            if len(text) > LINE_LENGTHS[key]:
                issues.add(
                    ERROR,
                    sheet,
                    f"内容有 {len(text)} 个字，超过上限 {LINE_LENGTHS[key]} 个字。",
                    r,
                    label,
                    cells[key].ref,
                )
                text = text[: LINE_LENGTHS[key]]
            line[key] = text
        line["sub_project"], line["content"] = split_tag(line["content"])
        _check_tag(line["sub_project"], issues, sheet, r, "项目内容", cells.get("content"))
        line["amount"] = as_amount(cells.get("amount"), issues, sheet, "明细金额")
        line["unit_price"] = as_amount(cells.get("unit_price"), issues, sheet, "单价", "单价")
        line["quantity"] = as_amount(cells.get("quantity"), issues, sheet, "数量", "数量")
        project.lines.append(line)
    if total_row is None:
        issues.add(WARNING, sheet, "未找到“金额合计”行；金额合计按明细金额之和计算。")
        return
    project.total_found, project.total_row = True, total_row
    amount_span = spans["amount"]
    candidates = [
        a
        for a in grid.anchors(total_row)[1:]
        if not (isinstance(a.raw, str) and _DASHES.match(a.raw.strip()))
    ]
    in_column = [a for a in candidates if amount_span[0] <= a.col <= amount_span[1]]
    cell = (in_column or candidates or [None])[0]
    project.printed_total = as_amount(cell, issues, sheet, "金额合计")
    project.cells["declared_total"] = [sheet, total_row, cell.ref if cell else ""]


# --- sheet 3 ---------------------------------------------------------------------------


def parse_guarantees(grid: Grid, project: ParsedProject) -> str | None:
    sheet, issues = grid.title, project.issues
    head = _find_row(grid, {"文件名称", "具体措施"})
    meta_name = _meta_name(grid, head or grid.max_row + 1)
    if head is None:
        issues.add(ERROR, sheet, "未找到制度保障的表头（制度保障、文件名称、具体措施、保障阶段）。")
        return meta_name
    spans = _header_spans(
        grid, head, {"制度保障": "category", "文件名称": "title", "具体措施": "measures"}
    )
    if "category" not in spans:
        spans["category"] = (1, spans["title"][0] - 1) if spans["title"][0] > 1 else (1, 1)
    first = head + 1
    if set(STAGE_LABELS) <= set(grid.texts(first)):
        first += 1  # the second header row naming the three stages
    category = ""
    for r in range(first, grid.max_row + 1):
        cells = {k: grid.first_in(r, span) for k, span in spans.items()}
        marks = [a for a in grid.anchors(r) if a.col > spans["measures"][1]]
        if cells["title"] is None and cells["measures"] is None and not marks:
            if cells["category"] is not None:
                category = _doc_category(cells["category"], issues, sheet) or category
            continue
        if cells["category"] is not None:
            category = _doc_category(cells["category"], issues, sheet)
        elif not category:
            issues.add(
                ERROR, sheet, "制度保障类别未填写（上方也没有可沿用的类别）。", r, "制度保障"
            )
        sub, title = split_tag(as_text(cells["title"], issues, sheet, "文件名称"))
        _check_tag(sub, issues, sheet, r, "文件名称", cells["title"])
        project.docs.append(
            {
                "category": category,
                "title": title,
                "measures": as_text(cells["measures"], issues, sheet, "具体措施"),
                "stages": _stages(marks, issues, sheet),
                "sub_project": sub,
                "row": r,
            }
        )
    return meta_name


def _doc_category(value: Value, issues: Issues, sheet: str) -> str:
    text = norm(as_text(value, issues, sheet, "制度保障"))
    code = DOC_CATEGORY_BY_LABEL.get(text)
    if code is None:
        issues.add(
            ERROR,
            sheet,
            f"“{text[:20]}”不是制度保障类别（项目管理制度、预算管理制度、财务管理制度）。",
            value.row,
            "制度保障",
            value.ref,
        )
        return ""
    return code


def _stages(marks: list[Value], issues: Issues, sheet: str) -> list[bool]:
    """Marks of the three stages: each cell names its stage ("实施阶段 ✓") or is taken in
    column order; ✓ √ ☑ ✔ ■ mean checked, × ☐ □ ✗ or nothing mean not checked."""
    stages = [False, False, False]
    position = 0
    for value in marks:
        text = as_text(value, issues, sheet, "保障阶段")
        plain = norm(text)
        index = next((i for i, label in enumerate(STAGE_LABELS) if label in plain), None)
        if index is None:
            index, position = position, position + 1
        else:
            plain = plain.replace(STAGE_LABELS[index], "")
        if index > 2:
            issues.add(
                ERROR,
                sheet,
                f"多出的保障阶段单元格：“{text[:20]}”。",
                value.row,
                "保障阶段",
                value.ref,
            )
            continue
        if plain == "" or all(ch in UNCHECKED for ch in plain):
            continue
        if all(ch in CHECKED for ch in plain):
            stages[index] = True
            continue
        issues.add(
            ERROR,
            sheet,
            f"无法识别的勾选标记“{plain[:10]}”（☑ ✓ √ 表示选中，☐ □ × 表示未选）。",
            value.row,
            STAGE_LABELS[index],
            value.ref,
        )
    return stages


# --- the workbook ---------------------------------------------------------------------


def classify(grid: Grid) -> str | None:
    """Which sheet this is, from the title in its first rows."""
    for r in sorted(grid.rows)[:5]:
        for text in grid.texts(r):
            if "申报表" not in text and "汇总表" not in text:
                continue
            if "项目总体情况" in text:
                return "overview"
            if "制度保障" in text:
                return "guarantees"
            if "(绩效目标)" in text:
                return "goals"
            if "汇总表" in text:
                return "summary"
    return None


PARSERS = {"overview": parse_overview, "goals": parse_goals, "guarantees": parse_guarantees}


def read_metadata(wb: Workbook) -> dict | None:
    if META_TITLE not in wb.sheetnames:
        return None
    meta = {}
    for row in wb[META_TITLE].iter_rows(values_only=True):
        if row and row[0] is not None:
            meta[str(row[0])] = row[1] if len(row) > 1 else None
    return meta if meta.get("format") == EXPORT_FORMAT else None


def parse_workbook(wb: Workbook) -> ParsedWorkbook:
    """Group the sheets into projects and read each; refuse a file of no known layout or
    with a sheet missing."""
    meta = read_metadata(wb)
    issues = Issues()
    if meta is not None:
        version = meta.get("version")
        if not isinstance(version, int) or version > EXPORT_VERSION:
            raise FileRefused(
                f"工作簿由更新版本的系统导出（格式版本 {version}），本系统只能读取版本 {EXPORT_VERSION} 及以前的格式。"
            )
        code = meta.get("unit_code")
        if code is None or not str(code).strip():
            raise FileRefused(
                "工作簿的元数据中没有单位编码，无法确认是哪个单位的项目；工作簿可能被改动过结构。"
                "请重新从本系统导出后再导入。"
            )
        meta["unit_code"] = str(code).strip()
        meta["unit_name"] = str(meta.get("unit_name") or "").strip() or "（未注明）"
    projects: list[ParsedProject] = []
    grids: dict[int, dict[str, Grid]] = {}
    current: ParsedProject | None = None
    for ws in wb.worksheets:
        if ws.title == META_TITLE:
            continue
        grid = Grid(ws)
        kind = classify(grid)
        if kind in (None, "summary"):
            if kind is None and grid.rows:
                issues.add(WARNING, ws.title, "不是三张申报表之一，已忽略。")
            continue
        if kind == "overview" or current is None or kind in current.sheets:
            current = ParsedProject(index=len(projects) + 1)
            projects.append(current)
        current.sheets[kind] = ws.title
        grids.setdefault(current.index, {})[kind] = grid
    if not projects:
        raise FileRefused(
            "无法识别的表格格式：工作簿中没有“财政项目支出绩效目标申报表（项目总体情况）”"
            "“（绩效目标）”“（制度保障）”这三张表。请上传本系统导出的工作簿，或按官方三张表模板填写的工作簿。"
        )
    missing = []
    for p in projects:
        lacking = [KIND_LABELS[k] for k in KIND_LABELS if k not in p.sheets]
        if lacking:
            first_sheet = next(iter(p.sheets.values()))
            missing.append(
                f"第 {p.index} 个项目（从工作表“{first_sheet}”开始）缺少“{'”“'.join(lacking)}”表"
            )
    if missing:
        raise FileRefused(
            "工作表缺失：每个项目应有“项目总体情况”“绩效目标”“制度保障”三张表，按此顺序排列。",
            missing,
        )
    for p in projects:
        parse_overview(grids[p.index]["overview"], p)
        goals_name = parse_goals(grids[p.index]["goals"], p)
        docs_name = parse_guarantees(grids[p.index]["guarantees"], p)
        for kind, printed in (("goals", goals_name), ("guarantees", docs_name)):
            if printed and p.name and norm(printed) != norm(p.name):
                p.issues.add(
                    ERROR,
                    p.sheets[kind],
                    f"表上的项目名称“{printed}”与“{p.sheets['overview']}”表的项目名称“{p.name}”不一致，"
                    "可能是不同项目的表放在了一起。",
                    None,
                    "项目名称",
                )
    if meta is not None:
        count = meta.get("project_count", 1)
        if count != len(projects):
            raise FileRefused(
                f"工作簿的元数据记录了 {count} 个项目，实际读到 {len(projects)} 个，工作簿可能被改动过结构。"
            )
    return ParsedWorkbook(
        layout=LAYOUT_EXPORT if meta is not None else LAYOUT_OFFICIAL,
        meta=meta or {},
        projects=projects,
        issues=issues,
    )


def date_or_none(value) -> date | None:
    return value if isinstance(value, date) else None
