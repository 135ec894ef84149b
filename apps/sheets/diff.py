"""One diff of two snapshots: what the history records, what two versions differ by, and
what an import would change — each field or row cell as label: old → new, in printed
order, labelled and shown as the declaration says."""

from dataclasses import dataclass
from functools import cache

from apps.sheets.schema import (
    GOALS_SHEET,
    OVERVIEW_SHEET,
    TABLES,
    Item,
    Table,
    choices,
    field,
    fields,
    sheet_of,
)
from apps.sheets.values import display

SUB_PROJECTS = "sub_projects"
SHEET_ORDER = {OVERVIEW_SHEET: 0, GOALS_SHEET: 1, "guarantees": 2}


@dataclass(frozen=True)
class Difference:
    sheet: str
    key: str  # "f.name", "indicators.12.target_raw", "lines.7" (whole row added/removed)
    label: str
    old: str
    new: str


@cache
def _choices(model: str, name: str) -> dict:
    return dict(choices(Item(name, "", "choice"), model))


def show(item: Item, value, model: str = "projects.Project") -> str:
    return display(item, value, _choices(model, item.name) if item.kind == "choice" else None)


def field_label(name: str, version: str | None = None) -> str:
    item = field(name)
    return item.label_for(version) if version else item.label


def show_level(row: dict) -> str:
    text = " · ".join(n for n in (row.get("level1_name"), row.get("level2_name")) if n)
    if row.get("level2") is None and text:
        text += "（不在指标体系中）"
    return text


def show_cell(table: Table, column: Item, row: dict) -> str:
    if column.kind == "level":
        return show_level(row)
    return show(column, row.get(column.name), table.model)


def row_summary(table: Table, row: dict, version: str | None = None) -> str:
    parts = []
    for column in table.columns:
        text = show_cell(table, column, row)
        if text and (version is None or column.has(version) or column.kind == "sub"):
            parts.append(f"{column.label_for(version) if version else column.label}：{text}")
    return " / ".join(parts)


def row_name(table: Table, row: dict) -> str:
    for name in (table.name_column, *table.naming):
        value = row.get(name)
        if value and not isinstance(value, int):
            return str(value)
    return ""


def row_label(table: Table, row: dict, position: int) -> str:
    name = row_name(table, row)
    return f"第 {position} 行{table.noun}" + (f"「{name}」" if name else "")


def snapshot_diff(old: dict, new: dict) -> list[Difference]:
    """What differs between two snapshots (apps/sheets/snapshot.py), sheet by sheet."""
    version = new.get("version") or old.get("version")
    diffs: list[Difference] = []
    old_fields, new_fields = old.get("fields", {}), new.get("fields", {})
    for item in fields():
        before, after = old_fields.get(item.name), new_fields.get(item.name)
        if (before or None) != (after or None):
            label = item.label_for(version) if version else item.label
            diffs.append(
                Difference(
                    sheet_of(item.name),
                    f"f.{item.name}",
                    label,
                    show(item, before),
                    show(item, after),
                )
            )
    for table in TABLES:
        diffs += _table_diff(table, old.get(table.key, []), new.get(table.key, []), version)
    diffs += _sub_project_diff(old.get(SUB_PROJECTS, []), new.get(SUB_PROJECTS, []))
    return sorted(diffs, key=lambda d: SHEET_ORDER[d.sheet])


def _table_diff(table: Table, old: list, new: list, version) -> list[Difference]:
    diffs = []
    old_rows = {r["id"]: r for r in old}
    new_rows = {r["id"]: (i, r) for i, r in enumerate(new, start=1)}
    for row_id, (position, row) in new_rows.items():
        label = row_label(table, row, position)
        before = old_rows.get(row_id)
        if before is None:
            diffs.append(
                Difference(
                    table.sheet,
                    f"{table.key}.{row_id}",
                    f"新增{label}",
                    "",
                    row_summary(table, row, version),
                )
            )
            continue
        for column in table.columns:
            if column.kind == "level":
                # A level renamed by an administrator is not this row's change.
                changed = before.get("level2") != row.get("level2") or (
                    row.get("level2") is None and show_level(before) != show_level(row)
                )
            else:
                changed = (before.get(column.name) or None) != (row.get(column.name) or None)
            if changed:
                diffs.append(
                    Difference(
                        table.sheet,
                        f"{table.key}.{row_id}.{column.name}",
                        f"{label} · {column.label_for(version) if version else column.label}",
                        show_cell(table, column, before),
                        show_cell(table, column, row),
                    )
                )
    kept_before = [i for i in old_rows if i in new_rows]
    kept_after = [i for i in new_rows if i in old_rows]
    if kept_before != kept_after:  # rows moved: the printed order is part of the sheet

        def order_text(ids, rows):
            return " / ".join(row_name(table, rows[i]) or f"#{i}" for i in ids)

        diffs.append(
            Difference(
                table.sheet,
                f"{table.key}.order",
                f"{table.noun}顺序",
                order_text(kept_before, old_rows),
                order_text(kept_after, {i: r for i, (_, r) in new_rows.items()}),
            )
        )
    for position, (row_id, row) in enumerate(old_rows.items(), start=1):
        if row_id not in new_rows:
            diffs.append(
                Difference(
                    table.sheet,
                    f"{table.key}.{row_id}",
                    f"删除{row_label(table, row, position)}",
                    row_summary(table, row, version),
                    "",
                )
            )
    return diffs


def _sub_project_diff(old: list, new: list) -> list[Difference]:
    old_names = [r["name"] for r in old]
    new_names = [r["name"] for r in new]
    if old_names == new_names:
        return []
    removed = [n for n in old_names if n not in new_names]
    note = f"（删除子项目“{'”“'.join(removed)}”，其所属行不再标注子项目）" if removed else ""
    return [
        Difference(
            GOALS_SHEET,
            SUB_PROJECTS,
            "子项目",
            "、".join(old_names) or "（无）",
            ("、".join(new_names) or "（无）") + note,
        )
    ]
