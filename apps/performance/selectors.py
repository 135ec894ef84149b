"""Reads: evaluation lists, a project's year at a glance, last year's results by indicator."""

from dataclasses import dataclass
from decimal import Decimal

from apps.performance.models import EvaluationRow
from apps.performance.permissions import visible_evaluations
from apps.performance.reports import ReportStatus


@dataclass(frozen=True)
class IndicatorResult:
    """What a self-evaluation reported for one approved indicator."""

    indicator_id: int
    actual: str  # 实际完成值 as typed (定性: the chosen level)
    score: Decimal  # 得分
    weight: Decimal  # 分值
    year: int
    status: str  # the evaluation's state (ReportStatus value)

    @property
    def status_label(self) -> str:
        return ReportStatus(self.status).label


def results_for_indicators(indicator_ids) -> dict[int, IndicatorResult]:
    """Last year's 完成值 and 得分 per approved indicator id, in one query — for the next
    year's copy (``Indicator.copied_from`` is the approved indicator's id). Ids without a
    self-evaluation are absent. No scope here: the caller shows them beside a project the
    user may already see (its own copy)."""
    ids = [int(i) for i in indicator_ids if i is not None]
    if not ids:
        return {}
    rows = (
        EvaluationRow.objects.filter(indicator_id__in=ids)
        .select_related("evaluation__project__budget_year")
        .only(
            "indicator_id",
            "actual",
            "level",
            "score",
            "weight",
            "evaluation__status",
            "evaluation__project__budget_year__year",
        )  # fmt: skip
        .order_by("indicator_id", "-evaluation_id")
    )
    out: dict[int, IndicatorResult] = {}
    for row in rows:
        if row.indicator_id in out:
            continue
        out[row.indicator_id] = IndicatorResult(
            row.indicator_id,
            row.actual or row.level,
            row.score,
            row.weight,
            row.evaluation.project.budget_year.year,
            row.evaluation.status,
        )
    return out


def waiting_statuses(user) -> tuple[str, ...]:
    """The states in which a report waits for ``user`` (their stage of the workflow)."""
    from apps.accounts.models import User

    role = user.role
    if role == User.Role.DEPT_REVIEWER:
        return (ReportStatus.SUBMITTED,)
    if role == User.Role.FINANCE_REVIEWER:
        return (ReportStatus.DEPT_PASSED,)
    if role in (User.Role.FILLER, User.Role.UNIT_HEAD):
        return (ReportStatus.DRAFT, ReportStatus.RETURNED)
    return ()


def evaluation_list(user, *, status: str = "", waiting: bool = False):
    qs = visible_evaluations(user).select_related("project__unit", "project__budget_year")
    if status:
        qs = qs.filter(status=status)
    if waiting:
        qs = qs.filter(status__in=waiting_statuses(user))
    return qs.order_by("-project__budget_year__year", "project__unit__code", "project__name")


@dataclass
class YearLine:
    """A project's year on one line: filed → approved → monitored → self-evaluated."""

    filed_at: object  # first submission, or None
    approved_at: object  # last approved version, or None
    approved_grade: str
    evaluation: object  # SelfEvaluation or None
    can_start: tuple[bool, str]
    monitoring: object = None  # the latest MonitoringReport, or None


def year_line(project, user) -> YearLine:
    """Three queries: the project's versions (without their JSON), its evaluation and its
    latest monitoring report."""
    from apps.performance.models import MonitoringReport, SelfEvaluation
    from apps.performance.permissions import can_start

    versions = list(
        project.versions.order_by("number").only("number", "created_at", "approved_at", "grade")
    )
    approved = [v for v in versions if v.approved_at is not None]
    evaluation = SelfEvaluation.objects.filter(project=project).first()
    last = approved[-1] if approved else None
    if evaluation is not None:
        start = (False, "本项目已有绩效自评。")
    else:
        start = can_start(user, project, last) if last else (False, "项目尚未批复。")
    return YearLine(
        filed_at=versions[0].created_at if versions else None,
        approved_at=last.approved_at if last else None,
        approved_grade=last.get_grade_display() if last else "",
        evaluation=evaluation,
        can_start=start,
        monitoring=MonitoringReport.objects.filter(project=project)
        .select_related("round")
        .order_by("-round__due_on", "-id")
        .first(),
    )
