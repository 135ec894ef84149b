"""Sheet 1 (项目总体情况): labels with the value in the next cell or after the colon.

Nothing read is dropped: a label found twice keeps both values (texts joined, other
values compared), and 依据/必要性/可行性 typed in the one 项目立项情况 cell are split
only where that is unambiguous; otherwise the whole text goes to 依据 with a notice.
"""

import re

from apps.imports.cells import (
    ERROR,
    NOTICE,
    WARNING,
    Grid,
    Value,
    as_amount,
    as_date,
    as_text,
    norm,
)
from apps.imports.parser.labels import (
    DATE_FIELDS,
    INLINE_KEYS,
    MONEY_FIELDS,
    OVERVIEW_LABELS,
    SINGLE_LINE_FIELDS,
    ParsedProject,
    check_length,
    match_label,
    max_length,
)
from apps.projects.models import Project
from apps.sheets import schema

CATEGORY_BY_LABEL = {label: value for value, label in Project.Category.choices}
CHECKED = set("☑✓√✔■☒▣●◉✅")
UNCHECKED = set("☐□×✗✕○✘❎")
_YEAR = re.compile(r"(\d{4})\s*年")
# A part label at the start of a line inside the 项目立项情况 cell: "依据：", "（二）必要性：".
_BASIS_MARKER = re.compile(
    r"(?m)^[ \t　]*(?:[（(]?[一二三四五六七八九十\d]+[)）.、．][ \t　]*)?"
    r"(主要依据|立项依据|依据|必要性|可行性)[ \t　]*[：:]"
)
_BASIS_KEYS = {
    "主要依据": "basis",
    "立项依据": "basis",
    "依据": "basis",
    "必要性": "necessity",
    "可行性": "feasibility",
}
OVERVIEW_ITEMS = [i for i in schema.OVERVIEW.items]


def _inline(value: Value, text: str) -> Value:
    return Value(text, "@", value.row, value.col)


def parse_overview(grid: Grid, project: ParsedProject) -> None:
    sheet, issues = grid.title, project.issues
    found: dict[str, list[Value]] = {}
    label_at: dict[str, Value] = {}
    for r in sorted(grid.rows):
        anchors = grid.anchors(r)
        i = 0
        while i < len(anchors):
            a = anchors[i]
            m = match_label(a.raw, OVERVIEW_LABELS)
            if m is None:
                unrecognised(grid, a, issues)
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
                    _split_basis(value, found, label_at, a, project)
                continue
            if key.startswith("@"):
                if key == "@unit" and value is not None:
                    project.unit_name = str(value.raw).strip()
                continue
            label_at.setdefault(key, a)
            if value is not None:
                found.setdefault(key, []).append(value)

    for r in sorted(grid.rows)[:4]:
        for text in grid.texts(r):
            match = _YEAR.search(text)
            if match and project.year is None:
                project.year = int(match.group(1))

    for item in OVERVIEW_ITEMS:
        key, label = item.name, item.label
        if key not in label_at and key not in found:
            if key == "name":
                issues.add(ERROR, sheet, "未找到“项目名称”一栏，无法识别这个项目。")
            project.fields[key] = None if key in DATE_FIELDS or key in MONEY_FIELDS else ""
            continue
        value = _one_value(item, found.get(key, []), project, sheet)
        cell = value or label_at[key]
        project.cells[key] = [sheet, cell.row, cell.ref]
        if key in DATE_FIELDS:
            project.fields[key] = as_date(value, issues, sheet, label)
        elif key in MONEY_FIELDS:
            project.fields[key] = as_amount(value, issues, sheet, label)
        elif key == "category":
            project.fields[key] = _category(value, issues, sheet)
        else:
            text = as_text(value, issues, sheet, label)
            if key in SINGLE_LINE_FIELDS:
                text = text.strip()
            project.fields[key] = check_length(
                text, max_length(key), issues, sheet, cell.row, label, cell
            )
    if "name" in label_at and not project.name:
        cell = (found.get("name") or [label_at["name"]])[0]
        issues.add(ERROR, sheet, "项目名称为空，无法导入这个项目。", cell.row, "项目名称", cell.ref)


def _one_value(item, values: list[Value], project: ParsedProject, sheet: str) -> Value | None:
    """The value of a label found more than once: texts joined (nothing dropped), other
    values only if they agree."""
    if len(values) <= 1:
        return values[0] if values else None
    where = "、".join(f"第 {v.row} 行（{v.ref}）" for v in values)
    if item.kind == "long":
        texts = [v.raw if isinstance(v.raw, str) else str(v.raw) for v in values]
        project.issues.add(
            NOTICE,
            sheet,
            f"“{item.label}”出现了 {len(values)} 次（{where}），已按顺序合并为一段，请核对。",
            values[0].row,
            item.label,
            values[0].ref,
        )
        return Value("\n".join(texts), "@", values[0].row, values[0].col)
    distinct = {norm(str(v.raw)) for v in values}
    if len(distinct) > 1:
        project.issues.add(
            ERROR,
            sheet,
            f"“{item.label}”出现了 {len(values)} 次且内容不同（{where}），无法判断采用哪一个；请只保留一处。",
            values[1].row,
            item.label,
            values[1].ref,
        )
    return values[0]


def _is_label(raw) -> bool:
    """Whether a cell reads as a label rather than the value of the label before it."""
    m = match_label(raw, OVERVIEW_LABELS)
    return m is not None and (not m[1] or m[0] in INLINE_KEYS)


def _split_basis(value: Value, found: dict, label_at: dict, label: Value, project) -> None:
    """依据/必要性/可行性 typed in one 项目立项情况 cell.

    Split only when it is unambiguous: each part label starts a line, appears once, in
    the order 依据 → 必要性 → 可行性, and nothing stands before the first. Otherwise (a
    label repeated per sub-project, parts out of order, text before the first label)
    the whole text is kept in 依据 and the preview says so."""
    text = value.raw if isinstance(value.raw, str) else str(value.raw)
    markers = list(_BASIS_MARKER.finditer(text))
    keys = [_BASIS_KEYS[m.group(1)] for m in markers]
    order = ["basis", "necessity", "feasibility"]
    unambiguous = (
        markers
        and len(set(keys)) == len(keys)
        and keys == sorted(keys, key=order.index)
        and not text[: markers[0].start()].strip()
    )
    targets = {k: found.setdefault(k, []) for k in order}
    for k in order:
        label_at.setdefault(k, label)
    if not unambiguous:
        targets["basis"].append(value)
        if markers or len(text.strip()) > 0:
            reason = (
                "其中的“依据/必要性/可行性”标签重复、顺序不一或前面还有文字，无法确定如何拆分"
                if markers
                else "其中没有“依据/必要性/可行性”标签"
            )
            project.issues.add(
                NOTICE,
                value_sheet(project),
                f"“项目立项情况”只有一格，{reason}：整段文字已原样放入“依据”，“必要性”“可行性”未填，请核对。",
                value.row,
                "项目立项情况",
                value.ref,
            )
        return
    for m, nxt, key in zip(markers, [*markers[1:], None], keys, strict=True):
        body = text[m.end() : nxt.start() if nxt else len(text)]
        targets[key].append(_inline(value, body.lstrip(" \t").strip("\n")))
    project.issues.add(
        NOTICE,
        value_sheet(project),
        "“项目立项情况”只有一格：已按其中的“"
        + "”“".join(m.group(1) for m in markers)
        + "”标签拆分到对应栏目，请核对。",
        value.row,
        "项目立项情况",
        value.ref,
    )


def value_sheet(project: ParsedProject) -> str:
    return project.sheets.get("overview", "")


def unrecognised(grid: Grid, value: Value, issues) -> None:
    text = str(value.raw).strip() if not isinstance(value.raw, str) else value.raw.strip()
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


def _category(value: Value | None, issues, sheet: str) -> str:
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
