"""Reads of the library: what a unit may pick from, the type-ahead, mandated indicators."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from apps.indicators.models import Indicator, Level2
from apps.library import lookups  # noqa: F401  (registers name__has_text)
from apps.library.models import LibraryIndicator, Mandated
from apps.units.models import Unit

SUGGEST_LIMIT = 8
EARLIER_LIMIT = 5
QUERY_MAX = 50


def _today() -> date:
    return timezone.localdate()


def active(queryset: QuerySet[LibraryIndicator], on: date | None = None):
    on = on or _today()
    return queryset.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=on),
        Q(valid_to__isnull=True) | Q(valid_to__gte=on),
    )


def for_unit(queryset: QuerySet, unit_id: int, department_id=None):
    """What applies to a unit of rows with an ``owner`` (library entries, 固化指标): those
    without one (共性, finance's) and its department's. (No join through the department's
    units: that multiplies every department row by the department's units first.)"""
    if department_id is None:
        department_id = Unit.objects.filter(pk=unit_id).values("parent_id")
        owners = Q(owner_id=unit_id) | Q(owner_id__in=department_id)
    else:
        owners = Q(owner_id__in=[unit_id, department_id])
    return queryset.filter(Q(owner__isnull=True) | owners)


def library_links(*, taxonomy_id: int, unit_id: int, names: set[str]) -> dict:
    """Entries named ``names`` in a taxonomy a unit may pick from, by (level2 id, name) and
    by name alone; a department's own entry wins over a 共性 one of the same name."""
    if not names:
        return {}
    rows = (
        for_unit(LibraryIndicator.objects, unit_id)
        .filter(level2__level1__taxonomy_id=taxonomy_id, name__in=names)
        .order_by("tier", "id")  # "common" < "department": department entries overwrite
        .values_list("id", "level2_id", "name")
    )
    links: dict = {}
    for entry_id, level2_id, name in rows:
        links[(level2_id, name)] = entry_id
        links.setdefault(name, entry_id)
    return links


@dataclass(frozen=True)
class Suggestion:
    source: str  # "library" or "earlier"
    name: str
    level2_id: int | None
    level_label: str
    target: str
    unit: str
    nature: str
    typical_value: str
    explanation: str
    scoring: str
    remark: str
    tier_label: str = ""
    origin: str = ""  # earlier indicators: which year and project


def _clean(q: str) -> str:
    # NUL cannot be in a PostgreSQL text parameter (a crafted or pasted one was a 500).
    return " ".join((q or "").replace("\x00", "").split())[:QUERY_MAX]


def _entry_suggestion(e: LibraryIndicator) -> Suggestion:
    return Suggestion(
        source="library",
        name=e.name,
        level2_id=e.level2_id,
        level_label=f"{e.level2.level1.name} · {e.level2.name}",
        target=e.target_text,
        unit=e.unit,
        nature=e.nature,
        typical_value=e.typical_value,
        explanation=e.explanation,
        scoring=e.scoring,
        remark=e.explanation,
        tier_label=e.get_tier_display(),
    )


def suggestions(*, project, q: str, level2_id: int | None = None) -> list[Suggestion]:
    """Library entries and the unit's own earlier indicators whose name contains ``q``.

    Library entries come in three passes, each a small query that stops at the limit (no
    sort of every match, which a two-character query can have thousands of): the row's
    二级指标 first, then names that start with ``q``, then names that contain it."""
    q = _clean(q)
    if not q:
        return []
    base = (
        active(for_unit(LibraryIndicator.objects, project.unit_id, project.unit.parent_id))
        .filter(
            level2_id__in=Level2.objects.filter(
                level1__taxonomy_id=project.budget_year.taxonomy_id
            ).values("id")
        )
        .select_related("level2__level1")
    )
    prefix = Case(
        When(name__startswith=q, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    passes = []
    if level2_id:
        passes.append(
            base.filter(level2_id=level2_id, name__has_text=q)
            .annotate(prefix=prefix)
            .order_by("prefix", "tier", "name")
        )
    passes.append(base.filter(name__startswith=q).order_by("name"))
    passes.append(base.filter(name__has_text=q).order_by())
    found: dict[int, LibraryIndicator] = {}
    for queryset in passes:
        if len(found) >= SUGGEST_LIMIT:
            break
        for e in queryset.exclude(pk__in=list(found))[: SUGGEST_LIMIT - len(found)]:
            found[e.pk] = e
    out = [_entry_suggestion(e) for e in found.values()]
    out.extend(_earlier(project=project, q=q, level2_id=level2_id))
    return out


EARLIER_SCAN = 120


def _earlier(*, project, q: str, level2_id: int | None) -> list[Suggestion]:
    """The unit's own indicators of other projects, one per name, the newest first and the
    row's 二级指标 name first. Read through the unit's projects (an index), not the names of
    every unit's indicators; the newest matching rows are ranked here."""
    level2_name = ""
    if level2_id:
        level2_name = (
            Level2.objects.filter(pk=level2_id).values_list("name", flat=True).first() or ""
        )
    lookup = "name__contains" if q.lower() == q.upper() else "name__icontains"
    # The ids first: given a join, the planner misjudges how many names match '%q%' and
    # scans every unit's indicators; given the ids, it reads the unit's rows by index.
    projects = list(
        type(project)
        .objects.filter(unit_id=project.unit_id)
        .exclude(pk=project.pk)
        .values_list("pk", flat=True)
    )
    if not projects:
        return []
    rows = list(
        Indicator.objects.filter(project_id__in=projects, **{lookup: q})
        .order_by("-project_id", "order")
        .values_list(
            "name",
            "target_raw",
            "remark",
            "level2__name",
            "level2__level1__name",
            "project__name",
            "project__budget_year__year",
            "nature",
            "target_value",
            "measure_unit",
            "explanation",
            "scoring",
        )[:EARLIER_SCAN]
    )
    # Same level name first, then the newest year (stable: newest project first within).
    rows.sort(key=lambda r: (r[3] != level2_name if level2_name else False, -r[6]))
    out, seen = [], set()
    for row in rows:
        name = row[0]
        if name in seen:
            continue
        seen.add(name)
        level = " · ".join(n for n in (row[4], row[3]) if n)
        out.append(
            Suggestion(
                source="earlier",
                name=name,
                level2_id=None,
                level_label=level,
                target=row[1],
                unit=row[9],
                nature=row[7],
                typical_value=row[8],
                explanation=row[10],
                scoring=row[11],
                remark=row[2],
                origin=f"{row[6]} 年 · {row[5]}",
            )
        )
        if len(out) == EARLIER_LIMIT:
            break
    return out


@dataclass(frozen=True)
class MandatedSpec:
    id: int
    level2_id: int
    name: str
    target: str
    mode: str
    editable: bool
    weight: Decimal | None
    category: str
    set_by: str


def mandated_specs(*, budget_year_id: int, unit_id: int) -> tuple[MandatedSpec, ...]:
    """The 固化指标 of a year that apply to a unit (finance's and its department's)."""
    rows = (
        for_unit(Mandated.objects.filter(budget_year_id=budget_year_id), unit_id)
        .select_related("owner")
        .order_by("level2__level1__order", "level2__order", "name", "id")
    )
    return tuple(
        MandatedSpec(
            id=m.id,
            level2_id=m.level2_id,
            name=m.name.strip(),
            target=m.target.strip(),
            mode=m.mode,
            editable=m.editable,
            weight=m.weight,
            category=m.category,
            set_by=m.owner.name if m.owner_id else "财政",
        )
        for m in rows
    )


def applies(spec: MandatedSpec, category: str | None) -> bool:
    return not spec.category or spec.category == (category or "")


NATURE_OF = {"≥": "positive", ">": "positive", "≤": "negative", "<": "negative", "=": "equal"}


def mandated_row(spec: MandatedSpec, version: str) -> dict:
    """A new indicator row (snapshot-shaped, for the row writer) carrying ``spec``."""
    from apps.indicators.targets import parse_target
    from apps.sheets.schema import NATIONAL_2021

    row = {"id": None, "level2": spec.level2_id, "name": spec.name, "target_raw": spec.target}
    if version == NATIONAL_2021:
        parsed = parse_target(spec.target)
        if parsed.kind == "quantitative":
            row["nature"] = NATURE_OF.get(parsed.comparator or "=", "equal")
            row["target_value"] = parsed.number_text
            row["measure_unit"] = parsed.unit
        else:
            row["nature"] = "qualitative"
            row["target_value"] = spec.target
        row["weight"] = None if spec.weight is None else format(spec.weight, "f")
        row["remark"] = f"固化指标（{spec.set_by}设定）"
    else:
        row["remark"] = f"固化指标（{spec.set_by}设定）"
    return row
