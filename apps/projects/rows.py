"""One row writer for every way rows reach the database: the sheet save, the import
commit and the demo loader all hand it the rows a table should have, in order, as
snapshot-shaped dicts (apps/sheets/snapshot.py), and it writes only what differs."""

from django.apps import apps as django_apps

from apps.indicators.services import indicator_apply_target
from apps.library.selectors import library_links
from apps.sheets.schema import INDICATORS, Table
from apps.sheets.values import from_json


def _assign(table: Table, obj, row: dict, subs: dict) -> bool:
    """Put ``row``'s declared values on ``obj``; whether anything changed."""
    changed = False

    def put(name, value):
        nonlocal changed
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True

    for column in table.columns:
        if column.kind == "level":
            if "level2" not in row:
                continue
            level2_id = row["level2"]
            put("level2_id", level2_id)
            # The typed names are kept only while the level is not in the taxonomy.
            put("level1_text", "" if level2_id else (row.get("level1_name") or ""))
            put("level2_text", "" if level2_id else (row.get("level2_name") or ""))
        elif column.kind == "sub":
            if "sub_project" in row:
                name = row["sub_project"] or ""
                put("sub_project_id", subs[name].pk if name else None)
        elif column.name in row:
            put(column.name, from_json(column.kind, row[column.name]))
    return changed


def _derived(indicator) -> tuple:
    return tuple(getattr(indicator, n) for n in DERIVED)


DERIVED = ("target_raw", "target_kind", "target_comparator", "target_number", "target_unit")


def _link_library(project, indicators) -> None:
    """Link each written row to the library entry it names (same 二级指标 first)."""
    links = library_links(
        taxonomy_id=project.budget_year.taxonomy_id,
        unit_id=project.unit_id,
        names={i.name.strip() for i in indicators if i.name.strip()},
    )
    for indicator in indicators:
        name = indicator.name.strip()
        indicator.library_entry_id = links.get((indicator.level2_id, name), links.get(name))


def rows_sync(*, project, table: Table, rows: list[dict], subs: dict) -> list:
    """Make ``project``'s rows of ``table`` exactly ``rows``.

    Each row dict carries ``id``: the existing row it updates, or None for a new one;
    existing rows no dict names are deleted. ``subs`` maps sub-project name → SubProject.
    Unchanged rows in their place are not written. Returns the rows as saved, in order
    (new ones with their ids)."""
    model = django_apps.get_model(table.model)
    version = project.budget_year.form_version
    # Fresh from the database, not the project's prefetched rows: a page's model forms
    # have already put their input on those instances while validating.
    existing = {r.pk: r for r in model.objects.filter(project=project)}
    kept, new, saved, changed_rows = set(), [], [], []
    for position, row in enumerate(rows):
        obj = existing.get(row.get("id")) if row.get("id") is not None else None
        if obj is None:
            obj = model(project=project)
        changed = _assign(table, obj, row, subs)
        if obj.order != position:
            obj.order, changed = position, True
        if table is INDICATORS:
            derived = _derived(obj)
            indicator_apply_target(indicator=obj, version=version)
            changed = changed or derived != _derived(obj)
        saved.append(obj)
        if obj.pk is None:
            new.append(obj)
        else:
            kept.add(obj.pk)
            if changed:
                changed_rows.append(obj)
    if table is INDICATORS and (new or changed_rows):
        _link_library(project, [*new, *changed_rows])
    for obj in changed_rows:
        obj.save()
    gone = [pk for pk in existing if pk not in kept]
    if gone:
        model.objects.filter(pk__in=gone).delete()
    if new:
        model.objects.bulk_create(new)  # PostgreSQL returns the new ids onto the objects
    return saved
