"""The library's seed: a common framework (fixtures/reference/library_common.json) for
every taxonomy, and the demo projects' own indicators as their department's entries."""

import json
from pathlib import Path

from django.conf import settings
from django.db import transaction

from apps.indicators.models import Indicator, Level2, Taxonomy
from apps.library.models import LibraryIndicator, Tier

SEED = Path(settings.BASE_DIR) / "fixtures" / "reference" / "library_common.json"


def _level_for(taxonomy: Taxonomy, key: str) -> Level2 | None:
    """The first level 2 (in printed order) of ``taxonomy`` whose name contains ``key``."""
    levels = Level2.objects.filter(level1__taxonomy=taxonomy, name__contains=key).order_by(
        "level1__order", "order", "id"
    )
    return levels.first()


@transaction.atomic
def library_common_load(path: Path = SEED) -> int:
    """Create or update the 共性 entries of every taxonomy; returns how many were written."""
    entries = json.loads(path.read_text(encoding="utf-8"))["entries"]
    written = 0
    for taxonomy in Taxonomy.objects.all():
        for row in entries:
            level2 = _level_for(taxonomy, row["level"])
            if level2 is None:
                continue
            values = {k: v for k, v in row.items() if k not in ("level", "name")}
            LibraryIndicator.objects.update_or_create(
                level2=level2,
                name=row["name"],
                owner=None,
                defaults={**values, "tier": Tier.COMMON},
            )
            written += 1
    return written


@transaction.atomic
def library_from_projects(projects) -> int:
    """Each named, placed indicator of ``projects`` becomes an entry of its unit's
    department (once per level and name; names already 共性 are left to the common tier)."""
    common = set(LibraryIndicator.objects.filter(tier=Tier.COMMON).values_list("level2_id", "name"))
    rows = (
        Indicator.objects.filter(project__in=projects, level2__isnull=False)
        .exclude(name="")
        .select_related("project__unit", "project__budget_year")
        .order_by("project__budget_year__year", "project_id", "order")
    )
    made = 0
    for ind in rows:
        owner_id = ind.project.unit.parent_id
        name = " ".join(ind.name.split())[:300]
        if owner_id is None or (ind.level2_id, name) in common:
            continue
        from apps.indicators.targets import parse_target

        parsed = parse_target(ind.target_raw)
        quantitative = parsed.kind == "quantitative"
        entry, created = LibraryIndicator.objects.get_or_create(
            level2_id=ind.level2_id,
            name=name,
            owner_id=owner_id,
            defaults={
                "tier": Tier.DEPARTMENT,
                "comparator": (parsed.comparator or "=") if quantitative else "",
                "typical_value": parsed.number_text if quantitative else ind.target_raw,
                "unit": (parsed.unit if quantitative else "")[:20],
                "explanation": ind.explanation or ind.remark[:1000],
                "nature": ind.nature,
                "origin": f"{ind.project.unit.name} · {ind.project.budget_year.year} 年 · {ind.project.name}",
                "origin_indicator": ind,
            },
        )
        made += created
        Indicator.objects.filter(pk=ind.pk, library_entry__isnull=True).update(library_entry=entry)
    return made
