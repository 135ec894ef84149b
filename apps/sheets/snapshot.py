"""One snapshot of a project's sheets, read off the declaration.

Plain JSON: every declared field (of every form version, so a year's change of version
loses nothing), the sub-projects, and every row of each table under its database id with
each declared column. It is what a submitted version freezes, what the history compares
each write with, and what the import preview compares a workbook with — so all three
compare the same way (``apps/sheets/diff.py``).

An indicator row carries its level as ``level2`` (the id, None if the typed level is not
in the taxonomy) and the names ``level1_name``/``level2_name`` (the taxonomy's, or what
was typed while the level is unknown).
"""

from apps.sheets.schema import INDICATORS, TABLES, Table, fields
from apps.sheets.values import to_json

FORMAT = 2  # snapshots of format 1 (before the declaration) printed values, not JSON


def project_snapshot(project) -> dict:
    """The sheets of ``project`` as JSON (rows as loaded or prefetched on it)."""
    subs = {sp.id: sp.name for sp in project.sub_projects.all()}
    data = {
        "format": FORMAT,
        "version": project.budget_year.form_version,
        "fields": {i.name: to_json(i.kind, getattr(project, i.name)) for i in fields()},
        "sub_projects": [{"id": i, "name": n} for i, n in subs.items()],
    }
    for table in TABLES:
        rows = getattr(project, table.related).all()
        if table is INDICATORS and not _prefetched(project, table.related):
            rows = rows.select_related("level2__level1")
        data[table.key] = [row_json(table, row, subs) for row in rows]
    return data


def _prefetched(project, related: str) -> bool:
    return related in getattr(project, "_prefetched_objects_cache", {})


def row_json(table: Table, row, subs: dict[int, str]) -> dict:
    out: dict = {"id": row.pk}
    for column in table.columns:
        if column.kind == "level":
            out.update(level_json(row))
        elif column.kind == "sub":
            out["sub_project"] = subs.get(row.sub_project_id, "")
        else:
            out[column.name] = to_json(column.kind, getattr(row, column.name))
    return out


def level_json(indicator) -> dict:
    level2 = indicator.level2
    if level2 is None:
        return {
            "level2": None,
            "level1_name": indicator.level1_text,
            "level2_name": indicator.level2_text,
        }
    return {
        "level2": level2.id,
        "level1_name": level2.level1.name,
        "level2_name": level2.name,
    }


def row_values(table: Table, row: dict) -> tuple:
    """What a row holds (its id aside): equal tuples are rows with the same content."""
    return tuple(row.get(c) for c in row_keys(table))


def row_keys(table: Table) -> list[str]:
    keys = []
    for column in table.columns:
        if column.kind == "level":
            keys += ["level2", "level1_name", "level2_name"]
        else:
            keys.append(column.name)
    return keys
