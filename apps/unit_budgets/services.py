"""Writes to unit budgets and classification codes. Each validates, then saves, inside a
transaction: a refused save leaves nothing half-written."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.unit_budgets.models import (
    ClassificationCode,
    EconomicEntry,
    ExpenditureEntry,
    RevenueEntry,
    UnitBudget,
)
from apps.units.models import Unit

FIXTURES = Path(settings.BASE_DIR) / "fixtures"
CODES_FIXTURES = sorted((FIXTURES / "reference").glob("classification_codes_*.json"))
DEMO_BUDGETS = FIXTURES / "demo" / "unit_budgets"

TEXT_FIELDS = [
    "duties",
    "organisation",
    "reason_basic",
    "reason_project",
    "reason_abroad",
    "reason_vehicle",
    "reason_reception",
]


@transaction.atomic
def classification_codes_load(path: Path) -> int:
    """Create or rename the codes of a fixture file; safe to run again. Returns how many
    codes were created. Three queries whatever the file's size."""
    data = json.loads(path.read_text(encoding="utf-8"))
    year = BudgetYear.objects.get(year=data["year"])
    existing = {(c.kind, c.code): c for c in ClassificationCode.objects.filter(budget_year=year)}
    new, renamed = [], []
    for row in data["codes"]:
        code = existing.get((row["kind"], row["code"]))
        if code is None:
            new.append(ClassificationCode(budget_year=year, **row))
        elif code.name != row["name"]:
            code.name = row["name"]
            renamed.append(code)
    for code in new:
        code.clean()  # the shape of the code, before the database constraint says it
    ClassificationCode.objects.bulk_create(new)
    ClassificationCode.objects.bulk_update(renamed, ["name"])
    return len(new)


def classification_codes_load_all() -> int:
    return sum(classification_codes_load(path) for path in CODES_FIXTURES)


class StaleBudget(Exception):
    """The budget was saved by someone else after the page being saved was read."""

    def __init__(self, budget: UnitBudget):
        super().__init__("在您打开本页之后，本单位预算已被修改。")
        self.budget = budget


def budget_version(budget: UnitBudget | None) -> str:
    """The token a page carries of the budget it shows: when it was last saved ("" if the
    unit has not filed one yet)."""
    if budget is None or budget.pk is None or budget.updated_at is None:
        return ""
    return budget.updated_at.isoformat()


@transaction.atomic
def unit_budget_replace(
    *,
    unit: Unit,
    budget_year: BudgetYear,
    fields: dict,
    revenues: list[dict],
    expenditures: list[dict],
    economics: list[dict],
    actor: User | None = None,
    expected_version: str | None = None,
) -> UnitBudget:
    """Write a unit's budget of a year: the scalar ``fields`` and every entry row.

    The rows replace the stored ones (entries are leaves nothing else points at, so a
    code moved from one row to another or swapped never trips the uniqueness of a code
    per budget half-way). Rows carry ClassificationCode instances of ``budget_year``;
    the forms have checked them, and the check is repeated here so that no caller can
    file a code of another year or level.
    """
    budget, created = UnitBudget.objects.select_for_update().get_or_create(
        unit=unit, budget_year=budget_year
    )
    stale = budget_version(budget) != expected_version
    if expected_version is not None and not created and stale:
        raise StaleBudget(budget)
    for name, value in fields.items():
        setattr(budget, name, value)
    budget.updated_by = actor
    budget.save()
    for rows, length, kind in (
        (revenues, 7, ClassificationCode.Kind.FUNCTION),
        (expenditures, 7, ClassificationCode.Kind.FUNCTION),
        (economics, 5, ClassificationCode.Kind.ECONOMIC),
    ):
        for row in rows:
            code = row["code"]
            if (
                code.budget_year_id != budget_year.pk
                or code.kind != kind
                or len(code.code) != length
            ):
                raise ValueError(f"科目 {code.code} 不是 {budget_year.year} 年的末级科目。")
    budget.revenues.all().delete()
    budget.expenditures.all().delete()
    budget.economics.all().delete()
    RevenueEntry.objects.bulk_create(RevenueEntry(unit_budget=budget, **r) for r in revenues)
    ExpenditureEntry.objects.bulk_create(
        ExpenditureEntry(unit_budget=budget, **r) for r in expenditures
    )
    EconomicEntry.objects.bulk_create(EconomicEntry(unit_budget=budget, **r) for r in economics)
    return budget


def _money(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def unit_budget_load_file(path: Path) -> UnitBudget:
    """Load a unit budget transcribed into JSON (fixtures/demo/unit_budgets/)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    year = BudgetYear.objects.get(year=data["year"])
    codes = {(c.kind, c.code): c for c in ClassificationCode.objects.filter(budget_year=year)}
    function, economic = ClassificationCode.Kind.FUNCTION, ClassificationCode.Kind.ECONOMIC

    def rows(key, kind, amounts):
        return [
            {
                **{k: v for k, v in row.items() if k not in ("code", *amounts)},
                "code": codes[(kind, row["code"])],
                **{a: Decimal(row[a]) for a in amounts},
            }
            for row in data[key]
        ]

    fields = {f: _money(data[f]) for f in UnitBudget.MONEY_FIELDS + UnitBudget.PREV_FIELDS}
    fields.update({f: data[f] for f in TEXT_FIELDS})
    return unit_budget_replace(
        unit=Unit.objects.get(code=data["unit"]),
        budget_year=year,
        fields=fields,
        revenues=rows("revenues", function, RevenueEntry.SOURCES),
        expenditures=rows("expenditures", function, ["personnel", "public", "project"]),
        economics=rows("economics", economic, ["personnel", "public"]),
    )


def unit_budgets_load_demo() -> int:
    """The demo unit budgets, unless the unit already has one for that year."""
    loaded = 0
    for path in sorted(DEMO_BUDGETS.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if UnitBudget.objects.filter(
            unit__code=data["unit"], budget_year__year=data["year"]
        ).exists():
            continue
        unit_budget_load_file(path)
        loaded += 1
    return loaded
