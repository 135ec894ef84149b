"""Reads: project lists with totals computed in the database, and a project's findings."""

from decimal import Decimal

from django.db.models import Count, DecimalField, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from apps.budget_lines.models import BudgetLine
from apps.checks.findings import Finding
from apps.checks.rules import check_filing
from apps.checks.snapshot import filing_from_project
from apps.projects.models import Project

MONEY_OUT = DecimalField(max_digits=20, decimal_places=2)


def lines_total_subquery():
    totals = (
        BudgetLine.objects.filter(project=OuterRef("pk"))
        .order_by()
        .values("project")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    return Coalesce(
        Subquery(totals, output_field=MONEY_OUT), Value(Decimal("0")), output_field=MONEY_OUT
    )


def project_list(projects: QuerySet[Project]) -> QuerySet[Project]:
    return (
        projects.select_related("unit", "budget_year")
        .annotate(lines_total=lines_total_subquery())
        .order_by("unit__code", "-budget_year__year", "name", "pk")
    )


def project_list_totals(projects: QuerySet[Project]) -> dict:
    """Σ 当年预算 and Σ 金额合计 over the whole filtered list (not only the shown page)."""
    zero = Value(Decimal("0"))
    base = projects.order_by()
    totals = base.aggregate(
        count=Count("pk"),
        not_ready=Count("pk", filter=Q(error_count__gt=0)),
        current_budget=Coalesce(Sum("current_budget"), zero, output_field=MONEY_OUT),
    )
    totals["lines_total"] = BudgetLine.objects.filter(project__in=base.values("pk")).aggregate(
        total=Coalesce(Sum("amount"), zero, output_field=MONEY_OUT)
    )["total"]
    return totals


def project_for_checks(project: Project) -> Project:
    """The project with everything the rules read, in a fixed number of queries."""
    return (
        Project.objects.select_related("budget_year__taxonomy", "unit")
        .prefetch_related("indicators", "budget_lines", "rule_documents", "sub_projects")
        .get(pk=project.pk)
    )


def project_findings(project: Project) -> list[Finding]:
    return check_filing(filing_from_project(project_for_checks(project)))
