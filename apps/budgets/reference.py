"""Reference data (units, indicator taxonomies, budget years) from fixtures/reference/."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.budgets.models import BudgetYear
from apps.indicators.models import Level1, Level2, Taxonomy
from apps.units.models import Unit

REFERENCE_DIR = Path(settings.BASE_DIR) / "fixtures" / "reference"


def _read(name: str):
    return json.loads((REFERENCE_DIR / name).read_text(encoding="utf-8"))


@transaction.atomic
def reference_load() -> None:
    """Create or update the reference data; safe to run again."""
    for tx in _read("taxonomies.json"):
        taxonomy, _ = Taxonomy.objects.update_or_create(
            code=tx["code"], defaults={"name": tx["name"], "description": tx["description"]}
        )
        for i, l1 in enumerate(tx["level1s"]):
            level1, _ = Level1.objects.update_or_create(
                taxonomy=taxonomy,
                name=l1["name"],
                defaults={"order": i, "required": l1["required"]},
            )
            for j, l2 in enumerate(l1["level2s"]):
                Level2.objects.update_or_create(
                    level1=level1,
                    name=l2["name"],
                    defaults={"order": j, "kind": l2["kind"], "required": l2["required"]},
                )
    for row in _read("budget_years.json"):
        BudgetYear.objects.update_or_create(
            year=row["year"],
            defaults={
                "taxonomy": Taxonomy.objects.get(code=row["taxonomy"]),
                "form_version": row["form_version"],
            },
        )
    for row in _read("units.json"):
        Unit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "kind": row["kind"],
                "parent": Unit.objects.get(code=row["parent"]) if row["parent"] else None,
            },
        )
