"""The reviewers' overview of a budget year: every figure an aggregate in the database, in a
fixed number of queries whatever the number of projects (see scripts/bench_dashboard.py)."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Count, Max, Q, QuerySet, Sum
from django.utils import timezone

from apps.projects.models import Project
from apps.projects.permissions import visible_projects
from apps.projects.selectors import WAITING_STATUSES
from apps.reviews.selectors import Deadline, deadline_for_year
from apps.units.models import Unit

Status = Project.Status
Grade = Project.Grade
# The states in the order of the flow (the columns of the table and the chart's stacks).
STATES = [
    Status.DRAFT,
    Status.RETURNED,
    Status.ADJUSTING,
    Status.SUBMITTED,
    Status.DEPT_PASSED,
    Status.APPROVED,
]


@dataclass
class UnitRow:
    unit_id: int
    code: str
    name: str
    by_state: dict[str, int] = field(default_factory=dict)
    total: int = 0
    budget: Decimal = Decimal("0")
    errors: int = 0
    not_ready: int = 0
    waiting: int = 0
    oldest_wait_days: int | None = None
    wait_days_sum: int = 0

    @property
    def states(self) -> list[int]:
        return [self.by_state.get(s, 0) for s in STATES]

    @property
    def average_wait_days(self) -> float | None:
        return round(self.wait_days_sum / self.waiting, 1) if self.waiting else None


@dataclass
class Dashboard:
    year: int
    units: list[UnitRow]
    totals: UnitRow
    grades: dict[str, int]
    deadline: Deadline | None

    @property
    def state_labels(self) -> list[str]:
        return [Status(s).label for s in STATES]

    @property
    def grade_rows(self) -> list[tuple[str, str, int]]:
        return [(g.value, g.label, self.grades.get(g.value, 0)) for g in Grade]

    @property
    def submitted(self) -> int:
        """Projects submitted at least once in this round (no longer a draft)."""
        return self.totals.total - self.totals.by_state.get(Status.DRAFT, 0)

    @property
    def submitted_percent(self) -> int:
        return round(100 * self.submitted / self.totals.total) if self.totals.total else 0

    def chart_data(self) -> dict:
        """What the charts draw: the same numbers as the tables beside them."""
        return {
            "units": [u.name for u in self.units],
            "states": self.state_labels,
            "counts": [[u.states[i] for u in self.units] for i in range(len(STATES))],
            "budget": [str(u.budget) for u in self.units],
            "grades": [label for _, label, _ in self.grade_rows],
            "grade_counts": [n for _, _, n in self.grade_rows],
        }


def _waits(projects: QuerySet[Project]) -> list[tuple[int, date | None, int]]:
    """(unit, local day the wait began, projects) of the projects waiting for a reviewer.

    A wait begins with the project's last transition: the latest of its events, found by one
    join and GROUP BY over the waiting projects (a derived table, which the ORM does not
    write), then counted per unit and day. A correlated subquery per project was 4× slower.
    """
    per_project = (
        projects.filter(status__in=WAITING_STATUSES)
        .order_by()
        .values("pk", "unit_id")
        .annotate(since=Max("events__created_at"))
    )
    sql, params = per_project.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT w.unit_id, (w.since AT TIME ZONE %s)::date, COUNT(*) "
            f"FROM ({sql}) w GROUP BY 1, 2",
            [settings.TIME_ZONE, *params],
        )
        return cursor.fetchall()


def dashboard_figures(*, user, budget_year, unit=None) -> Dashboard:
    """Counts per unit and state, Σ 当年预算, errors, the waits, grades: three queries."""
    projects: QuerySet[Project] = visible_projects(user).filter(budget_year=budget_year)
    if unit is not None:
        projects = projects.filter(unit=unit)
    # Grouped on small keys only (no unit names), so PostgreSQL hashes 50,000 rows in memory
    # instead of sorting them on disk; the names come in their own tiny query.
    grouped = (
        projects.order_by()
        .values("unit_id", "status", "grade")
        .annotate(
            n=Count("pk"),
            budget=Sum("current_budget"),
            errors=Sum("error_count"),
            not_ready=Count("pk", filter=Q(error_count__gt=0)),
        )
    )
    grouped = list(grouped)
    named = Unit.objects.filter(pk__in={r["unit_id"] for r in grouped})
    units: dict[int, UnitRow] = {
        pk: UnitRow(pk, code, name) for pk, code, name in named.values_list("pk", "code", "name")
    }
    grades: dict[str, int] = {}
    for row in grouped:
        u = units[row["unit_id"]]
        u.by_state[row["status"]] = u.by_state.get(row["status"], 0) + row["n"]
        u.total += row["n"]
        u.budget += row["budget"] or 0
        u.errors += row["errors"] or 0
        u.not_ready += row["not_ready"]
        if row["status"] == Status.APPROVED and row["grade"]:
            grades[row["grade"]] = grades.get(row["grade"], 0) + row["n"]

    # The waits: per unit, how many wait for a reviewer, since when, on average how long.
    # Whole days are counted from the start of the wait's local day, as the lists show them.
    today = timezone.localdate()
    for unit_id, start, n in _waits(projects):
        u = units[unit_id]
        days = (today - start).days if start else 0
        u.waiting += n
        u.wait_days_sum += days * n
        u.oldest_wait_days = max(u.oldest_wait_days or 0, days)

    rows = sorted(units.values(), key=lambda u: u.code)
    totals = UnitRow(0, "", "合计")
    for u in rows:
        for s, n in u.by_state.items():
            totals.by_state[s] = totals.by_state.get(s, 0) + n
        totals.total += u.total
        totals.budget += u.budget
        totals.errors += u.errors
        totals.not_ready += u.not_ready
        totals.waiting += u.waiting
        totals.wait_days_sum += u.wait_days_sum
        if u.oldest_wait_days is not None:
            totals.oldest_wait_days = max(totals.oldest_wait_days or 0, u.oldest_wait_days)
    return Dashboard(
        year=budget_year.year,
        units=rows,
        totals=totals,
        grades=grades,
        deadline=deadline_for_year(budget_year),
    )
