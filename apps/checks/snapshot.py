"""A plain, unsaved picture of one project's three sheets — what the rules look at.

Built from the database (``filing_from_project``) or from a page's posted forms, so the
same rules run on a saved project, on a sheet being typed, and (later) on an import.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from apps.sheets import schema
from apps.sheets.values import from_json


@dataclass(frozen=True)
class Level2Spec:
    id: int
    name: str
    kind: str
    required: bool


@dataclass(frozen=True)
class Level1Spec:
    id: int
    name: str
    required: bool
    level2s: tuple[Level2Spec, ...]


@dataclass(frozen=True)
class TaxonomySpec:
    name: str
    level1s: tuple[Level1Spec, ...]

    def level2_by_id(self) -> dict[int, tuple[Level1Spec, Level2Spec]]:
        return {l2.id: (l1, l2) for l1 in self.level1s for l2 in l1.level2s}


@dataclass
class IndicatorRow:
    key: str  # form prefix of the row, e.g. "ind-3"
    level2_id: int | None
    name: str
    target_raw: str
    remark: str = ""
    sub_project: str = ""
    # What was typed as the levels while they are not in the taxonomy (import).
    level1_name: str = ""
    level2_name: str = ""
    # The 2021 core-indicator table.
    nature: str = ""
    target_value: str = ""
    measure_unit: str = ""
    weight: Decimal | None = None
    explanation: str = ""
    value_basis: str = ""
    scoring: str = ""
    data_source: str = ""


@dataclass
class LineRow:
    key: str  # e.g. "line-0"
    item_name: str
    content: str
    detail: str
    amount: Decimal | None
    unit_price: Decimal | None
    quantity: Decimal | None
    sub_project: str = ""
    price_basis: str = ""
    quantity_basis: str = ""
    remark: str = ""


@dataclass
class DocRow:
    key: str  # e.g. "doc-2"
    category: str
    title: str
    measures: str
    stages: tuple[bool, bool, bool]
    sub_project: str = ""


@dataclass
class Filing:
    year: int
    taxonomy: TaxonomySpec
    fields: dict  # sheet-1 and sheet-2 scalar fields by model field name
    indicators: list[IndicatorRow] = field(default_factory=list)
    lines: list[LineRow] = field(default_factory=list)
    docs: list[DocRow] = field(default_factory=list)
    version: str = schema.DEFAULT_VERSION
    weights_total: Decimal | None = None  # the version's 分值 total, if it checks one
    weights_required: bool = False
    mandated: tuple = ()  # the 固化指标 that apply to the unit (apps/library MandatedSpec)

    def get(self, name: str):
        return self.fields.get(name)

    @property
    def lines_total(self) -> Decimal:
        return sum((line.amount or Decimal("0") for line in self.lines), Decimal("0"))

    def with_fields(self, **changes) -> "Filing":
        return replace(self, fields={**self.fields, **changes})


# Every declared scalar but the footer (what the rules look at).
SCALAR_FIELDS = [i.name for i in schema.fields() if not i.footer]
ROW_CLASSES = {"indicators": IndicatorRow, "lines": LineRow, "docs": DocRow}
KEY_PREFIX = {"indicators": "ind", "lines": "line", "docs": "doc"}


def make_row(table: schema.Table, key: str, values: dict):
    """A rules row from a table's declared values (model values: Decimal, bool, …).

    ``values`` holds each declared column by name; ``level2`` is the level's id and
    ``sub_project`` the sub-project's name."""
    values = dict(values)
    if table.key == "docs":
        values["stages"] = tuple(bool(values.pop(n, False)) for n in schema.STAGE_COLUMNS)
    if table.key == "indicators":
        values["level2_id"] = values.pop("level2", None)
    cls = ROW_CLASSES[table.key]
    known = cls.__dataclass_fields__
    return cls(key=key, **{k: v for k, v in values.items() if k in known})


def rows_from_objects(table: schema.Table, objects, sub_names: dict[int, str]) -> list:
    out = []
    for i, obj in enumerate(objects):
        values = {}
        for column in table.columns:
            if column.kind == "level":
                values["level2"] = obj.level2_id
                values["level1_name"], values["level2_name"] = obj.level1_text, obj.level2_text
            elif column.kind == "sub":
                values["sub_project"] = sub_names.get(obj.sub_project_id, "")
            else:
                values[column.name] = getattr(obj, column.name)
        out.append(make_row(table, f"{KEY_PREFIX[table.key]}-{i}", values))
    return out


def rows_from_json(table: schema.Table, rows: list[dict]) -> list:
    """Rules rows from snapshot-shaped rows (an import plan's data)."""
    out = []
    for i, row in enumerate(rows):
        values = {}
        for column in table.columns:
            if column.kind == "level":
                values["level2"] = row.get("level2")
                values["level1_name"] = row.get("level1_name") or ""
                values["level2_name"] = row.get("level2_name") or ""
            elif column.kind == "sub":
                values["sub_project"] = row.get("sub_project") or ""
            else:
                values[column.name] = from_json(column.kind, row.get(column.name))
        out.append(make_row(table, f"{KEY_PREFIX[table.key]}-{i}", values))
    return out


def taxonomy_spec(taxonomy) -> TaxonomySpec:
    level1s = []
    for l1 in taxonomy.level1s.all():
        level2s = tuple(
            Level2Spec(id=l2.id, name=l2.name, kind=l2.kind, required=l2.required)
            for l2 in l1.level2s.all()
        )
        level1s.append(Level1Spec(id=l1.id, name=l1.name, required=l1.required, level2s=level2s))
    return TaxonomySpec(name=taxonomy.name, level1s=tuple(level1s))


def taxonomy_spec_for_year(budget_year) -> TaxonomySpec:
    from django.db.models import Prefetch

    from apps.indicators.models import Level1, Level2

    taxonomy = budget_year.taxonomy
    # One query for both levels; the spec is what the rules and the page's choices need.
    # Ordered within the taxonomy and within each level 1 as the models' ordering orders
    # them, without its joins to the taxonomy (models' ordering names the parent first).
    level1s = (
        Level1.objects.filter(taxonomy=taxonomy)
        .order_by("order", "id")
        .prefetch_related(Prefetch("level2s", Level2.objects.order_by("order", "id")))
    )
    taxonomy._prefetched_objects_cache = {"level1s": level1s}
    return taxonomy_spec(taxonomy)


def sub_project_names(project) -> dict[int, str]:
    return {sp.id: sp.name for sp in project.sub_projects.all()}


def version_settings(budget_year) -> dict:
    """What the rules need of the year's form version (its stored settings)."""
    from apps.budgets.models import FormVersion

    form = FormVersion.for_code(budget_year.form_version)
    return {
        "version": form.code,
        "weights_total": form.weights_total,
        "weights_required": form.weights_required,
    }


def mandated_for(budget_year_id: int, unit_id: int) -> tuple:
    from apps.library.selectors import mandated_specs

    return mandated_specs(budget_year_id=budget_year_id, unit_id=unit_id)


def filing_from_project(project, taxonomy: TaxonomySpec | None = None, settings=None) -> Filing:
    sub_names = sub_project_names(project)
    return Filing(
        mandated=mandated_for(project.budget_year_id, project.unit_id),
        year=project.budget_year.year,
        taxonomy=taxonomy or taxonomy_spec_for_year(project.budget_year),
        fields={name: getattr(project, name) for name in SCALAR_FIELDS},
        indicators=rows_from_objects(schema.INDICATORS, project.indicators.all(), sub_names),
        lines=rows_from_objects(schema.LINES, project.budget_lines.all(), sub_names),
        docs=rows_from_objects(schema.DOCS, project.rule_documents.all(), sub_names),
        **(settings if settings is not None else version_settings(project.budget_year)),
    )


def as_date(value) -> date | None:
    return value if isinstance(value, date) else None
