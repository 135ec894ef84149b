"""Change history of a project's sheets: who changed what, when, old → new.

A project is pictured as a *snapshot*: plain JSON of its three sheets with every value as
it is printed (amounts grouped, dates ISO, choices by label) and every row under its
database id. Snapshots are what a submitted version freezes, what two versions are
compared by, and what each write is compared with to record its changes — so the history
does not depend on which screen or importer made the write.
"""

from dataclasses import dataclass

from django.db.models import F
from django.utils import timezone

from apps.accounts.models import User
from apps.checks.findings import Sheet
from apps.core.money import fmt_money, fmt_number
from apps.projects.models import OVERVIEW_FIELDS, Project

GOALS_FIELDS = ["composition", "total_source", "declared_total"]
INDICATOR_COLUMNS = {
    "level1": "一级目标",
    "level2": "二级目标",
    "name": "三级目标",
    "target": "目标值",
    "remark": "备注",
    "sub": "子项目",
}
LINE_COLUMNS = {
    "item_name": "项目名称",
    "content": "项目内容",
    "detail": "项目明细",
    "amount": "明细金额",
    "unit_price": "单价",
    "price_basis": "单价依据",
    "quantity": "数量",
    "quantity_basis": "数量依据",
    "remark": "备注",
    "sub": "子项目",
}
DOC_COLUMNS = {
    "category": "制度保障",
    "title": "文件名称",
    "measures": "具体措施",
    "stages": "实施阶段（立项和计划/实施/收尾和完成）",
    "sub": "子项目",
}
# table key in the snapshot → (sheet, row noun, columns, column naming the row)
TABLES = {
    "indicators": (Sheet.GOALS, "指标", INDICATOR_COLUMNS, "name"),
    "lines": (Sheet.GOALS, "明细", LINE_COLUMNS, "detail"),
    "docs": (Sheet.GUARANTEES, "制度", DOC_COLUMNS, "title"),
    "sub_projects": (Sheet.GOALS, "子项目", {"name": "子项目名称"}, "name"),
}


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def field_label(name: str) -> str:
    if name == "declared_total":
        return "金额合计（原表填写）"
    if name == "total_source":
        return "金额合计来源"
    return str(Project._meta.get_field(name).verbose_name)


def field_sheet(name: str) -> Sheet:
    return Sheet.GOALS if name in GOALS_FIELDS else Sheet.OVERVIEW


def _field_value(project: Project, name: str) -> str:
    value = getattr(project, name)
    field = Project._meta.get_field(name)
    if field.choices:
        return getattr(project, f"get_{name}_display")() if value else ""
    if field.get_internal_type() == "DecimalField":
        return fmt_money(value)
    return _text(value)


def project_snapshot(project: Project) -> dict:
    """The three sheets of ``project`` as plain JSON (rows loaded fresh from the database)."""
    subs = {sp.id: sp.name for sp in project.sub_projects.all()}
    marks = {True: "☑", False: "☐"}
    return {
        "fields": {name: _field_value(project, name) for name in [*OVERVIEW_FIELDS, *GOALS_FIELDS]},
        "sub_projects": [{"id": i, "name": n} for i, n in subs.items()],
        "indicators": [
            {
                "id": ind.id,
                "l2": ind.level2_id,
                "level1": ind.level2.level1.name,
                "level2": ind.level2.name,
                "name": ind.name,
                "target": ind.target_raw,
                "remark": ind.remark,
                "sub": subs.get(ind.sub_project_id, ""),
            }
            for ind in project.indicators.select_related("level2__level1")
        ],
        "lines": [
            {
                "id": ln.id,
                "item_name": ln.item_name,
                "content": ln.content,
                "detail": ln.detail,
                "amount": fmt_money(ln.amount),
                "unit_price": fmt_money(ln.unit_price),
                "price_basis": ln.price_basis,
                "quantity": fmt_number(ln.quantity),
                "quantity_basis": ln.quantity_basis,
                "remark": ln.remark,
                "sub": subs.get(ln.sub_project_id, ""),
            }
            for ln in project.budget_lines.all()
        ],
        "docs": [
            {
                "id": doc.id,
                "category": doc.get_category_display(),
                "title": doc.title,
                "measures": doc.measures,
                "stages": "".join(
                    marks[v]
                    for v in (doc.stage_planning, doc.stage_implementation, doc.stage_closing)
                ),
                "sub": subs.get(doc.sub_project_id, ""),
            }
            for doc in project.rule_documents.all()
        ],
    }


@dataclass(frozen=True)
class Difference:
    sheet: str
    key: str  # "f.name", "indicators.12.target", "lines.7" (whole row added/removed)
    label: str
    old: str
    new: str


def row_summary(row: dict, columns: dict) -> str:
    return " / ".join(f"{label}：{row[c]}" for c, label in columns.items() if row.get(c))


def row_label(table: str, row: dict, position: int) -> str:
    _, noun, _, name_col = TABLES[table]
    name = row.get(name_col) or row.get("content") or row.get("item_name") or ""
    return f"第 {position} 行{noun}" + (f"「{name}」" if name else "")


def snapshot_diff(old: dict, new: dict) -> list[Difference]:
    """What differs between two snapshots, sheet by sheet in printed order."""
    diffs: list[Difference] = []
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    for name in new_fields.keys() | old_fields.keys():
        before, after = old_fields.get(name, ""), new_fields.get(name, "")
        if before != after:
            diffs.append(
                Difference(field_sheet(name), f"f.{name}", field_label(name), before, after)
            )
    for table, (sheet, _, columns, _) in TABLES.items():
        old_rows = {r["id"]: r for r in old.get(table, [])}
        new_rows = {r["id"]: (i, r) for i, r in enumerate(new.get(table, []), start=1)}
        for row_id, (position, row) in new_rows.items():
            label = row_label(table, row, position)
            before = old_rows.get(row_id)
            if before is None:
                diffs.append(
                    Difference(
                        sheet, f"{table}.{row_id}", f"新增{label}", "", row_summary(row, columns)
                    )
                )
                continue
            same_level = "l2" in row and before.get("l2") == row["l2"]
            for column, column_label in columns.items():
                if same_level and column in ("level1", "level2"):
                    continue  # a level renamed by an administrator is not this row's change
                if before.get(column, "") != row.get(column, ""):
                    diffs.append(
                        Difference(
                            sheet,
                            f"{table}.{row_id}.{column}",
                            f"{label} · {column_label}",
                            before.get(column, ""),
                            row.get(column, ""),
                        )
                    )
        kept_before = [i for i in old_rows if i in new_rows]
        kept_after = [i for i in new_rows if i in old_rows]
        if kept_before != kept_after:  # rows moved: the printed order is part of the sheet
            noun, name_col = TABLES[table][1], TABLES[table][3]

            def order_text(ids, rows, name_col=name_col):
                return " / ".join(str(rows[i].get(name_col) or f"#{i}") for i in ids)

            diffs.append(
                Difference(
                    sheet,
                    f"{table}.order",
                    f"{noun}顺序",
                    order_text(kept_before, old_rows),
                    order_text(kept_after, {i: r for i, (_, r) in new_rows.items()}),
                )
            )
        for position, (row_id, row) in enumerate(old_rows.items(), start=1):
            if row_id not in new_rows:
                label = row_label(table, row, position)
                diffs.append(
                    Difference(
                        sheet, f"{table}.{row_id}", f"删除{label}", row_summary(row, columns), ""
                    )
                )
    order = {Sheet.OVERVIEW: 0, Sheet.GOALS: 1, Sheet.GUARANTEES: 2}
    field_order = {f"f.{n}": i for i, n in enumerate([*OVERVIEW_FIELDS, *GOALS_FIELDS])}
    return sorted(diffs, key=lambda d: (order[d.sheet], field_order.get(d.key, 999)))


def history_baseline(*, project: Project) -> None:
    """Make sure the project has a recorded state before a write changes it (projects
    created before the history existed), so that the write's changes are recorded."""
    from apps.reviews.models import ProjectState

    if not ProjectState.objects.filter(project_id=project.pk).exists():
        fresh = Project.objects.get(pk=project.pk)
        ProjectState.objects.create(project=fresh, data=project_snapshot(fresh))


def history_record(*, project: Project, actor: User | None, source: str = "") -> int:
    """Record every change since the last recorded state of ``project``.

    Call it inside the transaction of any write to a project's sheets (sheet saves,
    sub-projects, imports), after the write. It compares the project as it now is in the
    database with the state recorded last time and stores one change row per field or row
    value that differs; a project's first record is its baseline. When something changed,
    the project's revision goes up by one (the token that refuses stale saves). ``source``
    says where the write came from (e.g. "导入"). Returns the number of changes recorded.
    """
    from apps.reviews.models import Change, ProjectState

    fresh = Project.objects.get(pk=project.pk)
    snapshot = project_snapshot(fresh)
    state = ProjectState.objects.filter(project=fresh).first()
    if state is None:
        ProjectState.objects.create(project=fresh, data=snapshot)
        return 0
    diffs = snapshot_diff(state.data, snapshot)
    if not diffs:
        return 0
    revision = fresh.revision + 1
    Project.objects.filter(pk=fresh.pk).update(revision=F("revision") + 1)
    project.revision = revision
    now = timezone.now()
    Change.objects.bulk_create(
        Change(
            project=fresh,
            actor=actor,
            revision=revision,
            source=source,
            sheet=d.sheet,
            key=d.key[:60],
            label=d.label[:300],
            old=d.old,
            new=d.new,
            created_at=now,
        )
        for d in diffs
    )
    state.data = snapshot
    state.save(update_fields=["data"])
    return len(diffs)
