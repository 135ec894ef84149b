"""The import plan: what a parsed workbook would create or change, shown before writing.

A plan is plain JSON (stored on the ImportBatch, so the preview survives a reload): per
project the action (新建 / 更新 / 无变化), the data to write — shaped like the one snapshot
of apps/sheets/snapshot.py, each row carrying the id of the row it will update — the
changes (the one diff of apps/sheets/diff.py, so the preview shows exactly what the
history will record), the problems found while reading (each at its cell), what the
import had to interpret, and the findings of the rules module on the data as it would be
saved. It never writes to the database.
"""

import hashlib
import json
from dataclasses import asdict
from decimal import Decimal

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.checks.rules import check_filing
from apps.checks.snapshot import (
    Filing,
    mandated_for,
    rows_from_json,
    taxonomy_spec_for_year,
    version_settings,
)
from apps.imports.cells import ERROR, NOTICE, WARNING, Issues, norm
from apps.imports.metadata import exported_sub_projects, exported_total_source, metadata_for
from apps.imports.parser import LAYOUT_EXPORT, ParsedProject, ParsedWorkbook
from apps.indicators.models import Indicator
from apps.indicators.targets import compose_target
from apps.projects.models import Project
from apps.projects.permissions import can_edit
from apps.sheets import schema
from apps.sheets.diff import snapshot_diff
from apps.sheets.limits import TooManyRows, rows_check
from apps.sheets.snapshot import FORMAT, project_snapshot, row_keys
from apps.sheets.values import blank, from_json, to_json
from apps.units.models import Unit

CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
ACTION_LABELS = {CREATE: "新建", UPDATE: "更新", UNCHANGED: "无变化"}
TABLE_KEYS = [t.key for t in schema.TABLES]
TARGET_MAX = Indicator._meta.get_field("target_raw").max_length


def fingerprint(project: Project) -> str:
    """Changes whenever anything the import would overwrite changes (or the status)."""
    data = project_snapshot(project)
    data["status"] = project.status
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def projects_for_plan(queryset):
    return queryset.select_related("budget_year", "unit").prefetch_related(
        "indicators__level2__level1", "budget_lines", "rule_documents", "sub_projects"
    )


class _YearInfo:
    def __init__(self, budget_year: BudgetYear):
        self.budget_year = budget_year
        self.spec = taxonomy_spec_for_year(budget_year)
        self.settings = version_settings(budget_year)
        self.mandated = None  # the 固化指标 for the importing unit (set by build_plan)
        self.level2_ids = {
            (norm(l1.name), norm(l2.name)): l2.id for l1 in self.spec.level1s for l2 in l1.level2s
        }
        self.rank = {
            l2.id: (i, j)
            for i, l1 in enumerate(self.spec.level1s)
            for j, l2 in enumerate(l1.level2s)
        }

    def choices(self, level1: str) -> str:
        for l1 in self.spec.level1s:
            if norm(l1.name) == norm(level1):
                return f"“{l1.name}”下可选：" + "、".join(l2.name for l2 in l1.level2s)
        return "一级目标可选：" + "、".join(l1.name for l1 in self.spec.level1s)

    def printed_order(self, rows: list[dict]) -> list[dict]:
        """Indicators as the sheet prints them: grouped by level (unknown levels last)."""
        return sorted(rows, key=lambda r: self.rank.get(r.get("level2"), (len(self.rank), 0)))


def build_plan(
    parsed: ParsedWorkbook,
    *,
    unit: Unit,
    user: User,
    year: BudgetYear | None = None,
) -> dict:
    """The plan for importing ``parsed`` into ``unit`` (and ``year``, if chosen: it wins
    over the year the workbook prints)."""
    file_issues = Issues(parsed.issues)
    meta = parsed.meta
    if parsed.layout == LAYOUT_EXPORT and meta.get("unit_code") not in (None, unit.code):
        file_issues.add(
            WARNING,
            "",
            f"工作簿导出自单位“{meta.get('unit_name')}”（编码 {meta.get('unit_code')}），将导入到“{unit.name}”。",
        )
    years: dict[int, _YearInfo | None] = {}
    seen_names: dict[tuple[int, str], int] = {}
    names = [p.name for p in parsed.projects if p.name]
    existing = {
        (p.budget_year.year, p.name): p
        for p in projects_for_plan(Project.objects.filter(unit=unit, name__in=names))
    }
    projects = []
    for p in parsed.projects:
        info = _year_info(p, meta, year, years)
        if p.unit_name and parsed.layout != LAYOUT_EXPORT and norm(p.unit_name) != norm(unit.name):
            p.issues.add(
                WARNING,
                p.sheets["overview"],
                f"表上的填报单位为“{p.unit_name}”，将导入到“{unit.name}”。",
                None,
                "填报单位",
            )
        key = (info.budget_year.year if info else None, p.name)
        if p.name and key in seen_names:
            p.issues.add(
                ERROR,
                p.sheets["overview"],
                f"项目名称“{p.name}”与第 {seen_names[key]} 个项目重复；同一单位同一年度的项目名称不能重复。",
                None,
                "项目名称",
            )
        seen_names.setdefault(key, p.index)
        own_meta = metadata_for(p, meta) if parsed.layout == LAYOUT_EXPORT else None
        if info is not None and info.mandated is None:
            info.mandated = mandated_for(info.budget_year.pk, unit.pk)
        projects.append(_project_plan(p, own_meta, info, existing.get(key), user))
    return {
        "layout": parsed.layout,
        "meta": {
            k: to_json("text", v)
            for k, v in meta.items()
            if isinstance(v, str | int | float | type(None))
        },
        "unit_id": unit.pk,
        "issues": [i.as_dict() for i in file_issues],
        "projects": projects,
    }


def _year_info(p: ParsedProject, meta: dict, year, years: dict) -> "_YearInfo | None":
    printed_year = p.year or meta.get("budget_year")
    target_year = year.year if year else printed_year
    if year and printed_year and printed_year != year.year:
        p.issues.add(
            WARNING,
            p.sheets["overview"],
            f"表上的年度为 {printed_year} 年，按所选的 {year.year} 年导入。",
        )
    if target_year is None:
        p.issues.add(ERROR, p.sheets["overview"], "表上没有注明预算年度，请在上传时选择预算年度。")
        return None
    if target_year not in years:
        budget_year = BudgetYear.objects.select_related("taxonomy").filter(year=target_year).first()
        years[target_year] = _YearInfo(budget_year) if budget_year else None
    if years[target_year] is None:
        p.issues.add(
            ERROR,
            p.sheets["overview"],
            f"系统中没有 {target_year} 年的预算年度，请联系管理员设置后再导入。",
        )
    return years[target_year]


def _level(row: dict, info: "_YearInfo | None", p: ParsedProject) -> dict:
    """The row's level: the taxonomy's id where the typed names are in it, else the names
    as typed (kept with a finding at the cell, as the sheet page shows a missing level)."""
    level1, level2 = row["level1"], row["level2"]
    found = None
    if info is not None and level1 and level2:
        found = info.level2_ids.get((norm(level1), norm(level2)))
        if found is None:
            p.issues.add(
                NOTICE,
                p.sheets["goals"],
                f"“{level1} · {level2}”不在 {info.budget_year.year} 年的指标体系“{info.spec.name}”中"
                f"（{info.choices(level1)}）：这一行按原文保留，导入后显示为待选择的二级目标；"
                "管理员可以把它加入指标体系。",
                row["row"],
                "二级目标",
                row["cells"].get("level2", ""),
            )
    return {"level2": found, "level1_name": level1, "level2_name": level2}


def incoming_data(p: ParsedProject, info, own_meta, existing) -> dict:
    """The parsed project, shaped like a snapshot (rows not yet paired with ids)."""
    version = info.budget_year.form_version if info else schema.DEFAULT_VERSION
    fields = {}
    for item in schema.fields():
        fields[item.name] = (
            to_json(item.kind, p.fields[item.name]) if item.name in p.fields else blank(item.kind)
        )
    source, declared = _total_source(p, own_meta, existing)
    fields["total_source"], fields["declared_total"] = source, to_json("money", declared)
    data = {"format": FORMAT, "version": version, "fields": fields}
    # Only the columns the workbook's table has: the others are kept from the row each
    # one updates (``fill_unread``), never blanked by a workbook of another form version.
    read = p.indicator_version or version
    if info is not None and read != version and p.indicators:
        p.issues.add(
            NOTICE,
            p.sheets.get("goals", ""),
            f"绩效目标表是“{schema.VERSION_LABELS[read]}”的列，而 {info.budget_year.year} 年使用"
            f"“{schema.VERSION_LABELS[version]}”：表上有的列照原样导入，其余的列保持原值（新行为空），"
            "请在填报页面补全。",
        )
    data["indicators"] = [
        {**_level(row, info, p), **_json_columns(schema.INDICATORS, row, read)}
        for row in p.indicators
    ]
    data["lines"] = [_json_columns(schema.LINES, row) for row in p.lines]
    data["docs"] = [_json_columns(schema.DOCS, row) for row in p.docs]
    names = list(p.sub_projects)
    exported = exported_sub_projects(own_meta)
    if exported is not None:
        # Our export lists them all, in order, empty ones too; a tag typed in Excel that
        # the list lacks still counts.
        names = exported + [n for n in names if n not in exported]
    data["sub_projects"] = [{"id": None, "name": n} for n in names]
    return data


def _json_columns(table: schema.Table, row: dict, version: str | None = None) -> dict:
    out = {}
    for column in table.columns:
        if column.kind == "level" or (version and not column.has(version) and column.kind != "sub"):
            continue
        if column.kind == "sub":
            out["sub_project"] = row.get("sub_project") or ""
        else:
            out[column.name] = to_json(column.kind, row.get(column.name, blank(column.kind)))
    return out


def pair_rows(table: schema.Table, old: list[dict], new: list[dict]) -> None:
    """Give each incoming row the id of the existing row it takes over, so rows keep their
    ids (comments stay at their row, the history shows the cell that changed): the row
    with the same content (only moved), else the same name (edited), else the row at the
    same place (a naming cell edited). Rows left over get ids "new-1", "new-2", …"""
    content = row_keys(table)
    naming = [k for k in content if k in table.naming] or content
    free = list(range(len(old)))
    for keys in (content, naming):
        by_values: dict[tuple, list[int]] = {}
        for j in free:
            by_values.setdefault(tuple(old[j].get(k) for k in keys), []).append(j)
        for row in new:
            if row.get("id") is None:
                candidates = by_values.get(tuple(row.get(k) for k in keys))
                if candidates:
                    j = candidates.pop(0)
                    row["id"] = old[j]["id"]
                    free.remove(j)
    for i, row in enumerate(new):
        if row.get("id") is None and i in free:
            row["id"] = old[i]["id"]
            free.remove(i)
    fresh = 0
    for row in new:
        if row.get("id") is None:
            fresh += 1
            row["id"] = f"new-{fresh}"


def fill_unread(data: dict, old: dict | None, version: str) -> None:
    """Columns the workbook did not have: as the row being updated holds them (blank for
    a new row); and the 目标值 a 2021 row derives from 指标性质, 指标值 and 度量单位."""
    for table in schema.TABLES:
        before = {r["id"]: r for r in (old or {}).get(table.key, [])}
        for row in data[table.key]:
            source = before.get(row["id"], {})
            for key in row_keys(table):
                if key not in row:
                    row[key] = source.get(key, blank_of(table, key))
    for row in data["indicators"]:
        if version == schema.NATIONAL_2021 and (row.get("nature") or row.get("target_value")):
            row["target_raw"] = compose_target(
                row.get("nature") or "",
                row.get("target_value") or "",
                row.get("measure_unit") or "",
            )[:TARGET_MAX]


def blank_of(table: schema.Table, key: str):
    column = next((c for c in table.columns if c.name == key), None)
    return blank(column.kind) if column is not None else ("" if key.endswith("_name") else None)


def _pair_sub_projects(old: list[dict], new: list[dict]) -> None:
    ids = {r["name"]: r["id"] for r in old}
    for row in new:
        row["id"] = ids.get(row["name"], f"new-{row['name']}")


def _project_plan(p: ParsedProject, own_meta, info, existing: Project | None, user) -> dict:
    data = incoming_data(p, info, own_meta, existing)
    if info is not None:
        # Rows in the order the sheet prints them (grouped by level, as the export has
        # them), so the same rows in another order are no change.
        pairs = sorted(
            zip(data["indicators"], p.indicators, strict=True),
            key=lambda pair: info.rank.get(pair[0]["level2"], (len(info.rank), 0)),
        )
        data["indicators"] = [d for d, _ in pairs]
        p.indicators[:] = [r for _, r in pairs]
    old = None
    if existing is not None:
        old = project_snapshot(existing)
        if info is not None:
            old["indicators"] = info.printed_order(old["indicators"])
        if own_meta is None or exported_sub_projects(own_meta) is None:
            # The official template only adds sub-projects.
            have = [r["name"] for r in old["sub_projects"]]
            data["sub_projects"] = old["sub_projects"] + [
                r for r in data["sub_projects"] if r["name"] not in have
            ]
        _pair_sub_projects(old["sub_projects"], data["sub_projects"])
        for key in TABLE_KEYS:
            pair_rows(schema.TABLE_BY_KEY[key], old[key], data[key])
    else:
        _pair_sub_projects([], data["sub_projects"])
        for key in TABLE_KEYS:
            pair_rows(schema.TABLE_BY_KEY[key], [], data[key])
    fill_unread(data, old, data["version"])
    try:  # a project its sheet pages could not post again is refused here, at the import
        rows_check(
            indicators=len(data["indicators"]), lines=len(data["lines"]), docs=len(data["docs"])
        )
    except TooManyRows as exc:
        p.issues.add(ERROR, p.sheets.get("goals", ""), str(exc))
    changes = [asdict(d) for d in snapshot_diff(old, data)] if old else []
    action = CREATE if existing is None else (UPDATE if changes else UNCHANGED)
    if existing is not None and action == UPDATE:
        allowed, reason = can_edit(user, existing)
        if not allowed:
            p.issues.add(
                ERROR,
                p.sheets["overview"],
                f"系统中已有同名项目“{existing.name}”，但不能修改：{reason}",
                None,
                "项目名称",
            )
    findings = []
    if info is not None:
        findings = [_locate(f.as_dict(), p) for f in check_filing(_filing(data, info))]
    errors = sum(1 for f in findings if f["severity"] == "error")
    issues = [i.as_dict() for i in p.issues]
    return {
        "index": p.index,
        "name": p.name,
        "sheets": p.sheets,
        "year": info.budget_year.year if info else None,
        "action": action,
        "existing_pk": existing.pk if existing else None,
        "existing_status": existing.get_status_display() if existing else "",
        "fingerprint": fingerprint(existing) if existing else "",
        "data": data,
        "rows": {key: [r["row"] for r in getattr(p, key)] for key in TABLE_KEYS},
        "changes": changes,
        "issues": issues,
        "blocked": any(i["severity"] == ERROR for i in issues),
        "findings": findings,
        "finding_errors": errors,
        "finding_warnings": len(findings) - errors,
    }


def _total_source(p: ParsedProject, own_meta, existing: Project | None):
    """Where 金额合计 comes from once imported.

    The official template's 金额合计 was typed by the unit: it is kept as printed (blank
    too), and the rules report any difference from the lines. Our own export prints the
    sum of the lines; when it still equals that sum nothing was typed, so a new project
    computes it and an existing one keeps what it had (e.g. the 原表金额合计 of a sheet
    imported earlier). A 金额合计 changed in Excel is kept as typed, to be reported.
    Metadata counts only where it belongs to this project (``own_meta``)."""
    computed = Project.TotalSource.COMPUTED.value
    ours = own_meta is not None
    exported = exported_total_source(own_meta)
    if not p.total_found:
        if ours and existing is not None:
            return existing.total_source, existing.declared_total
        return exported or (computed, None)
    if p.printed_total is None:
        return Project.TotalSource.BLANK.value, None
    lines_total = sum((row["amount"] or Decimal("0") for row in p.lines), Decimal("0"))
    if ours and p.printed_total == lines_total:
        if existing is not None:
            return existing.total_source, existing.declared_total
        return exported or (computed, None)
    return Project.TotalSource.TYPED.value, p.printed_total


def _filing(data: dict, info: _YearInfo) -> Filing:
    fields = {i.name: from_json(i.kind, data["fields"].get(i.name)) for i in schema.fields()}
    return Filing(
        year=info.budget_year.year,
        taxonomy=info.spec,
        fields=fields,
        indicators=rows_from_json(schema.INDICATORS, data["indicators"]),
        lines=rows_from_json(schema.LINES, data["lines"]),
        docs=rows_from_json(schema.DOCS, data["docs"]),
        mandated=info.mandated or (),
        **info.settings,
    )


_ROW_PREFIX = {"ind": "indicators", "line": "lines", "doc": "docs"}


def _locate(finding: dict, p: ParsedProject) -> dict:
    """Add the sheet and row of the workbook a finding points at."""
    anchor = finding["anchor"]
    sheet = p.sheets.get(finding["sheet"])
    row, cell = None, ""
    head, _, rest = anchor.partition("-")
    if head in _ROW_PREFIX and rest[:1].isdigit():
        index = int(rest.split("-")[0])
        rows = getattr(p, _ROW_PREFIX[head])
        if index < len(rows):
            row = rows[index]["row"]
            field = rest.split("-", 1)[1] if "-" in rest else ""
            cell = rows[index].get("cells", {}).get(field, "")
    elif anchor == "lines-total" and p.total_row:
        row = p.total_row
        cell = p.cells.get("declared_total", [None, None, ""])[2]
    elif anchor in p.cells:
        _sheet, row, cell = p.cells[anchor]
    finding["location"] = (
        f"“{sheet}”表" + (f" · 第 {row} 行" if row else "") + (f"（{cell}）" if cell else "")
    )
    return finding


def plan_counts(plan: dict) -> dict:
    projects = plan["projects"]

    def issues(severity):
        return sum(1 for p in projects for i in p["issues"] if i["severity"] == severity) + sum(
            1 for i in plan["issues"] if i["severity"] == severity
        )

    return {
        "create": sum(1 for p in projects if p["action"] == CREATE),
        "update": sum(1 for p in projects if p["action"] == UPDATE),
        "unchanged": sum(1 for p in projects if p["action"] == UNCHANGED),
        "blocked": sum(1 for p in projects if p["blocked"]),
        "issues": issues(ERROR),
        "notices": issues(NOTICE),
        "finding_errors": sum(p["finding_errors"] for p in projects),
        "finding_warnings": sum(p["finding_warnings"] for p in projects),
    }


def plan_is_blocked(plan: dict) -> bool:
    return any(p["blocked"] for p in plan["projects"]) or any(
        i["severity"] == ERROR for i in plan["issues"]
    )
