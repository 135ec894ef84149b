"""Helpers shared by the self-evaluation tests: an approved project, a filled evaluation."""

from django.utils import timezone

from apps.performance.services import evaluation_save, evaluation_start
from apps.projects.models import Project
from apps.reviews.models import ProjectVersion
from apps.sheets.snapshot import project_snapshot


def approve(project: Project, user) -> ProjectVersion:
    """Put ``project`` in the approved state with an approved version (the state under
    test, not how it got there: tests/reviews covers the way)."""
    version = ProjectVersion.objects.create(
        project=project,
        number=project.versions.count() + 1,
        data=project_snapshot(project),
        created_by=user,
        approved_at=timezone.now(),
        grade="A",
    )
    Project.objects.filter(pk=project.pk).update(
        status=Project.Status.APPROVED, grade="A", approved_at=version.approved_at
    )
    project.refresh_from_db()
    return version


def indicator_ids(project: Project) -> list[int]:
    """The approved indicators' ids, in filing order (the approved version's rows)."""
    version = project.versions.filter(approved_at__isnull=False).order_by("-number").first()
    return [r["id"] for r in version.data["indicators"]]


# What the unit reports for the six indicators of factories.MINHANG_ROWS, in order:
# =100%, =100%, 与计划相符 (定性), 有提升 (定性), 建立健全 (定性), ≥90%.
FULL = [
    {"actual": "100%"},
    {"actual": "100%"},
    {"level": "达成"},
    {"level": "达成"},
    {"level": "达成"},
    {"actual": "95%"},
]


def filled(project: Project, user, reports=FULL, **amounts):
    evaluation = evaluation_start(project=project, actor=user)
    reported = {
        pk: {"actual": "", "level": "", "reason": "", "measures": "", **r}
        for pk, r in zip(indicator_ids(project), reports, strict=True)
    }
    values = {
        "budget_initial": project.current_budget,
        "budget_full": project.current_budget,
        "executed": project.current_budget,
        "actual_goal": "年度目标已完成。",
        **amounts,
    }
    return evaluation_save(evaluation=evaluation, actor=user, amounts=values, reported=reported)


def form_post(evaluation, project, reports, **amounts) -> dict:
    """The page's POST for ``reports`` (per indicator in filing order)."""
    data = {
        "budget_initial": "911,000.00",
        "budget_full": "911,000.00",
        "executed": "911,000.00",
        "actual_goal": "年度目标已完成。",
        "revision": str(evaluation.revision),
        **amounts,
    }
    for pk, r in zip(indicator_ids(project), reports, strict=True):
        for key, value in r.items():
            data[f"r{pk}-{key}"] = value
    return data


def open_round(fiona, year=2020, **rules):
    from datetime import date
    from decimal import Decimal

    from apps.budgets.models import BudgetYear
    from apps.performance.monitoring import monitoring_round_open

    fields = {
        "label": "1–6月",
        "due_on": date(year, 7, 15),
        "expected_rate": Decimal("50"),
        **rules,
    }
    return monitoring_round_open(
        actor=fiona, budget_year=BudgetYear.objects.get(year=year), **fields
    )


def monitored(round_, project, user, forecasts=("yes",) * 6, executed=None, **row):
    from decimal import Decimal

    from apps.performance.monitoring import monitoring_save, monitoring_start

    report = monitoring_start(round_=round_, project=project, actor=user)
    reported = {
        pk: {"progress": "50%", "forecast": f, "reason": "", "measures": "", **row}
        for pk, f in zip(indicator_ids(project), forecasts, strict=True)
    }
    executed = Decimal("455500") if executed is None else executed
    return monitoring_save(report=report, actor=user, executed=executed, reported=reported)
