"""Writes of the Excel import: read an upload into a batch (nothing else is written),
then commit the batch's plan in one transaction, or drop it."""

import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.imports.files import FileRefused, check_package, open_workbook
from apps.imports.models import ImportBatch
from apps.imports.parser import LAYOUT_EXPORT, parse_workbook
from apps.imports.permissions import can_import, may_import_other_units
from apps.imports.plan import (
    CREATE,
    UNCHANGED,
    UPDATE,
    build_plan,
    fingerprint,
    plan_is_blocked,
    projects_for_plan,
)
from apps.indicators.models import Level2
from apps.projects.history import history_baseline, history_record
from apps.projects.models import Project, SubProject
from apps.projects.permissions import can_edit
from apps.projects.rows import rows_sync
from apps.projects.services import project_refresh_findings
from apps.sheets import schema
from apps.sheets.values import from_json
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
    if all(_unfilled(p) for p in parsed.projects):
        raise FileRefused(
            "工作簿中的申报表都没有填写（没有项目名称，也没有任何内容），可能是未填写的空白模板。"
            "请在模板中填写项目名称和三张表的内容后再导入。"
        )
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


def _unfilled(p) -> bool:
    """Nothing typed into the project's sheets (e.g. the blank template as downloaded)."""
    typed = [v for k, v in p.fields.items() if k != "category" and v not in (None, "")]
    filled = typed or p.fields.get("category") or p.indicators or p.lines or p.docs
    return not (filled or p.printed_total is not None)


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
    level2_ids = {r["level2"] for p in plans for r in p["data"]["indicators"] if r["level2"]}
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
    fields = {
        item.name: from_json(item.kind, p["data"]["fields"].get(item.name))
        for item in schema.fields()
    }
    try:
        with transaction.atomic():
            project = Project.objects.create(unit=unit, budget_year=budget_year, **fields)
    except IntegrityError as exc:  # a project of that name appeared after the check above
        raise ImportNotAllowed([f"项目“{p['name']}”无法新建：本单位本年度已有同名项目。"]) from exc
    subs = {
        row["name"]: SubProject.objects.create(project=project, name=row["name"], order=i)
        for i, row in enumerate(p["data"]["sub_projects"])
    }
    for table in schema.TABLES:
        rows_sync(project=project, table=table, rows=p["data"][table.key], subs=subs)
    return project


def _update(p: dict, project: Project) -> Project:
    """Make ``project`` what the plan says: its fields, its sub-projects, and each table
    through the row writer (rows carry the ids the preview paired them with)."""
    data = p["data"]
    changed = []
    for item in schema.fields():
        value = from_json(item.kind, data["fields"].get(item.name))
        if getattr(project, item.name) != value:
            setattr(project, item.name, value)
            changed.append(item.name)
    if changed:
        project.save(update_fields=[*changed, "updated_at"])
    subs = {sp.name: sp for sp in project.sub_projects.all()}
    listed = [row["name"] for row in data["sub_projects"]]
    order = max((sp.order for sp in subs.values()), default=-1) + 1
    for name in listed:
        if name not in subs:
            subs[name] = SubProject.objects.create(project=project, name=name, order=order)
            order += 1
    for table in schema.TABLES:
        rows_sync(project=project, table=table, rows=data[table.key], subs=subs)
    # The sub-projects exactly as listed, in order (the official template only adds, so
    # its plan lists every existing one too). One the list lacks is deleted, and its rows
    # lose the tag (on_delete SET_NULL), as deleting it on the sub-project page does.
    gone = [sp.pk for name, sp in subs.items() if name not in listed]
    if gone:
        SubProject.objects.filter(pk__in=gone).delete()
    for position, name in enumerate(listed):
        if subs[name].order != position:
            SubProject.objects.filter(pk=subs[name].pk).update(order=position)
    return project
