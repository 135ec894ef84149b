"""Read a workbook of filed sheets into plain data, one ``ParsedProject`` per project.

Two layouts are read by the same label-driven code, because both print the same form:

* our own export (``apps/exports/xlsx.py``), recognised by its hidden 元数据 sheet, whose
  metadata also names the unit, the year and the projects;
* the official three-sheet template as units fill it in Excel (``../shared/seeds/``):
  labels with the value in the next cell or after the colon in the same cell
  (``联系电话：139…``, ``一、项目总预算：4411000``), 依据/必要性/可行性 in one cell, level-1
  and level-2 cells left blank under a merge, 【】 prefixes, marks ✓ √ × ☑ □.

Cells are found by their labels (those of the sheet declaration, apps/sheets/schema.py),
never by fixed coordinates, and every value keeps the cell it came from, so problems are
reported as "“绩效目标”表 · 第 14 行 · 目标值（F14）". No filled cell is dropped without
a message: what the parser cannot place is reported at its cell, and what it had to
interpret is listed as a notice in the preview.
"""

from dataclasses import dataclass
from datetime import date

from apps.exports.xlsx import EXPORT_FORMAT, EXPORT_VERSION, META_TITLE
from apps.imports.cells import ERROR, WARNING, Grid, Issues, norm
from apps.imports.files import FileRefused, ReadBook
from apps.imports.parser.goals import parse_goals
from apps.imports.parser.guarantees import parse_guarantees
from apps.imports.parser.labels import (
    KIND_LABELS,
    LAYOUT_EXPORT,
    LAYOUT_LABELS,
    LAYOUT_OFFICIAL,
    ParsedProject,
    split_tag,
)
from apps.imports.parser.overview import parse_overview

__all__ = [
    "LAYOUT_EXPORT",
    "LAYOUT_LABELS",
    "LAYOUT_OFFICIAL",
    "ParsedProject",
    "ParsedWorkbook",
    "parse_workbook",
    "split_tag",
]


@dataclass
class ParsedWorkbook:
    layout: str
    meta: dict
    projects: list[ParsedProject]
    issues: Issues  # about the file as a whole (sheets ignored, …)


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


def read_metadata(wb: ReadBook) -> dict | None:
    if META_TITLE not in wb.sheetnames:
        return None
    sheet = wb[META_TITLE]
    covered = sheet.covered()
    values = {pos: value for pos, (value, _) in sheet.cells.items() if pos not in covered}
    meta = {}
    for row in sorted({r for r, _ in values}):
        key = values.get((row, 1))
        if key is not None:
            meta[str(key)] = values.get((row, 2))
    return meta if meta.get("format") == EXPORT_FORMAT else None


def parse_workbook(wb: ReadBook) -> ParsedWorkbook:
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
