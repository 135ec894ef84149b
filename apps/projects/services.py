"""Writes to projects and their sheets. Each validates, then saves, inside a transaction."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from apps.budgets.models import BudgetYear
from apps.checks.findings import Finding
from apps.checks.rules import check_filing, count
from apps.checks.snapshot import filing_from_project
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Level2
from apps.library.selectors import applies, mandated_row, mandated_specs
from apps.projects.history import history_baseline, history_record, project_for_snapshot
from apps.projects.models import EDITABLE_STATUSES, Project, SubProject
from apps.projects.rows import rows_sync
from apps.projects.selectors import project_for_checks
from apps.projects.sheets import PAGE_TABLES, formset_rows
from apps.sheets import schema
from apps.sheets.limits import rows_check
from apps.sheets.snapshot import project_snapshot
from apps.units.models import Unit


class WriteRefused(Exception):
    """The sheet cannot be written now; ``str(exc)`` says why, in Chinese."""


class StaleRevision(WriteRefused):
    """Someone saved the project after the page being saved was opened."""

    def __init__(self, current: int):
        super().__init__("在您打开本页之后，项目已被修改。")
        self.current = current


def project_lock_for_write(*, project: Project, expected_revision: int | None) -> None:
    """Lock the project row for this transaction and check the write may happen: the state
    still allows edits, and nobody saved since the page was read (``expected_revision``)."""
    locked = Project.objects.select_for_update().only("status", "revision").get(pk=project.pk)
    if locked.status not in EDITABLE_STATUSES:
        raise WriteRefused(f"项目状态为“{locked.get_status_display()}”，不能修改。")
    if expected_revision is not None and locked.revision != expected_revision:
        raise StaleRevision(locked.revision)
    history_baseline(project=locked)


def project_refresh_findings(*, project: Project) -> list[Finding]:
    """Recompute the findings and store their counts and Σ 明细金额 (金额合计), which the
    lists read; written only when they change. Every write to a project's sheets ends here
    (sheet saves, imports, the demo loader, reviews)."""
    filing = filing_from_project(project_for_checks(project))
    findings = check_filing(filing)
    errors, warnings = count(findings)
    stored = {"error_count": errors, "warning_count": warnings, "lines_total": filing.lines_total}
    if any(getattr(project, name) != value for name, value in stored.items()):
        Project.objects.filter(pk=project.pk).update(**stored)
    for name, value in stored.items():
        setattr(project, name, value)
    return findings


@transaction.atomic
def project_create(
    *, unit: Unit, budget_year: BudgetYear, name: str, category: str = "", actor=None
) -> Project:
    """A new, empty project, with the 固化指标 that apply to it already in its tree."""
    project = Project.objects.create(
        unit=unit, budget_year=budget_year, name=name.strip(), category=category
    )
    mandated_rows_add(project)
    project_refresh_findings(project=project)
    history_record(project=project, actor=actor, source="新建")
    return project


def mandated_rows_add(project: Project) -> int:
    """Add the 固化指标 that apply to ``project`` and that it lacks (inside the caller's
    transaction); returns how many rows were added."""
    version = project.budget_year.form_version
    specs = [
        s
        for s in mandated_specs(budget_year_id=project.budget_year_id, unit_id=project.unit_id)
        if applies(s, project.category)
    ]
    present = {(i.level2_id, i.name.strip()) for i in project.indicators.all()}
    missing = [s for s in specs if (s.level2_id, s.name) not in present]
    if not missing:
        return 0
    rows = project_snapshot(project_for_snapshot(project.pk))["indicators"]
    rows += [mandated_row(spec, version) for spec in missing]
    rows_sync(project=project, table=schema.INDICATORS, rows=rows, subs={})
    return len(missing)


@transaction.atomic
def project_mandated_apply(*, project: Project, actor) -> int:
    """Add the 固化指标 the project lacks (after its 项目类别 was chosen, or set later).
    Returns how many rows were added."""
    project_lock_for_write(project=project, expected_revision=None)
    added = mandated_rows_add(project)
    if added:
        _saved(project, actor)
    return added


def _save_rows(key: str, formset, project: Project) -> None:
    """Save one sheet table through the row writer: new, edited, moved and deleted rows."""
    table = PAGE_TABLES[key]
    subs = {sp.name: sp for sp in project.sub_projects.all()}
    saved = rows_sync(project=project, table=table, rows=formset_rows(table, formset), subs=subs)
    # The page's forms learn the ids of the rows they created (an autosave answers them).
    for form, row in zip(formset.rows_in_order(), saved, strict=True):
        form.instance.pk = row.pk


def _save_project_form(form, extra=()) -> None:
    # Only the form's own columns: the page's copy of the project may carry a status or
    # revision older than the locked row, and those must not be written back.
    form.instance.save(update_fields=[*form._meta.fields, *extra, "updated_at"])


def _saved(project: Project, actor) -> list[Finding]:
    findings = project_refresh_findings(project=project)
    history_record(project=project, actor=actor, source="填报")
    return findings


@transaction.atomic
def sheet_overview_save(
    *, project: Project, form, actor=None, expected_revision: int | None = None
) -> list[Finding]:
    """Sheet 1. ``form`` is a valid OverviewForm bound to ``project``."""
    project_lock_for_write(project=project, expected_revision=expected_revision)
    if form.has_changed():
        _save_project_form(form)
    return _saved(project, actor)


@transaction.atomic
def sheet_goals_save(
    *,
    project: Project,
    form,
    indicators,
    lines,
    actor=None,
    expected_revision: int | None = None,
) -> list[Finding]:
    """Sheet 2: 项目构成, the indicator tree and 项目构成分解, all or nothing."""
    project_lock_for_write(project=project, expected_revision=expected_revision)
    if form.has_changed():
        project = form.save(commit=False)
        if form.cleaned_data.get("use_computed_total"):
            project.total_source = Project.TotalSource.COMPUTED
            project.declared_total = None
        _save_project_form(form, extra=("total_source", "declared_total"))
    _save_rows("indicators", indicators, project)
    _save_rows("lines", lines, project)
    return _saved(project, actor)


@transaction.atomic
def sheet_guarantees_save(
    *, project: Project, docs, actor=None, expected_revision: int | None = None
) -> list[Finding]:
    project_lock_for_write(project=project, expected_revision=expected_revision)
    _save_rows("docs", docs, project)
    return _saved(project, actor)


@transaction.atomic
def sub_projects_save(
    *, project: Project, formset, actor=None, expected_revision: int | None = None
) -> None:
    """Save the sub-projects; names may be swapped or reused in one go."""
    project_lock_for_write(project=project, expected_revision=expected_revision)
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    kept = formset.rows_in_order()
    renamed = [f.instance.pk for f in kept if f.instance.pk and "name" in f.changed_data]
    # Free the old names first, so that A↔B or a new row taking a removed row's name
    # does not trip the one-name-per-project constraint halfway through.
    for pk in renamed:
        SubProject.objects.filter(pk=pk).update(name=f"#renaming-{pk}")
    for position, form in enumerate(kept):
        if form.instance.pk and not form.has_changed() and form.instance.order == position:
            continue
        sub = form.save(commit=False)
        sub.project = project
        sub.order = position
        sub.save()
    _saved(project, actor)


# --- Demo / seed data: the JSON transcriptions in fixtures/demo/projects/ ----------------

CATEGORY_BY_LABEL = {label: value for value, label in RuleDocument.Category.choices}


def _amount(value) -> str | None:
    if value in (None, ""):
        return None
    return f"{Decimal(str(value).replace(',', '')):.2f}"


def demo_rows(data: dict, level2s: dict) -> dict[str, list[dict]]:
    """A transcription's rows, snapshot-shaped for the row writer (declared columns only)."""
    indicators = []
    for row in data["indicators"]:
        level2 = level2s.get((row["level1"], row["level2"]))
        out = {
            "id": None,
            "level2": level2.id if level2 else None,
            "level1_name": row["level1"],
            "level2_name": row["level2"],
            "sub_project": row.get("sub_project", ""),
        }
        for column in schema.INDICATORS.columns:
            if column.kind not in ("level", "sub"):
                out[column.name] = row.get(
                    column.name, row.get("target") if column.name == "target_raw" else None
                )
        if out.get("weight") is not None:
            out["weight"] = _amount(out["weight"])
        indicators.append(out)
    lines = [
        {
            "id": None,
            **{
                c.name: (
                    _amount(row.get(c.name))
                    if c.kind in ("money", "number")
                    else row.get(c.name) or ""
                )
                for c in schema.LINES.columns
            },
        }
        for row in data["budget_lines"]
    ]
    docs = [
        {
            "id": None,
            "category": CATEGORY_BY_LABEL[row["category"]],
            "title": row["title"],
            "measures": row["measures"],
            "sub_project": row.get("sub_project", ""),
            **dict(zip(schema.STAGE_COLUMNS, row["stages"], strict=True)),
        }
        for row in data["rule_documents"]
    ]
    return {"indicators": indicators, "lines": lines, "docs": docs}


@transaction.atomic
def project_create_from_data(*, data: dict) -> Project:
    """Create a project with its three sheets from a transcription of a filed form."""
    rows_check(
        indicators=len(data["indicators"]),
        lines=len(data["budget_lines"]),
        docs=len(data["rule_documents"]),
    )
    unit = Unit.objects.get(name=data["unit"])
    year = BudgetYear.objects.select_related("taxonomy").get(year=data["year"])
    level2s = {
        (l2.level1.name, l2.name): l2
        for l2 in Level2.objects.filter(level1__taxonomy=year.taxonomy).select_related("level1")
    }
    missing = [
        f"{r['level1']} · {r['level2']}"
        for r in data["indicators"]
        if (r["level1"], r["level2"]) not in level2s
    ]
    if missing:  # a transcription is ours: its levels must be in the year's taxonomy
        raise ValueError(f"{data['name']}: levels not in {year.taxonomy}: {missing}")
    declared = _amount(data.get("declared_total"))
    scalars = {**data, **data.get("funding", {})}
    values = {}
    for item in schema.fields():
        raw = scalars.get(item.name)
        if item.kind == "money":
            values[item.name] = None if raw in (None, "") else Decimal(_amount(raw))
        elif item.kind == "date":
            values[item.name] = date.fromisoformat(raw) if raw else None
        else:
            values[item.name] = raw or ""
    values["total_source"] = (
        Project.TotalSource.TYPED if declared is not None else Project.TotalSource.BLANK
    )
    values["declared_total"] = None if declared is None else Decimal(declared)
    project = Project.objects.create(unit=unit, budget_year=year, **values)
    subs = {
        name: SubProject.objects.create(project=project, name=name, order=i)
        for i, name in enumerate(data.get("sub_projects", []))
    }
    for key, rows in demo_rows(data, level2s).items():
        rows_sync(project=project, table=schema.TABLE_BY_KEY[key], rows=rows, subs=subs)
    project_refresh_findings(project=project)
    history_record(project=project, actor=None, source="载入")
    return project


def load_project_file(path: Path) -> Project:
    return project_create_from_data(data=json.loads(path.read_text(encoding="utf-8")))


# --- A level typed on a filed sheet that the year's taxonomy lacks ---------------------


def can_manage_taxonomy(user) -> bool:
    return bool(user.is_superuser or user.role == user.Role.ADMIN)


@transaction.atomic
def taxonomy_level_add(*, budget_year: BudgetYear, level1_name: str, level2_name: str, actor):
    """Add a level an imported sheet typed (and the year's taxonomy lacked) to the taxonomy,
    and give every indicator of the taxonomy's years that typed it that level. Returns the
    number of indicators placed."""
    from apps.indicators.models import Indicator, Level1

    level1_name, level2_name = level1_name.strip(), level2_name.strip()
    if not level1_name or not level2_name:
        raise WriteRefused("一级目标和二级目标都要有名称才能加入指标体系。")
    for name in (level1_name, level2_name):
        if len(name) > Level2._meta.get_field("name").max_length:
            raise WriteRefused(f"“{name[:20]}…”太长，不能作为指标体系中的名称。")
    taxonomy = budget_year.taxonomy
    level1 = Level1.objects.filter(taxonomy=taxonomy, name=level1_name).first()
    if level1 is None:
        order = max(taxonomy.level1s.values_list("order", flat=True), default=-1) + 1
        level1 = Level1.objects.create(
            taxonomy=taxonomy, name=level1_name, order=order, required=False
        )
    level2 = Level2.objects.filter(level1=level1, name=level2_name).first()
    if level2 is None:
        order = max(level1.level2s.values_list("order", flat=True), default=-1) + 1
        level2 = Level2.objects.create(level1=level1, name=level2_name, order=order)
    rows = Indicator.objects.filter(
        level2__isnull=True,
        level1_text=level1_name,
        level2_text=level2_name,
        project__budget_year__taxonomy=taxonomy,
    )
    projects = list(Project.objects.filter(pk__in=rows.values("project_id")).select_for_update())
    placed = rows.update(level2=level2, level1_text="", level2_text="")
    for project in projects:
        history_baseline(project=project)
        project_refresh_findings(project=project)
        history_record(project=project, actor=actor, source="指标体系")
    return placed
