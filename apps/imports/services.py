"""Writes of the Excel import: read an upload into a batch (nothing else is written),
then commit the batch's plan in one transaction, or drop it."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.guarantees.models import RuleDocument
from apps.imports.files import FileRefused, check_package, open_workbook
from apps.imports.models import ImportBatch
from apps.imports.parser import LAYOUT_EXPORT, parse_workbook
from apps.imports.permissions import can_import, may_import_other_units
from apps.imports.plan import (
    CREATE,
    FIELDS,
    UNCHANGED,
    UPDATE,
    build_plan,
    field_value,
    fingerprint,
    money_or_none,
    plan_is_blocked,
    projects_for_plan,
    snapshot,
)
from apps.indicators.models import Indicator, Level2
from apps.indicators.services import indicator_apply_target
from apps.projects.models import Project, SubProject
from apps.projects.permissions import can_edit
from apps.projects.services import project_refresh_findings
from apps.reviews.history import history_baseline, history_record
from apps.units.models import Unit

HISTORY_SOURCE = "导入"


class ImportNotAllowed(Exception):
    """The batch cannot be committed (any more); ``messages`` say why, in Chinese."""

    def __init__(self, messages: list[str]):
        super().__init__("; ".join(messages))
        self.messages = messages


def import_batch_create(
    *,
    user: User,
    unit: Unit,
    filename: str,
    data: bytes,
    budget_year: BudgetYear | None = None,
) -> ImportBatch:
    """Check and read the workbook, and store its plan for the preview.

    Raises FileRefused (nothing written) for a file that cannot be imported at all; a
    readable file with errors in its cells gets a batch the preview shows, which cannot
    be committed."""
    allowed, reason = can_import(user, unit)
    if not allowed:
        raise FileRefused(reason)
    check_package(data, filename)
    parsed = parse_workbook(open_workbook(data))
    code = parsed.meta.get("unit_code")
    if parsed.layout == LAYOUT_EXPORT and code != unit.code and not may_import_other_units(user):
        raise FileRefused(
            f"这个工作簿是单位“{parsed.meta.get('unit_name')}”（编码 {code}）的项目，"
            f"只能导入本单位“{unit.name}”的项目。"
        )
    plan = build_plan(parsed, unit=unit, user=user, year=budget_year)
    return ImportBatch.objects.create(
        user=user,
        unit=unit,
        budget_year=budget_year,
        filename=filename[:255],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        layout=parsed.layout,
        status=ImportBatch.Status.BLOCKED if plan_is_blocked(plan) else ImportBatch.Status.PREVIEW,
        plan=plan,
    )


def import_batch_cancel(*, batch: ImportBatch) -> ImportBatch:
    if batch.status in (ImportBatch.Status.PREVIEW, ImportBatch.Status.BLOCKED):
        batch.status = ImportBatch.Status.CANCELLED
        batch.save(update_fields=["status"])
    return batch


def import_batch_commit(*, batch: ImportBatch, user: User) -> ImportBatch:
    """Write every project of the plan, all or nothing.

    The plan is checked again under row locks first: the user may still import into the
    unit, each project to update is unchanged since the preview and still editable, no
    project of a new name has appeared meanwhile. If any check fails nothing is written,
    the batch is marked stale and ImportNotAllowed says what happened."""
    try:
        with transaction.atomic():
            locked = ImportBatch.objects.select_for_update().get(pk=batch.pk, user=user)
            if locked.status != ImportBatch.Status.PREVIEW:
                raise ImportNotAllowed(
                    [f"这个导入的状态为“{locked.get_status_display()}”，不能再导入。"]
                )
            allowed, reason = can_import(user, locked.unit)
            if not allowed:
                raise ImportNotAllowed([reason])
            result = _write_plan(locked, user)
            locked.status = ImportBatch.Status.COMMITTED
            locked.result = result
            locked.committed_at = timezone.now()
            locked.save(update_fields=["status", "result", "committed_at"])
            return locked
    except ImportNotAllowed as exc:
        ImportBatch.objects.filter(pk=batch.pk, status=ImportBatch.Status.PREVIEW).update(
            status=ImportBatch.Status.STALE, error="\n".join(exc.messages)
        )
        raise


def _write_plan(batch: ImportBatch, user: User) -> dict:
    plans = batch.plan["projects"]
    years = {y.year: y for y in BudgetYear.objects.filter(year__in={p["year"] for p in plans})}
    pks = sorted(p["existing_pk"] for p in plans if p["existing_pk"])
    existing = {
        p.pk: p
        for p in projects_for_plan(
            Project.objects.filter(pk__in=pks).order_by("pk").select_for_update(of=("self",))
        )
    }
    level2_ids = {i for p in plans for i in p["level2_ids"] if i}
    problems = []
    if Level2.objects.filter(pk__in=level2_ids).count() != len(level2_ids):
        problems.append("自预览以来指标体系有改动，请重新上传文件。")
    for p in plans:
        if p["year"] not in years:
            problems.append(f"预算年度 {p['year']} 年已不存在。")
            continue
        if p["existing_pk"] is None:
            taken = Project.objects.filter(
                unit=batch.unit, budget_year=years[p["year"]], name=p["name"]
            ).exists()
            if taken:
                problems.append(f"自预览以来，本单位已有人新建了同名项目“{p['name']}”。")
            continue
        project = existing.get(p["existing_pk"])
        if project is None or project.unit_id != batch.unit.pk:
            problems.append(f"项目“{p['name']}”自预览以来已被删除或移走。")
        elif fingerprint(project) != p["fingerprint"]:
            problems.append(f"项目“{p['name']}”自预览以来已被修改。")
        elif p["action"] == UPDATE:
            allowed, reason = can_edit(user, project)
            if not allowed:
                problems.append(f"项目“{p['name']}”不能修改：{reason}")
    if problems:
        raise ImportNotAllowed([*problems, "没有写入任何内容。请重新上传文件生成新的预览。"])

    result = {"created": [], "updated": [], "unchanged": []}
    for p in plans:
        if p["action"] == UNCHANGED:
            result["unchanged"].append({"pk": p["existing_pk"], "name": p["name"]})
            continue
        if p["action"] == CREATE:
            project = _create(p, batch.unit, years[p["year"]])
        else:
            project = existing[p["existing_pk"]]
            history_baseline(project=project)  # so that this write's changes are recorded
            project = _update(p, project)
        project_refresh_findings(project=project)
        history_record(project=project, actor=user, source=HISTORY_SOURCE)
        result["created" if p["action"] == CREATE else "updated"].append(
            {"pk": project.pk, "name": project.name}
        )
    return result


def _create(p: dict, unit: Unit, budget_year: BudgetYear) -> Project:
    fields = {name: field_value(name, value) for name, value in p["data"]["fields"].items()}
    try:
        with transaction.atomic():
            project = Project.objects.create(unit=unit, budget_year=budget_year, **fields)
    except IntegrityError as exc:  # a project of that name appeared after the check above
        raise ImportNotAllowed([f"项目“{p['name']}”无法新建：本单位本年度已有同名项目。"]) from exc
    subs = {
        name: SubProject.objects.create(project=project, name=name, order=i)
        for i, name in enumerate(p["data"]["sub_projects"])
    }
    for table in ("indicators", "lines", "docs"):
        _create_rows(table, project, p, subs)
    return project


def _update(p: dict, project: Project) -> Project:
    old = snapshot(project)
    data = p["data"]
    changed = []
    for name in FIELDS:
        if old["fields"].get(name) != data["fields"].get(name):
            setattr(project, name, field_value(name, data["fields"][name]))
            changed.append(name)
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
    subs = {sp.name: sp for sp in project.sub_projects.all()}
    order = max((sp.order for sp in subs.values()), default=-1) + 1
    for name in data["sub_projects"]:
        if name not in subs:
            subs[name] = SubProject.objects.create(project=project, name=name, order=order)
            order += 1
    for table in ("indicators", "lines", "docs"):
        if old[table] != data[table]:
            _sync_rows(table, project, p, subs)
    if p.get("sub_projects_exact"):
        _sub_projects_as_listed(subs, data["sub_projects"])
    return project


def _sub_projects_as_listed(subs: dict, names: list[str]) -> None:
    """Sub-projects exactly as our export listed them, in its order. One the workbook
    lacks is deleted, and its rows lose the tag (on_delete SET_NULL), as deleting it on
    the sub-project page does."""
    gone = [sp.pk for name, sp in subs.items() if name not in names]
    if gone:
        SubProject.objects.filter(pk__in=gone).delete()
    for position, name in enumerate(names):
        if subs[name].order != position:
            SubProject.objects.filter(pk=subs[name].pk).update(order=position)


# What a row holds, and what names it: an incoming row takes over an existing row with the
# same content (only moved), else one with the same name (edited), else the row at the
# same place in the table (one of its naming cells edited), so rows keep their ids —
# review comments stay at their row and the history shows the cell that changed, not a
# deleted and a new row.
_CONTENT = {
    "indicators": ("level2_id", "name", "target_raw", "remark", "sub_project_id"),
    "lines": (
        "sub_project_id",
        "item_name",
        "content",
        "detail",
        "amount",
        "unit_price",
        "price_basis",
        "quantity",
        "quantity_basis",
        "remark",
    ),
    "docs": (
        "sub_project_id",
        "category",
        "title",
        "measures",
        "stage_planning",
        "stage_implementation",
        "stage_closing",
    ),
}
_NAME = {
    "indicators": ("level2_id", "name"),
    "lines": ("item_name", "content", "detail"),
    "docs": ("category", "title"),
}


def _pair_rows(existing: list, incoming: list, content: tuple, name: tuple) -> list:
    """For each incoming row, the existing row it takes over (or None): by content, then
    by name, then by position."""

    def values(row, fields):
        return tuple(getattr(row, f) for f in fields)

    pairs: list = [None] * len(incoming)
    free = set(range(len(existing)))
    for fields in (content, name):
        by_values: dict[tuple, list[int]] = {}
        for j in sorted(free):
            by_values.setdefault(values(existing[j], fields), []).append(j)
        for i, row in enumerate(incoming):
            candidates = by_values.get(values(row, fields)) if pairs[i] is None else None
            if candidates:
                j = candidates.pop(0)
                pairs[i] = existing[j]
                free.discard(j)
    for i in range(len(incoming)):
        if pairs[i] is None and i in free:
            pairs[i] = existing[i]
            free.discard(i)
    return pairs


def _sync_rows(table: str, project: Project, p: dict, subs: dict) -> None:
    """Make the table's rows what the workbook says, touching only what differs."""
    content = _CONTENT[table]
    existing = sorted(getattr(project, _RELATED[table]).all(), key=lambda r: (r.order, r.pk))
    incoming = _new_rows(table, project, p, subs)
    pairs = _pair_rows(existing, incoming, content, _NAME[table])
    to_create = []
    for row, match in zip(incoming, pairs, strict=True):
        if match is None:
            to_create.append(row)
            continue
        same = all(getattr(match, f) == getattr(row, f) for f in content)
        if same and match.order == row.order:
            continue
        for field in (*content, "order"):
            setattr(match, field, getattr(row, field))
        if table == "indicators":
            indicator_apply_target(indicator=match)
        match.save()
    kept = {m.pk for m in pairs if m is not None}
    gone = [r.pk for r in existing if r.pk not in kept]
    if gone:
        type(existing[0]).objects.filter(pk__in=gone).delete()
    if to_create:
        type(to_create[0]).objects.bulk_create(to_create)


_RELATED = {"indicators": "indicators", "lines": "budget_lines", "docs": "rule_documents"}


def _create_rows(table: str, project: Project, p: dict, subs: dict) -> None:
    rows = _new_rows(table, project, p, subs)
    if rows:
        type(rows[0]).objects.bulk_create(rows)


def _new_rows(table: str, project: Project, p: dict, subs: dict) -> list:
    """The table's rows as the workbook has them: unsaved model instances in order."""
    rows = p["data"][table]

    def sub(row):
        return subs.get(row["sub_project"]) if row["sub_project"] else None

    if table == "indicators":
        return [
            indicator_apply_target(
                indicator=Indicator(
                    project=project,
                    level2_id=p["level2_ids"][i],
                    name=row["name"],
                    target_raw=row["target_raw"],
                    remark=row["remark"],
                    order=i,
                    sub_project=sub(row),
                )
            )
            for i, row in enumerate(rows)
        ]
    elif table == "lines":
        return [
            BudgetLine(
                project=project,
                order=i,
                sub_project=sub(row),
                item_name=row["item_name"],
                content=row["content"],
                detail=row["detail"],
                amount=money_or_none(row["amount"]),
                unit_price=money_or_none(row["unit_price"]),
                price_basis=row["price_basis"],
                quantity=money_or_none(row["quantity"]),
                quantity_basis=row["quantity_basis"],
                remark=row["remark"],
            )
            for i, row in enumerate(rows)
        ]
    else:
        return [
            RuleDocument(
                project=project,
                order=i,
                sub_project=sub(row),
                category=row["category"],
                title=row["title"],
                measures=row["measures"],
                stage_planning=row["stages"][0],
                stage_implementation=row["stages"][1],
                stage_closing=row["stages"][2],
            )
            for i, row in enumerate(rows)
        ]
