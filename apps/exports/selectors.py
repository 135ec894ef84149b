from django.db.models import Prefetch

from apps.budget_lines.models import BudgetLine
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator
from apps.projects.models import Project


def unit_projects_for_export(unit, budget_year, pks: list[int] | None = None) -> list[Project]:
    """Every project of a unit and year (or those of ``pks``) with all its rows, in a fixed
    number of queries."""
    projects = Project.objects.filter(unit=unit, budget_year=budget_year)
    if pks is not None:
        projects = projects.filter(pk__in=pks)
    return list(
        projects.select_related("unit", "budget_year")
        .prefetch_related(
            Prefetch(
                "indicators", Indicator.objects.select_related("level2__level1", "sub_project")
            ),
            Prefetch("budget_lines", BudgetLine.objects.select_related("sub_project")),
            Prefetch("rule_documents", RuleDocument.objects.select_related("sub_project")),
            "sub_projects",
        )
        .order_by("name", "pk")
    )
