"""A submitted version read back as a project, so that the printed layout can show it.

A version freezes the project's *snapshot* (``history.project_snapshot``): every value as
printed, every row under its id. ``frozen_project`` turns that JSON back into a read-only,
in-memory object with the attributes ``apps.exports.layout`` reads from a project
(amounts as Decimal, dates as dates, choices by value, rows behind ``.all()``), so a
version prints through the same layout as the live project — same rows, same order, same
cells. Names of levels are the frozen ones; only the taxonomy's order of the levels is
read from the database (it decides the printed grouping).
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from apps.guarantees.models import RuleDocument
from apps.indicators.models import Level2
from apps.projects.models import Project

MARKED = "☑"
_SHEET_FIELDS = {f.name for f in Project._meta.concrete_fields}


class _Rows:
    """What ``project.indicators`` / ``budget_lines`` / ``rule_documents`` give the layout."""

    def __init__(self, rows):
        self._rows = list(rows)

    def all(self):
        return list(self._rows)


def _decimal(text) -> Decimal | None:
    text = str(text or "").replace(",", "").strip()
    if not text:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _date(text) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _field(name: str, text):
    model_field = Project._meta.get_field(name)
    if model_field.choices:
        by_label = {str(label): value for value, label in model_field.choices}
        return by_label.get(text, text or "")
    kind = model_field.get_internal_type()
    if kind == "DecimalField":
        return _decimal(text)
    if kind == "DateField":
        return _date(text)
    return "" if text is None else text


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
        if name in _SHEET_FIELDS:  # a version frozen before the field existed
            return _field(name, "")
        raise AttributeError(name)


def frozen_project(version) -> FrozenProject:
    """``version`` is a ProjectVersion (its project gives the year and the unit)."""
    data = version.data or {}
    project = version.project
    fields = {name: _field(name, text) for name, text in data.get("fields", {}).items()}
    subs = {}

    def sub(name):
        if not name:
            return None
        return subs.setdefault(name, SimpleNamespace(name=name))

    rows = data.get("indicators", [])
    level2s = {
        l2.pk: l2
        for l2 in Level2.objects.filter(pk__in=[r.get("l2") for r in rows]).select_related("level1")
    }
    missing = 10**6  # a level since removed from the taxonomy: printed after the others

    def level(row):
        live = level2s.get(row.get("l2"))
        level1 = SimpleNamespace(
            name=row.get("level1", ""), order=live.level1.order if live else missing
        )
        return SimpleNamespace(
            name=row.get("level2", ""), order=live.order if live else missing, level1=level1
        )

    indicators = [
        SimpleNamespace(
            pk=r.get("id"),
            level2=level(r),
            name=r.get("name", ""),
            target_raw=r.get("target", ""),
            remark=r.get("remark", ""),
            sub_project=sub(r.get("sub")),
        )
        for r in rows
    ]
    lines = [
        SimpleNamespace(
            pk=r.get("id"),
            item_name=r.get("item_name", ""),
            content=r.get("content", ""),
            detail=r.get("detail", ""),
            amount=_decimal(r.get("amount")),
            unit_price=_decimal(r.get("unit_price")),
            price_basis=r.get("price_basis", ""),
            quantity=_decimal(r.get("quantity")),
            quantity_basis=r.get("quantity_basis", ""),
            remark=r.get("remark", ""),
            sub_project=sub(r.get("sub")),
        )
        for r in data.get("lines", [])
    ]
    categories = {str(label): value for value, label in RuleDocument.Category.choices}
    docs = []
    for r in data.get("docs", []):
        stages = (r.get("stages", "") + "   ")[:3]
        docs.append(
            SimpleNamespace(
                pk=r.get("id"),
                category=categories.get(r.get("category", ""), r.get("category", "")),
                title=r.get("title", ""),
                measures=r.get("measures", ""),
                stage_planning=stages[0] == MARKED,
                stage_implementation=stages[1] == MARKED,
                stage_closing=stages[2] == MARKED,
                sub_project=sub(r.get("sub")),
            )
        )
    return FrozenProject(
        pk=project.pk,
        budget_year=project.budget_year,
        unit=project.unit,
        indicators=_Rows(indicators),
        budget_lines=_Rows(lines),
        rule_documents=_Rows(docs),
        sub_projects=_Rows(
            SimpleNamespace(pk=s.get("id"), name=s.get("name", ""))
            for s in data.get("sub_projects", [])
        ),
        fields=fields,
    )
