"""Writes to projects and their sheets. Each validates, then saves, inside a transaction."""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.checks.findings import Finding
from apps.checks.rules import count
from apps.core.limits import rows_check
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator, Level2
from apps.indicators.services import indicator_apply_target
from apps.projects.models import (
    EDITABLE_STATUSES,
    FUNDING_FIELDS,
    LONG_TEXT_FIELDS,
    SHORT_TEXT_FIELDS,
    Project,
    SubProject,
)
from apps.projects.selectors import project_findings
from apps.reviews.history import history_baseline, history_record
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
    """Recompute the findings and store their counts (written only when they change)."""
    findings = project_findings(project)
    errors, warnings = count(findings)
    if (project.error_count, project.warning_count) != (errors, warnings):
        Project.objects.filter(pk=project.pk).update(error_count=errors, warning_count=warnings)
        project.error_count, project.warning_count = errors, warnings
    return findings


@transaction.atomic
def project_create(*, unit: Unit, budget_year: BudgetYear, name: str, actor=None) -> Project:
    project = Project.objects.create(unit=unit, budget_year=budget_year, name=name.strip())
    project_refresh_findings(project=project)
    history_record(project=project, actor=actor, source="新建")
    return project


def _save_rows(formset, project: Project) -> None:
    """Save what changed in one sheet table: new, edited, moved and deleted rows only."""
    for form in formset.deleted_forms:
        if form.instance.pk:
            form.instance.delete()
    for position, form in enumerate(formset.rows_in_order()):
        if form.instance.pk and not form.has_changed() and form.instance.order == position:
            continue
        row = form.save(commit=False)
        row.project = project
        row.order = position
        if isinstance(row, Indicator):
            indicator_apply_target(indicator=row)
        row.save()


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
    _save_rows(indicators, project)
    _save_rows(lines, project)
    return _saved(project, actor)


@transaction.atomic
def sheet_guarantees_save(
    *, project: Project, docs, actor=None, expected_revision: int | None = None
) -> list[Finding]:
    project_lock_for_write(project=project, expected_revision=expected_revision)
    _save_rows(docs, project)
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

STAGES = ("stage_planning", "stage_implementation", "stage_closing")
CATEGORY_BY_LABEL = {label: value for value, label in RuleDocument.Category.choices}


def _amount(value) -> Decimal | None:
    if value in (None, ""):
        return None
    return Decimal(str(value).replace(",", ""))


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
    declared = _amount(data.get("declared_total"))
    project = Project.objects.create(
        unit=unit,
        budget_year=year,
        **{k: data.get(k) or "" for k in (*SHORT_TEXT_FIELDS, *LONG_TEXT_FIELDS, "composition")},
        start_date=date.fromisoformat(data["start_date"]) if data.get("start_date") else None,
        end_date=date.fromisoformat(data["end_date"]) if data.get("end_date") else None,
        **{k: _amount(data["funding"].get(k)) for k in FUNDING_FIELDS},
        total_source=Project.TotalSource.TYPED
        if declared is not None
        else Project.TotalSource.BLANK,
        declared_total=declared,
    )
    subs = {
        name: SubProject.objects.create(project=project, name=name, order=i)
        for i, name in enumerate(data.get("sub_projects", []))
    }
    Indicator.objects.bulk_create(
        [
            indicator_apply_target(
                indicator=Indicator(
                    project=project,
                    level2=level2s[(row["level1"], row["level2"])],
                    name=row["name"],
                    target_raw=row["target"],
                    remark=row.get("remark", ""),
                    order=i,
                    sub_project=subs.get(row.get("sub_project")),
                )
            )
            for i, row in enumerate(data["indicators"])
        ]
    )
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                project=project,
                order=i,
                sub_project=subs.get(row.get("sub_project")),
                **{
                    k: row.get(k) or ""
                    for k in (
                        "item_name",
                        "content",
                        "detail",
                        "price_basis",
                        "quantity_basis",
                        "remark",
                    )
                },
                amount=_amount(row.get("amount")),
                unit_price=_amount(row.get("unit_price")),
                quantity=_amount(row.get("quantity")),
            )
            for i, row in enumerate(data["budget_lines"])
        ]
    )
    RuleDocument.objects.bulk_create(
        [
            RuleDocument(
                project=project,
                order=i,
                category=CATEGORY_BY_LABEL[row["category"]],
                title=row["title"],
                measures=row["measures"],
                sub_project=subs.get(row.get("sub_project")),
                **dict(zip(STAGES, row["stages"], strict=True)),
            )
            for i, row in enumerate(data["rule_documents"])
        ]
    )
    project_refresh_findings(project=project)
    history_record(project=project, actor=None, source="载入")
    return project


def load_project_file(path: Path) -> Project:
    return project_create_from_data(data=json.loads(path.read_text(encoding="utf-8")))
