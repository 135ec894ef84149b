"""The year after approval at a glance, per unit and per department: approved projects,
the monitoring round's 执行率 and lights, the self-evaluations' scores, 执行率 and grades.

Every figure is an aggregate in the database (GROUP BY unit), in a fixed number of queries
whatever the number of projects; a department's row adds up its units' aggregates
(scripts/bench_performance.py)."""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Exists, OuterRef, Q, Sum

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.performance.lights import worst
from apps.performance.models import MonitoringReport, MonitoringRound, SelfEvaluation
from apps.performance.reports import ReportStatus
from apps.projects.models import Project
from apps.projects.permissions import visible_units
from apps.reviews.models import ProjectVersion
from apps.units.models import Unit

GRADES = ["优", "良", "中", "差"]
ZERO, CENT = Decimal("0"), Decimal("0.01")


def _pct(part, whole) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part or 0) / Decimal(whole) * 100).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Row:
    key: int
    name: str
    approved: int = 0
    evaluated: int = 0
    accepted: int = 0
    score_sum: Decimal = ZERO
    grades: dict = field(default_factory=lambda: dict.fromkeys(GRADES, 0))
    budget_full: Decimal = ZERO
    executed: Decimal = ZERO
    monitored: int = 0
    lights: dict = field(default_factory=lambda: {"red": 0, "yellow": 0, "green": 0})
    mon_budget: Decimal = ZERO
    mon_executed: Decimal = ZERO

    def add(self, other: "Row") -> None:
        for name in ("approved", "evaluated", "accepted", "monitored"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("score_sum", "budget_full", "executed", "mon_budget", "mon_executed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for g in GRADES:
            self.grades[g] += other.grades[g]
        for light in self.lights:
            self.lights[light] += other.lights[light]

    @property
    def average_score(self) -> Decimal | None:
        if not self.evaluated:
            return None
        return (self.score_sum / self.evaluated).quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def execution_rate(self) -> Decimal | None:
        return _pct(self.executed, self.budget_full)

    @property
    def monitoring_rate(self) -> Decimal | None:
        return _pct(self.mon_executed, self.mon_budget)

    @property
    def light(self) -> str:
        if not self.monitored:
            return ""
        return worst(light for light, n in self.lights.items() if n)

    @property
    def grade_list(self) -> list[int]:
        return [self.grades[g] for g in GRADES]

    def cells(self) -> list[str]:
        """The row's figures as printed, in the table's order (one lookup per row for the
        template, which is most of the page's time otherwise)."""

        def pct(value) -> str:
            return "—" if value is None else f"{value}%"

        average = self.average_score
        return [
            str(self.approved),
            str(self.monitored),
            pct(self.monitoring_rate),
            str(self.lights["red"]),
            str(self.lights["yellow"]),
            str(self.lights["green"]),
            str(self.evaluated),
            str(self.accepted),
            pct(self.execution_rate),
            "—" if average is None else str(average),
            *(str(n) for n in self.grade_list),
        ]


@dataclass
class Overview:
    year: int
    rounds: list
    round: object
    units: list[Row]
    departments: list[Row]
    totals: Row


def _scoped(qs, user: User, path: str):
    if user.is_superuser or user.role in (User.Role.ADMIN, User.Role.FINANCE_REVIEWER):
        return qs
    return qs.filter(**{f"{path}__in": visible_units(user)})


def overview(user: User, year: int, round_id: int | None = None) -> Overview:
    budget_year = (
        BudgetYear.objects.filter(year=year).only("id").first() if 0 < year < 32768 else None
    )
    year_id = budget_year.pk if budget_year else None
    rounds = list(MonitoringRound.objects.filter(budget_year_id=year_id).order_by("due_on", "id"))
    chosen = next((r for r in rounds if r.pk == round_id), rounds[-1] if rounds else None)
    approved_version = ProjectVersion.objects.filter(
        project=OuterRef("pk"), approved_at__isnull=False
    )
    approved = (
        _scoped(Project.objects.filter(budget_year_id=year_id), user, "unit")
        .filter(Exists(approved_version))
        .values("unit_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    evaluations = (
        _scoped(
            SelfEvaluation.objects.filter(project__budget_year_id=year_id), user, "project__unit"
        )
        .values("project__unit_id")
        .annotate(
            n=Count("id"),
            accepted=Count("id", filter=Q(status=ReportStatus.ACCEPTED)),
            score=Sum("total_score"),
            budget=Sum("budget_full"),
            executed=Sum("executed"),
            **{f"g{i}": Count("id", filter=Q(grade=g)) for i, g in enumerate(GRADES)},
        )
        .order_by()
    )
    rows: dict[int, Row] = {}

    def row(unit_id) -> Row:
        return rows.setdefault(unit_id, Row(unit_id, ""))

    for a in approved:
        row(a["unit_id"]).approved = a["n"]
    for e in evaluations:
        r = row(e["project__unit_id"])
        r.evaluated, r.accepted, r.score_sum = e["n"], e["accepted"], e["score"] or ZERO
        r.budget_full, r.executed = e["budget"] or ZERO, e["executed"] or ZERO
        r.grades = {g: e[f"g{i}"] for i, g in enumerate(GRADES)}
    if chosen is not None:
        monitoring = (
            _scoped(MonitoringReport.objects.filter(round=chosen), user, "project__unit")
            .values("project__unit_id")
            .annotate(
                n=Count("id"),
                budget=Sum("budget"),
                executed=Sum("executed"),
                **{
                    light: Count("id", filter=Q(light=light))
                    for light in ("red", "yellow", "green")
                },
            )
            .order_by()
        )
        for m in monitoring:
            r = row(m["project__unit_id"])
            r.monitored, r.mon_budget, r.mon_executed = (
                m["n"],
                m["budget"] or ZERO,
                m["executed"] or ZERO,
            )
            r.lights = {light: m[light] for light in ("red", "yellow", "green")}
    units = Unit.objects.filter(pk__in=list(rows)).select_related("parent").order_by("code")
    unit_rows, departments = [], {}
    for unit in units:
        r = rows[unit.pk]
        r.name = unit.name
        unit_rows.append(r)
        dept = unit.parent or unit
        departments.setdefault(dept.pk, Row(dept.pk, dept.name)).add(r)
    totals = Row(0, "合计")
    for r in unit_rows:
        totals.add(r)
    return Overview(year, rounds, chosen, unit_rows, list(departments.values()), totals)
