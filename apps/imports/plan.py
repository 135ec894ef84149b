"""The import plan: what a parsed workbook would create or change, shown before writing.

A plan is plain JSON (stored on the ImportBatch, so the preview survives a reload): per
project the action (新建 / 更新 / 无变化), the data to write, the changed fields (old →
new), the problems found while reading (each at its cell), and the findings of the rules
module on the data as it would be saved. It never writes to the database.
"""

import hashlib
import json
from datetime import date
from decimal import Decimal

from apps.accounts.models import User
from apps.budget_lines.models import LINE_FIELDS
from apps.budgets.models import BudgetYear
from apps.checks.findings import Sheet
from apps.checks.rules import check_filing
from apps.checks.snapshot import DocRow, Filing, IndicatorRow, LineRow, taxonomy_spec_for_year
from apps.core.money import fmt_money, fmt_number
from apps.imports.cells import ERROR, WARNING, Issues, norm
from apps.imports.parser import FIELD_LABELS, LAYOUT_EXPORT, ParsedProject, ParsedWorkbook
from apps.projects.models import FUNDING_FIELDS, OVERVIEW_FIELDS, Project, SubProject
from apps.projects.permissions import can_edit
from apps.units.models import Unit

# Every scalar a workbook carries, in sheet order.
FIELDS = [*OVERVIEW_FIELDS, "composition", "total_source", "declared_total"]
MONEY_FIELDS = {*FUNDING_FIELDS, "declared_total"}
DATE_FIELDS = {"start_date", "end_date", "filing_date"}
LABELS = {
    **FIELD_LABELS,
    "total_source": "金额合计来源",
    "declared_total": "原表金额合计",
}
IND_KEYS = ["level1", "level2", "name", "target_raw", "remark", "sub_project"]
LINE_KEYS = [*LINE_FIELDS, "sub_project"]
DOC_KEYS = ["category", "title", "measures", "stages", "sub_project"]
TABLES = {"indicators": ("绩效目标", IND_KEYS), "lines": ("项目构成分解", LINE_KEYS)}
TABLES["docs"] = ("制度保障", DOC_KEYS)
CREATE, UPDATE, UNCHANGED = "create", "update", "unchanged"
SUB_PROJECT_MAX = SubProject._meta.get_field("name").max_length
ACTION_LABELS = {CREATE: "新建", UPDATE: "更新", UNCHANGED: "无变化"}


# --- JSON values ------------------------------------------------------------------------


def to_json(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def field_value(name: str, value):
    """A stored JSON value back as the model field's type."""
    if value is None or value == "":
        return None if name in MONEY_FIELDS or name in DATE_FIELDS else value
    if name in MONEY_FIELDS:
        return Decimal(value)
    if name in DATE_FIELDS:
        return date.fromisoformat(value)
    return value


def money_or_none(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(value)


# --- the project as it is in the database, in the same shape ----------------------------


def snapshot(project: Project) -> dict:
    """Fields and rows of a saved project as a plan's ``data``: rows in printed order
    (indicators grouped by level, as the sheet prints them), sub-projects by name."""
    subs = {sp.id: sp.name for sp in project.sub_projects.all()}
    indicators = sorted(
        project.indicators.all(),
        key=lambda i: (i.level2.level1.order, i.level2.level1_id, i.level2.order, i.level2_id),
    )
    return {
        "fields": {name: to_json(getattr(project, name)) for name in FIELDS},
        "indicators": [
            {
                "level1": i.level2.level1.name,
                "level2": i.level2.name,
                "name": i.name,
                "target_raw": i.target_raw,
                "remark": i.remark,
                "sub_project": subs.get(i.sub_project_id, ""),
            }
            for i in indicators
        ],
        "lines": [
            {
                **{k: getattr(ln, k) for k in LINE_KEYS if k != "sub_project"},
                "amount": to_json(ln.amount),
                "unit_price": to_json(ln.unit_price),
                "quantity": to_json(ln.quantity),
                "sub_project": subs.get(ln.sub_project_id, ""),
            }
            for ln in project.budget_lines.all()
        ],
        "docs": [
            {
                "category": d.category,
                "title": d.title,
                "measures": d.measures,
                "stages": [d.stage_planning, d.stage_implementation, d.stage_closing],
                "sub_project": subs.get(d.sub_project_id, ""),
            }
            for d in project.rule_documents.all()
        ],
        "sub_projects": [sp.name for sp in project.sub_projects.all()],
    }


def fingerprint(project: Project) -> str:
    """Changes whenever anything the import would overwrite changes (or the status)."""
    data = snapshot(project)
    data["status"] = project.status
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def projects_for_plan(queryset):
    return queryset.select_related("budget_year", "unit").prefetch_related(
        "indicators__level2__level1", "budget_lines", "rule_documents", "sub_projects"
    )


# --- building the plan -----------------------------------------------------------------


class _YearInfo:
    def __init__(self, budget_year: BudgetYear):
        self.budget_year = budget_year
        self.spec = taxonomy_spec_for_year(budget_year)
        self.level2_ids = {
            (norm(l1.name), norm(l2.name)): l2.id for l1 in self.spec.level1s for l2 in l1.level2s
        }

    def choices(self, level1: str) -> str:
        for l1 in self.spec.level1s:
            if norm(l1.name) == norm(level1):
                return f"“{l1.name}”下可选：" + "、".join(l2.name for l2 in l1.level2s)
        return "一级目标可选：" + "、".join(l1.name for l1 in self.spec.level1s)


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
        printed_year = p.year or meta.get("budget_year")
        target_year = year.year if year else printed_year
        if year and printed_year and printed_year != year.year:
            p.issues.add(
                WARNING,
                p.sheets["overview"],
                f"表上的年度为 {printed_year} 年，按所选的 {year.year} 年导入。",
            )
        info = None
        if target_year is None:
            p.issues.add(
                ERROR, p.sheets["overview"], "表上没有注明预算年度，请在上传时选择预算年度。"
            )
        else:
            if target_year not in years:
                budget_year = (
                    BudgetYear.objects.select_related("taxonomy").filter(year=target_year).first()
                )
                years[target_year] = _YearInfo(budget_year) if budget_year else None
            info = years[target_year]
            if info is None:
                p.issues.add(
                    ERROR,
                    p.sheets["overview"],
                    f"系统中没有 {target_year} 年的预算年度，请联系管理员设置后再导入。",
                )
        if p.unit_name and parsed.layout != LAYOUT_EXPORT and norm(p.unit_name) != norm(unit.name):
            p.issues.add(
                WARNING,
                p.sheets["overview"],
                f"表上的填报单位为“{p.unit_name}”，将导入到“{unit.name}”。",
                None,
                "填报单位",
            )
        key = (target_year, p.name)
        if p.name and key in seen_names:
            p.issues.add(
                ERROR,
                p.sheets["overview"],
                f"项目名称“{p.name}”与第 {seen_names[key]} 个项目重复；同一单位同一年度的项目名称不能重复。",
                None,
                "项目名称",
            )
        seen_names.setdefault(key, p.index)
        projects.append(_project_plan(p, parsed.layout, info, existing.get(key), user, meta))
    return {
        "layout": parsed.layout,
        "meta": {
            k: to_json(v) for k, v in meta.items() if isinstance(v, str | int | float | type(None))
        },
        "unit_id": unit.pk,
        "issues": [i.as_dict() for i in file_issues],
        "projects": projects,
    }


def _project_plan(
    p: ParsedProject, layout: str, info, existing: Project | None, user, meta: dict
) -> dict:
    data = {
        "fields": {name: to_json(p.fields.get(name)) for name in FIELDS if name in p.fields},
        "indicators": [{k: row[k] for k in IND_KEYS} for row in p.indicators],
        "lines": [{k: to_json(row[k]) for k in LINE_KEYS} for row in p.lines],
        "docs": [{k: row[k] for k in DOC_KEYS} for row in p.docs],
        "sub_projects": p.sub_projects,
    }
    exported_subs = _exported_sub_projects(p, meta) if layout == LAYOUT_EXPORT else None
    if exported_subs is not None:
        # Our export lists them all, in order, empty ones too; a tag typed in Excel
        # that the list lacks still counts.
        data["sub_projects"] = exported_subs + [n for n in p.sub_projects if n not in exported_subs]
    source, declared = _total_source(p, layout, existing, meta)
    data["fields"]["total_source"], data["fields"]["declared_total"] = source, to_json(declared)
    for name in FIELDS:
        data["fields"].setdefault(name, None if name in MONEY_FIELDS | DATE_FIELDS else "")

    level2_ids: list[int | None] = []
    for row in p.indicators:
        level2_id = None
        if info is not None and row["level1"] and row["level2"]:
            level2_id = info.level2_ids.get((norm(row["level1"]), norm(row["level2"])))
            if level2_id is None:
                p.issues.add(
                    ERROR,
                    p.sheets["goals"],
                    f"“{row['level1']} · {row['level2']}”不在 {info.budget_year.year} 年的指标体系"
                    f"“{info.spec.name}”中（{info.choices(row['level1'])}）。",
                    row["row"],
                    "二级目标",
                    row["cells"].get("level2", ""),
                )
        level2_ids.append(level2_id)
    if info is not None:
        # Rows in the order the sheet prints them (grouped by level, as snapshot() and
        # the export have them), so the same rows in another order are no change.
        rank = {
            l2.id: (i, j)
            for i, l1 in enumerate(info.spec.level1s)
            for j, l2 in enumerate(l1.level2s)
        }
        order = sorted(
            range(len(p.indicators)), key=lambda k: rank.get(level2_ids[k], (len(rank), 0))
        )
        p.indicators[:] = [p.indicators[k] for k in order]
        level2_ids = [level2_ids[k] for k in order]
        data["indicators"] = [{k: row[k] for k in IND_KEYS} for row in p.indicators]

    old = snapshot(existing) if existing else None
    changes, row_changes = _diff(old, data) if old else ([], [])
    if old:
        changes += _sub_project_changes(old["sub_projects"], data["sub_projects"], exported_subs)
    action = CREATE if existing is None else (UPDATE if changes or row_changes else UNCHANGED)
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
        filing = _filing(data, level2_ids, info)
        findings = [_locate(f.as_dict(), p) for f in check_filing(filing)]
    errors, warnings = count_dicts(findings)
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
        "level2_ids": level2_ids,
        "rows": {
            "indicators": [r["row"] for r in p.indicators],
            "lines": [r["row"] for r in p.lines],
            "docs": [r["row"] for r in p.docs],
        },
        "changes": changes,
        # The workbook says which sub-projects there are (our export): others are removed.
        "sub_projects_exact": exported_subs is not None,
        "row_changes": row_changes,
        "issues": issues,
        "blocked": any(i["severity"] == ERROR for i in issues),
        "findings": findings,
        "finding_errors": errors,
        "finding_warnings": warnings,
    }


def count_dicts(findings: list[dict]) -> tuple[int, int]:
    errors = sum(1 for f in findings if f["severity"] == "error")
    return errors, len(findings) - errors


def _exported_sub_projects(p: ParsedProject, meta: dict) -> list[str] | None:
    """The sub-projects our export recorded for this project, in order (None for an
    export made before they were recorded, or a list that cannot be read)."""
    raw = meta.get(f"sub_projects_{p.index}")
    try:
        names = json.loads(raw) if isinstance(raw, str) else None
    except ValueError:
        return None
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return None
    out: list[str] = []
    for name in (n.strip() for n in names):
        if name and len(name) <= SUB_PROJECT_MAX and name not in out:
            out.append(name)
    return out


def _sub_project_changes(old: list[str], new: list[str], exported: list[str] | None) -> list:
    def shown(names):
        return "、".join(names) or "（无）"

    if exported is None:  # the official template only adds sub-projects
        added = [n for n in new if n not in old]
        if not added:
            return []
        new = old + added
    elif old == new:
        return []
    removed = [n for n in old if n not in new]
    note = f"（删除子项目“{'”“'.join(removed)}”，其所属行不再标注子项目）" if removed else ""
    return [
        {"field": "sub_projects", "label": "子项目", "old": shown(old), "new": shown(new) + note}
    ]


def _exported_total_source(p: ParsedProject, meta: dict):
    """The 金额合计来源 our export recorded for this project, if any (metadata)."""
    source = meta.get(f"total_source_{p.index}")
    if source not in (Project.TotalSource.TYPED, Project.TotalSource.BLANK):
        return None
    raw = meta.get(f"declared_total_{p.index}")
    try:
        declared = Decimal(str(raw)) if raw not in (None, "") else None
    except ArithmeticError:
        return None
    return source, declared


def _total_source(p: ParsedProject, layout: str, existing: Project | None, meta: dict):
    """Where 金额合计 comes from once imported.

    The official template's 金额合计 was typed by the unit: it is kept as printed (blank
    too), and the rules report any difference from the lines. Our own export prints the
    sum of the lines; when it still equals that sum nothing was typed, so a new project
    computes it and an existing one keeps what it had (e.g. the 原表金额合计 of a sheet
    imported earlier). A 金额合计 changed in Excel is kept as typed, to be reported."""
    computed = Project.TotalSource.COMPUTED.value
    exported = _exported_total_source(p, meta) if layout == LAYOUT_EXPORT else None
    if not p.total_found:
        if layout == LAYOUT_EXPORT and existing is not None:
            return existing.total_source, existing.declared_total
        return exported or (computed, None)
    if p.printed_total is None:
        return Project.TotalSource.BLANK.value, None
    lines_total = sum((row["amount"] or Decimal("0") for row in p.lines), Decimal("0"))
    if layout == LAYOUT_EXPORT and p.printed_total == lines_total:
        if existing is not None:
            return existing.total_source, existing.declared_total
        return exported or (computed, None)
    return Project.TotalSource.TYPED.value, p.printed_total


def _filing(data: dict, level2_ids: list, info: _YearInfo) -> Filing:
    fields = {name: field_value(name, data["fields"].get(name)) for name in FIELDS}
    return Filing(
        year=info.budget_year.year,
        taxonomy=info.spec,
        fields=fields,
        indicators=[
            IndicatorRow(
                key=f"ind-{i}",
                level2_id=level2_ids[i],
                name=row["name"],
                target_raw=row["target_raw"],
                remark=row["remark"],
                sub_project=row["sub_project"],
            )
            for i, row in enumerate(data["indicators"])
        ],
        lines=[
            LineRow(
                key=f"line-{i}",
                item_name=row["item_name"],
                content=row["content"],
                detail=row["detail"],
                amount=money_or_none(row["amount"]),
                unit_price=money_or_none(row["unit_price"]),
                quantity=money_or_none(row["quantity"]),
                sub_project=row["sub_project"],
            )
            for i, row in enumerate(data["lines"])
        ],
        docs=[
            DocRow(
                key=f"doc-{i}",
                category=row["category"],
                title=row["title"],
                measures=row["measures"],
                stages=tuple(row["stages"]),
                sub_project=row["sub_project"],
            )
            for i, row in enumerate(data["docs"])
        ],
    )


_ROW_PREFIX = {"ind": "indicators", "line": "lines", "doc": "docs"}


def _locate(finding: dict, p: ParsedProject) -> dict:
    """Add the sheet and row of the workbook a finding points at."""
    anchor = finding["anchor"]
    sheet = p.sheets.get(
        {Sheet.OVERVIEW: "overview", Sheet.GOALS: "goals", Sheet.GUARANTEES: "guarantees"}[
            Sheet(finding["sheet"])
        ]
    )
    row, cell = None, ""
    head, _, rest = anchor.partition("-")
    if head in _ROW_PREFIX and rest[:1].isdigit():
        index = int(rest.split("-")[0])
        rows = {"indicators": p.indicators, "lines": p.lines, "docs": p.docs}[_ROW_PREFIX[head]]
        if index < len(rows):
            row = rows[index]["row"]
            field = rest.split("-", 1)[1] if "-" in rest else ""
            key = {"target_raw": "target", "level2": "level2", "name": "name"}.get(field, field)
            cell = rows[index].get("cells", {}).get(key, "")
    elif anchor == "lines-total" and p.total_row:
        row = p.total_row
        cell = p.cells.get("declared_total", [None, None, ""])[2]
    elif anchor in p.cells:
        _sheet, row, cell = p.cells[anchor]
    finding["location"] = (
        f"“{sheet}”表" + (f" · 第 {row} 行" if row else "") + (f"（{cell}）" if cell else "")
    )
    return finding


# --- what changes ----------------------------------------------------------------------


def _show(name: str, value) -> str:
    if value in (None, ""):
        return "（空）"
    if name in MONEY_FIELDS:
        return fmt_money(Decimal(value))
    if name == "category":
        return dict(Project.Category.choices).get(value, value)
    if name == "total_source":
        return dict(Project.TotalSource.choices).get(value, value)
    return str(value)


def row_summary(table: str, row: dict) -> str:
    tag = f"【{row['sub_project']}】" if row.get("sub_project") else ""
    if table == "indicators":
        return f"{row['level1']} · {row['level2']} · {tag}{row['name']}：{row['target_raw']}"
    if table == "lines":
        amount = fmt_money(money_or_none(row["amount"])) or "（空）"
        qty = fmt_number(money_or_none(row["quantity"]))
        return f"{row['item_name']} · {tag}{row['content']} · {row['detail']}：{amount}" + (
            f"（数量 {qty}）" if qty else ""
        )
    labels = {"project": "项目管理制度", "budget": "预算管理制度", "finance": "财务管理制度"}
    stages = "".join("☑" if s else "☐" for s in row["stages"])
    return f"{labels.get(row['category'], row['category'])} · {tag}{row['title']} {stages}"


ROW_LABELS = {
    "indicators": {
        "level1": "一级目标",
        "level2": "二级目标",
        "name": "三级目标",
        "target_raw": "目标值",
        "remark": "备注",
        "sub_project": "子项目",
    },
    "lines": {
        "item_name": "项目名称",
        "content": "项目内容",
        "detail": "项目明细",
        "amount": "明细金额",
        "unit_price": "单价",
        "price_basis": "单价依据",
        "quantity": "数量",
        "quantity_basis": "数量依据",
        "remark": "备注",
        "sub_project": "子项目",
    },
    "docs": {
        "category": "制度保障",
        "title": "文件名称",
        "measures": "具体措施",
        "stages": "保障阶段",
        "sub_project": "子项目",
    },
}
DOC_CATEGORY_LABELS = {
    "project": "项目管理制度",
    "budget": "预算管理制度",
    "finance": "财务管理制度",
}


def _show_cell(key: str, value) -> str:
    if value in (None, ""):
        return "（空）"
    if key in ("amount", "unit_price"):
        return fmt_money(Decimal(value))
    if key == "quantity":
        return fmt_number(Decimal(value))
    if key == "stages":
        return "".join("☑" if s else "☐" for s in value)
    if key == "category":
        return DOC_CATEGORY_LABELS.get(value, value)
    return str(value)


def row_cell_changes(table: str, old: dict, new: dict) -> list[str]:
    """Each column of a row that differs, as "label: old → new" (the summaries leave
    some columns out, and an edit there would read as no change)."""
    return [
        f"{label}：{_show_cell(key, old.get(key))} → {_show_cell(key, new.get(key))}"
        for key, label in ROW_LABELS[table].items()
        if old.get(key) != new.get(key)
    ]


def _diff(old: dict, new: dict) -> tuple[list[dict], list[dict]]:
    changes = [
        {
            "field": name,
            "label": LABELS.get(name, name),
            "old": _show(name, old["fields"][name]),
            "new": _show(name, new["fields"][name]),
        }
        for name in FIELDS
        if old["fields"].get(name) != new["fields"].get(name)
    ]
    row_changes = []
    for table, (label, _keys) in TABLES.items():
        before, after = old[table], new[table]
        if before == after:
            continue
        changed = [i for i in range(min(len(before), len(after))) if before[i] != after[i]]
        row_changes.append(
            {
                "table": table,
                "label": label,
                "old": len(before),
                "new": len(after),
                "changed": len(changed),
                "added": max(0, len(after) - len(before)),
                "removed": max(0, len(before) - len(after)),
                "rows": [
                    {
                        "position": i + 1,
                        "old": row_summary(table, before[i]),
                        "new": row_summary(table, after[i]),
                        "cells": row_cell_changes(table, before[i], after[i]),
                    }
                    for i in changed[:20]
                ],
            }
        )
    return changes, row_changes


def plan_counts(plan: dict) -> dict:
    projects = plan["projects"]
    return {
        "create": sum(1 for p in projects if p["action"] == CREATE),
        "update": sum(1 for p in projects if p["action"] == UPDATE),
        "unchanged": sum(1 for p in projects if p["action"] == UNCHANGED),
        "blocked": sum(1 for p in projects if p["blocked"]),
        "issues": sum(1 for p in projects for i in p["issues"] if i["severity"] == ERROR)
        + sum(1 for i in plan["issues"] if i["severity"] == ERROR),
        "finding_errors": sum(p["finding_errors"] for p in projects),
        "finding_warnings": sum(p["finding_warnings"] for p in projects),
    }


def plan_is_blocked(plan: dict) -> bool:
    return any(p["blocked"] for p in plan["projects"]) or any(
        i["severity"] == ERROR for i in plan["issues"]
    )
