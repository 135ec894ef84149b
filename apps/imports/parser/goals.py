"""Sheet 2 (绩效目标): 项目构成, the indicator table and 项目构成分解, found by their headings.

The indicator table's columns are the declared columns of the form version its heading
row shows (a 指标性质 or 度量单位 heading means the 2021 table). Level cells left blank
under a merge carry down; a row with no level to carry is kept as typed, its level left
for the filler to choose (a finding, as on the sheet page), never refused.
"""

import re

from apps.imports.cells import ERROR, NOTICE, WARNING, Grid, as_amount, as_text, norm
from apps.imports.parser.labels import (
    ParsedProject,
    check_length,
    check_tag,
    match_label,
    max_length,
    split_tag,
)
from apps.sheets import schema

_DASHES = re.compile(r"^[-－—–_]+$")
LEVEL1_HEADS = {"一级目标", "一级指标"}
# The sheet's own section labels (printed beside a table, often merged down its rows).
SECTION_LABELS = {"绩效目标", "项目构成分解", "项目构成", "制度保障", "绩效指标"}
INDICATOR_MODEL = schema.INDICATORS.model
LINE_MODEL = schema.LINES.model


def heads_for(table: schema.Table, version: str) -> dict[str, str]:
    heads = {}
    for column in table.columns_for(version):
        if column.kind == "sub":
            continue
        for label in (column.label, *column.aliases, column.label_for(version)):
            heads.setdefault(norm(label), column.name)
    return heads


def indicator_version(grid: Grid, head: int) -> str:
    texts = set(grid.texts(head))
    return schema.NATIONAL_2021 if texts & {"指标性质", "度量单位"} else schema.MINHANG_2018


def meta_name(grid: Grid, before_row: int) -> str | None:
    """The 项目名称 printed above a sheet's table (None if there is none)."""
    for r in sorted(grid.rows):
        if r >= before_row:
            break
        for a in grid.anchors(r):
            if isinstance(a.raw, str) and norm(a.raw).startswith("项目名称"):
                m = match_label(a.raw, {"项目名称": "name"})
                if m and m[1]:
                    return m[1]
                following = [b for b in grid.anchors(r) if b.col > a.col]
                if not following or norm(str(following[0].raw)).startswith("金额单位"):
                    return ""  # "项目名称：" left empty (the blank template), then 金额单位
                return str(following[0].raw).strip()
    return None


def find_row(grid: Grid, wanted: set[str], start: int = 0, any_of: bool = False) -> int | None:
    for r in sorted(grid.rows):
        texts = set(grid.texts(r))
        if r > start and ((wanted & texts) if any_of else wanted <= texts):
            return r
    return None


def header_spans(grid: Grid, row: int, heads: dict[str, str]) -> dict[str, tuple[int, int]]:
    spans = {}
    for a in grid.anchors(row):
        key = heads.get(norm(a.raw)) if isinstance(a.raw, str) else None
        if key and key not in spans:
            spans[key] = grid.col_span(row, a.col)
    return spans


def leftovers(grid: Grid, r: int, used: set[int], issues, label: str) -> None:
    """Cells of a table row under no known heading: reported, never dropped silently."""
    for a in grid.anchors(r):
        if a.col not in used and not (isinstance(a.raw, str) and norm(a.raw) in SECTION_LABELS):
            text = str(a.raw).strip()
            issues.add(
                WARNING,
                grid.title,
                f"{label}这一格不在任何表头之下，未导入：“{text[:30]}{'…' if len(text) > 30 else ''}”。",
                r,
                "",
                a.ref,
            )


def parse_goals(grid: Grid, project: ParsedProject) -> str | None:
    """Sheet 2; returns the 项目名称 printed above the table (None if there is none)."""
    sheet, issues = grid.title, project.issues
    ind_head = find_row(grid, LEVEL1_HEADS, any_of=True)
    line_head = find_row(grid, {"明细金额"}, ind_head or 0)
    printed_name = meta_name(grid, ind_head or line_head or grid.max_row + 1)

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
                for extra in rest[1:]:
                    leftovers(
                        grid, r, {a.col for a in anchors if a is not extra}, issues, "项目构成"
                    )
            else:
                project.cells["composition"] = [sheet, r, anchors[0].ref]
            break

    if ind_head is None:
        issues.add(ERROR, sheet, "未找到绩效目标的表头（一级目标、二级目标、三级目标、目标值）。")
    else:
        parse_indicators(grid, project, ind_head, line_head or grid.max_row + 1)
    if line_head is None:
        issues.add(
            ERROR, sheet, "未找到项目构成分解的表头（项目名称、项目内容、项目明细、明细金额……）。"
        )
    else:
        parse_lines(grid, project, line_head)
    return printed_name


def _level_text(cells, key, issues, sheet, label) -> str:
    return as_text(cells.get(key), issues, sheet, label).strip()


def parse_indicators(grid: Grid, project: ParsedProject, head: int, end: int) -> None:
    sheet, issues = grid.title, project.issues
    version = indicator_version(grid, head)
    project.indicator_version = version
    heads = {**{h: "level1" for h in LEVEL1_HEADS}, **heads_for(schema.INDICATORS, version)}
    spans = header_spans(grid, head, heads)
    value_key = "target_value" if version == schema.NATIONAL_2021 else "target_raw"
    for key in ("name", value_key):
        if key not in spans:
            issues.add(ERROR, sheet, "绩效目标表头缺少“三级目标”或“目标值/指标值”列。", head)
            return
    used = {c for a, b in spans.values() for c in range(a, b + 1)}
    columns = [c for c in schema.INDICATORS.columns_for(version) if c.kind not in ("level", "sub")]
    level1 = level2 = ""
    for r in range(head + 1, end):
        cells = {k: grid.first_in(r, span) for k, span in spans.items()}
        leftovers(grid, r, used, issues, "绩效目标表中")
        if all(cells.get(c.name) is None for c in columns):
            # A row of level labels only: they still carry down to the next rows.
            l1 = _level_text(cells, "level1", issues, sheet, "一级目标")
            if l1 and l1 != level1:
                level1, level2 = l1, ""
            level2 = _level_text(cells, "level2", issues, sheet, "二级目标") or level2
            continue
        l1 = _level_text(cells, "level1", issues, sheet, "一级目标")
        l2 = _level_text(cells, "level2", issues, sheet, "二级目标")
        if l1 and l1 != level1:
            level1, level2 = l1, ""  # a new level 1: its level 2 cannot come from above
        if l2:
            level2 = l2
        if not level1 or not level2:
            missing = "一级目标" if not level1 else "二级目标"
            issues.add(
                NOTICE,
                sheet,
                f"{missing}未填写（上方也没有可沿用的）：这一行照原样导入，导入后请在填报页面选择{missing}。",
                r,
                missing,
                cells.get("level1" if not level1 else "level2").ref
                if cells.get("level1" if not level1 else "level2")
                else "",
            )
        row = {
            "level1": level1,
            "level2": level2,
            "row": r,
            "cells": {k: v.ref for k, v in cells.items() if v is not None},
            "sub_project": "",
        }
        for column in columns:
            label = column.label_for(version)
            value = cells.get(column.name)
            if column.kind == "number":
                row[column.name] = as_amount(value, issues, sheet, label, label)
                continue
            if column.kind == "choice":
                row[column.name] = _nature(value, issues, sheet, label)
                continue
            text = as_text(value, issues, sheet, label)
            if column.name == "name":
                row["sub_project"], text = split_tag(text)
                check_tag(row["sub_project"], issues, sheet, r, label, value)
            if column.single_line:
                text = text.strip() if column.name != "name" or not row["sub_project"] else text
            row[column.name] = check_length(
                text, max_length(column.name, INDICATOR_MODEL), issues, sheet, r, label, value
            )
        project.indicators.append(row)


NATURES = {"正向": "positive", "正向指标": "positive", "反向": "negative", "反向指标": "negative"}
NATURES |= {"等于": "equal", "定性": "qualitative", "定性指标": "qualitative", "定量": "positive"}


def _nature(value, issues, sheet, label) -> str:
    text = norm(as_text(value, issues, sheet, label))
    if not text:
        return ""
    code = NATURES.get(text)
    if code is None:
        issues.add(
            ERROR,
            sheet,
            f"“{text[:20]}”不是指标性质（正向、反向、等于、定性）。",
            value.row,
            label,
            value.ref,
        )
        return ""
    return code


def parse_lines(grid: Grid, project: ParsedProject, head: int) -> None:
    sheet, issues = grid.title, project.issues
    spans = header_spans(grid, head, heads_for(schema.LINES, schema.DEFAULT_VERSION))
    bases = [grid.col_span(head, a.col) for a in grid.anchors(head) if norm(str(a.raw)) == "依据"]
    qty_col = spans.get("quantity", (10**6, 10**6))[0]
    for span in bases:
        key = "price_basis" if span[0] < qty_col else "quantity_basis"
        spans.setdefault(key, span)
    if "amount" not in spans:
        issues.add(ERROR, sheet, "项目构成分解表头缺少“明细金额”列。", head)
        return
    used = {c for a, b in spans.values() for c in range(a, b + 1)}
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
            leftovers(grid, r, used, issues, "项目构成分解中")
            continue
        leftovers(grid, r, used, issues, "项目构成分解中")
        line: dict = {"row": r, "cells": {k: v.ref for k, v in cells.items() if v is not None}}
        for column in schema.LINES.columns:
            if column.kind in ("sub", "level"):
                continue
            value = cells.get(column.name)
            if column.kind in ("money", "number"):
                # 单价 and 数量 name themselves in their messages; 明细金额 is "金额".
                kind = () if column.name == "amount" else (column.label,)
                line[column.name] = as_amount(value, issues, sheet, column.label, *kind)
                continue
            text = as_text(value, issues, sheet, column.label)
            if column.name == "content":
                line["sub_project"], text = split_tag(text)
                check_tag(line["sub_project"], issues, sheet, r, column.label, value)
            line[column.name] = check_length(
                text, max_length(column.name, LINE_MODEL), issues, sheet, r, column.label, value
            )
        line.setdefault("sub_project", "")
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
