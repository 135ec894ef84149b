"""Sheet 3 (制度保障): category (carried down under a merge), 文件名称, 具体措施, three stage
marks — each cell naming its stage, or taken in column order."""

from apps.imports.cells import ERROR, Grid, Value, as_text, norm
from apps.imports.parser.goals import find_row, header_spans, leftovers, meta_name
from apps.imports.parser.labels import ParsedProject, check_tag, split_tag
from apps.imports.parser.overview import CHECKED, UNCHECKED
from apps.sheets import schema

DOC_CATEGORY_BY_LABEL = {
    label: value
    for value, label in schema.choices(schema.DOCS.column("category"), schema.DOCS.model)
}
STAGE_LABELS = tuple(schema.DOCS.column(n).label for n in schema.STAGE_COLUMNS)
HEADS = {schema.DOCS.column(n).label: n for n in ("category", "title", "measures")}


def parse_guarantees(grid: Grid, project: ParsedProject) -> str | None:
    sheet, issues = grid.title, project.issues
    head = find_row(grid, {HEADS_BY["title"], HEADS_BY["measures"]})
    printed_name = meta_name(grid, head or grid.max_row + 1)
    if head is None:
        issues.add(ERROR, sheet, "未找到制度保障的表头（制度保障、文件名称、具体措施、保障阶段）。")
        return printed_name
    spans = header_spans(grid, head, HEADS)
    if "category" not in spans:
        spans["category"] = (1, spans["title"][0] - 1) if spans["title"][0] > 1 else (1, 1)
    first = head + 1
    stage_spans = []
    if set(STAGE_LABELS) <= set(grid.texts(first)):
        # The second header row naming the three stages: a bare mark is read by the
        # stage heading it stands under (a blank template's rows have empty stage cells).
        stage_spans = [
            (STAGE_LABELS.index(norm(a.raw)), grid.col_span(first, a.col))
            for a in grid.anchors(first)
            if isinstance(a.raw, str) and norm(a.raw) in STAGE_LABELS
        ]
        first += 1
    category = ""
    for r in range(first, grid.max_row + 1):
        cells = {k: grid.first_in(r, span) for k, span in spans.items()}
        marks = [a for a in grid.anchors(r) if a.col > spans["measures"][1]]
        used = {c for a, b in spans.values() for c in range(a, b + 1)} | {a.col for a in marks}
        leftovers(grid, r, used, issues, "制度保障表中")
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
        check_tag(sub, issues, sheet, r, "文件名称", cells["title"])
        stages = _stages(marks, issues, sheet, stage_spans)
        project.docs.append(
            {
                "category": category,
                "title": title,
                "measures": as_text(cells["measures"], issues, sheet, "具体措施"),
                **dict(zip(schema.STAGE_COLUMNS, stages, strict=True)),
                "sub_project": sub,
                "row": r,
                "cells": {k: v.ref for k, v in cells.items() if v is not None},
            }
        )
    return printed_name


HEADS_BY = {v: k for k, v in HEADS.items()}


def _doc_category(value: Value, issues, sheet: str) -> str:
    text = norm(as_text(value, issues, sheet, "制度保障"))
    code = DOC_CATEGORY_BY_LABEL.get(text)
    if code is None:
        issues.add(
            ERROR,
            sheet,
            f"“{text[:20]}”不是制度保障类别（{'、'.join(DOC_CATEGORY_BY_LABEL)}）。",
            value.row,
            "制度保障",
            value.ref,
        )
        return ""
    return code


def _stages(marks: list[Value], issues, sheet: str, spans=()) -> list[bool]:
    """Marks of the three stages: each cell names its stage ("实施阶段 ✓"), or stands under
    a stage's heading, or is taken in column order; ✓ √ ☑ ✔ ■ mean checked, × ☐ □ ✗ or
    nothing mean not checked."""
    stages = [False, False, False]
    position = 0
    for value in marks:
        text = as_text(value, issues, sheet, "保障阶段")
        plain = norm(text)
        index = next((i for i, label in enumerate(STAGE_LABELS) if label in plain), None)
        if index is None:
            index = next((i for i, (a, b) in spans if a <= value.col <= b), None)
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
