"""运行监控: rounds opened by finance, a report per approved project, its light.

Writes lock their row and re-check the rule as the row is now, like the self-evaluation;
the light, 执行率 and error count are stored on every save for lists and overviews."""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.performance import reports
from apps.performance.lights import Rules, assess
from apps.performance.models import (
    MonitoringEvent,
    MonitoringReport,
    MonitoringRound,
    MonitoringRow,
)
from apps.performance.reports import UNIT, ReportRefused, stands_as
from apps.performance.tree import approved_version, evaluation_tree
from apps.projects.models import Project
from apps.projects.permissions import visible_projects
from apps.sheets.values import from_json

ROW_KEYS = ("progress", "forecast", "reason", "measures")
RATE_MAX = Decimal("9999999.99")


# --- Who ----------------------------------------------------------------------------------


def can_open_round(user: User) -> tuple[bool, str]:
    if user.is_authenticated and user.role == User.Role.FINANCE_REVIEWER:
        return True, ""
    return False, "只有财政审核人可以开启运行监控。"


def visible_reports(user: User):
    return MonitoringReport.objects.filter(project__in=visible_projects(user))


def get_report_for_user(user: User, pk: int) -> MonitoringReport:
    """The report, or 404 outside the user's scope."""
    return get_object_or_404(
        visible_reports(user).select_related(
            "project__unit", "project__budget_year", "round", "version"
        ),
        pk=pk,
    )


def can_start(user: User, round_: MonitoringRound, project: Project, version) -> tuple[bool, str]:
    if UNIT not in stands_as(user, project.unit_id):
        return False, "只有本单位的填报人或单位负责人可以填报运行监控。"
    if project.budget_year_id != round_.budget_year_id:
        return False, "项目不属于本监控批次的年度。"
    if version is None:
        return False, "项目尚未批复，批复后才能填报运行监控。"
    if MonitoringReport.objects.filter(round=round_, project_id=project.pk).exists():
        return False, "本项目已填报本期运行监控。"
    return True, ""


# --- Computing ----------------------------------------------------------------------------


def current_budget(version) -> object:
    return from_json("money", (version.data or {}).get("fields", {}).get("current_budget"))


def monitoring_assess(report: MonitoringReport, tree, executed, reported: dict[int, dict]):
    rows = [(n, e.name, f"m{e.id}", reported.get(e.id, {})) for n, e in enumerate(tree, start=1)]
    return assess(report.budget, executed, rows, Rules.of(report.round))


def stored_rows(report: MonitoringReport) -> dict[int, dict]:
    return {r.indicator_id: {k: getattr(r, k) for k in ROW_KEYS} for r in report.rows.all()}


def _store(report: MonitoringReport, tree, reported) -> None:
    result = monitoring_assess(report, tree, report.executed, reported)
    # Decimal(9, 2): an absurd rate (a typo of 预算执行数) is stored at the column's ceiling.
    report.execution_rate = None if result.rate is None else min(result.rate, RATE_MAX)
    report.light = result.light
    report.error_count = sum(1 for f in result.findings if f.is_error)
    report.save(update_fields=["execution_rate", "light", "error_count", "updated_at"])


# --- Writes -------------------------------------------------------------------------------


@transaction.atomic
def monitoring_round_open(*, actor: User, **fields) -> MonitoringRound:
    """Open a round (the form has validated the fields; the database checks the rest)."""
    allowed, reason = can_open_round(actor)
    if not allowed:
        raise ReportRefused(reason)
    try:
        with transaction.atomic():
            return MonitoringRound.objects.create(opened_by=actor, **fields)
    except IntegrityError as exc:  # the same period opened in between (a double click)
        raise ReportRefused("该年度已有同名的监控期间（可能刚由他人开启），请刷新后核对。") from exc


@transaction.atomic
def monitoring_start(*, round_: MonitoringRound, project: Project, actor: User) -> MonitoringReport:
    project = Project.objects.select_for_update().get(pk=project.pk)
    version = approved_version(project)
    allowed, reason = can_start(actor, round_, project, version)
    if not allowed:
        raise ReportRefused(reason)
    report = MonitoringReport.objects.create(
        round=round_,
        project=project,
        version=version,
        budget=current_budget(version),
        created_by=actor,
    )
    tree = evaluation_tree(version)
    MonitoringRow.objects.bulk_create(MonitoringRow(report=report, indicator_id=e.id) for e in tree)
    _store(report, tree, {})
    return report


def _lock(report: MonitoringReport) -> MonitoringReport:
    return (
        MonitoringReport.objects.select_for_update(of=("self",))
        .select_related("project__unit", "round", "version")
        .get(pk=report.pk)
    )


def _typed(reported: dict[int, dict], indicator_id: int) -> dict:
    return {key: reported.get(indicator_id, {}).get(key, "") for key in ROW_KEYS}


@transaction.atomic
def monitoring_save(
    *,
    report: MonitoringReport,
    actor: User,
    executed,
    reported: dict[int, dict],
    revision: int | None = None,
) -> MonitoringReport:
    report = _lock(report)
    allowed, reason = reports.can_edit(actor, report)
    if not allowed:
        raise ReportRefused(reason)
    tree = evaluation_tree(report.version)
    stale = revision is not None and revision != report.revision
    if stale and report.executed == executed:
        stored = stored_rows(report)
        if all(stored.get(e.id) == _typed(reported, e.id) for e in tree):
            return report  # already stored as sent (a double click on 保存): nothing to do
    reports.check_revision(report, revision)
    report.executed = executed
    report.revision += 1
    report.save(update_fields=["executed", "revision", "updated_at"])
    rows = {r.indicator_id: r for r in report.rows.all()}
    for entry in tree:
        row = rows.get(entry.id) or MonitoringRow.objects.create(
            report=report, indicator_id=entry.id
        )
        rows[entry.id] = row
        for key, value in _typed(reported, entry.id).items():
            setattr(row, key, value)
    MonitoringRow.objects.bulk_update(list(rows.values()), list(ROW_KEYS))
    _store(report, tree, reported)
    return report


@transaction.atomic
def monitoring_act(
    *, report: MonitoringReport, actor: User, action: str, reason: str = "", seen=None
):
    reason = (reason or "").strip()
    if action == "return" and not reason:
        raise ReportRefused("退回必须填写理由。")
    report = _lock(report)
    allowed, refusal = reports.can(action, actor, report)
    if not allowed:
        raise ReportRefused(refusal)
    reports.check_seen(report, seen)
    if action == "submit":
        result = monitoring_assess(
            report, evaluation_tree(report.version), report.executed, stored_rows(report)
        )
        errors = [f for f in result.findings if f.is_error]
        if errors:
            raise ReportRefused(f"监控表还有 {len(errors)} 处错误，改正后才能提交。", errors)
    return reports.transition(
        report,
        actor=actor,
        action=action,
        reason=reason,
        event_model=MonitoringEvent,
        what=f"{report.round.label}运行监控",
        fk="report",
    )
