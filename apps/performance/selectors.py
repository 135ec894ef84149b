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


def evaluation_list(user, *, status: str = ""):
    qs = visible_evaluations(user).select_related("project__unit", "project__budget_year")
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-project__budget_year__year", "project__unit__code", "project__name")
