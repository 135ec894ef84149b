"""A submitted version read back as a project, so that the printed layout can show it.

A version freezes the project's one snapshot (``apps/sheets/snapshot.py``): every
declared value as JSON, every row under its id. ``frozen_project`` turns that JSON back,
through the sheet declaration, into a read-only in-memory object with the attributes
``apps.exports.layout`` reads from a project (amounts as Decimal, dates as dates, choices
by value, rows behind ``.all()``), so a version prints through the same layout as the
live project — same rows, same order, same cells, in the form version it was filed on.
Names of levels are the frozen ones; only the taxonomy's order of the levels is read from
the database (it decides the printed grouping).
"""

from dataclasses import dataclass, field
from types import SimpleNamespace

from apps.indicators.models import Indicator, Level2
from apps.sheets import schema
from apps.sheets.values import from_json

NATURES = dict(Indicator.Nature.choices)
MISSING = 10**6  # a level since removed from the taxonomy: printed after the others


class _Rows:
    """What ``project.indicators`` / ``budget_lines`` / ``rule_documents`` give the layout."""

    def __init__(self, rows):
        self._rows = list(rows)

    def all(self):
        return list(self._rows)


@dataclass
class FrozenProject:
    """Read-only stand-in for a Project, built from a version's JSON."""

    pk: int
    budget_year: object
    unit: object
    indicators: _Rows
    budget_lines: _Rows
    rule_documents: _Rows
    sub_projects: _Rows
    fields: dict = field(default_factory=dict)

    def __getattr__(self, name):
        # Only reached for names that are not dataclass fields: the sheet's values.
        fields = self.__dict__.get("fields", {})
        if name in fields:
            return fields[name]
        raise AttributeError(name)


def _values(table: schema.Table, row: dict, sub) -> dict:
    out = {}
    for column in table.columns:
        if column.kind == "sub":
            out["sub_project"] = sub(row.get("sub_project"))
        elif column.kind != "level":
            out[column.name] = from_json(column.kind, row.get(column.name))
    return out


def frozen_project(version) -> FrozenProject:
    """``version`` is a ProjectVersion (its project gives the year and the unit)."""
    data = version.data or {}
    project = version.project
    fields = {
        i.name: from_json(i.kind, data.get("fields", {}).get(i.name)) for i in schema.fields()
    }
    subs: dict[str, SimpleNamespace] = {}

    def sub(name):
        return subs.setdefault(name, SimpleNamespace(name=name)) if name else None

    rows = data.get(schema.INDICATORS.key, [])
    live = {
        l2.pk: l2
        for l2 in Level2.objects.filter(
            pk__in=[r.get("level2") for r in rows if r.get("level2")]
        ).select_related("level1")
    }

    def indicator(r):
        known = live.get(r.get("level2"))
        level2 = None
        if r.get("level2") is not None:
            level1 = SimpleNamespace(
                name=r.get("level1_name", ""), order=known.level1.order if known else MISSING
            )
            level2 = SimpleNamespace(
                name=r.get("level2_name", ""),
                order=known.order if known else MISSING,
                level1=level1,
            )
        values = _values(schema.INDICATORS, r, sub)
        nature_label = NATURES.get(values.get("nature"), "")
        return SimpleNamespace(
            pk=r.get("id"),
            level2=level2,
            level2_id=r.get("level2"),
            level1_text=r.get("level1_name", "") if level2 is None else "",
            level2_text=r.get("level2_name", "") if level2 is None else "",
            get_nature_display=lambda label=nature_label: label,
            **values,
        )

    budget_year = SimpleNamespace(
        year=project.budget_year.year,
        taxonomy=project.budget_year.taxonomy,
        form_version=data.get("version") or project.budget_year.form_version,
    )
    return FrozenProject(
        pk=project.pk,
        budget_year=budget_year,
        unit=project.unit,
        indicators=_Rows(indicator(r) for r in rows),
        budget_lines=_Rows(
            SimpleNamespace(pk=r.get("id"), **_values(schema.LINES, r, sub))
            for r in data.get(schema.LINES.key, [])
        ),
        rule_documents=_Rows(
            SimpleNamespace(pk=r.get("id"), **_values(schema.DOCS, r, sub))
            for r in data.get(schema.DOCS.key, [])
        ),
        sub_projects=_Rows(
            SimpleNamespace(pk=s.get("id"), name=s.get("name", ""))
            for s in data.get("sub_projects", [])
        ),
        fields=fields,
    )
