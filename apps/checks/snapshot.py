"""A plain, unsaved picture of one project's three sheets — what the rules look at.

Built from the database (``filing_from_project``) or from a page's posted forms, so the
same rules run on a saved project, on a sheet being typed, and (later) on an import.
"""

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from apps.projects.models import FOOTER_FIELDS, OVERVIEW_FIELDS


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

    def get(self, name: str):
        return self.fields.get(name)

    @property
    def lines_total(self) -> Decimal:
        return sum((line.amount or Decimal("0") for line in self.lines), Decimal("0"))

    def with_fields(self, **changes) -> "Filing":
        return replace(self, fields={**self.fields, **changes})


# Sheet 1 without its footer, the 项目构成 text, and where 金额合计 comes from.
SCALAR_FIELDS = [
    *(f for f in OVERVIEW_FIELDS if f not in FOOTER_FIELDS),
    "composition",
    "total_source",
    "declared_total",
]


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
    from apps.indicators.models import Level1

    taxonomy = budget_year.taxonomy
    # One query for both levels; the spec is what the rules and the page's choices need.
    level1s = Level1.objects.filter(taxonomy=taxonomy).prefetch_related("level2s")
    taxonomy._prefetched_objects_cache = {"level1s": level1s}
    return taxonomy_spec(taxonomy)


def sub_project_names(project) -> dict[int, str]:
    return {sp.id: sp.name for sp in project.sub_projects.all()}


def indicator_rows(indicators, sub_names: dict[int, str]) -> list[IndicatorRow]:
    return [
        IndicatorRow(
            key=f"ind-{i}",
            level2_id=ind.level2_id,
            name=ind.name,
            target_raw=ind.target_raw,
            remark=ind.remark,
            sub_project=sub_names.get(ind.sub_project_id, ""),
        )
        for i, ind in enumerate(indicators)
    ]


def line_rows(lines, sub_names: dict[int, str]) -> list[LineRow]:
    return [
        LineRow(
            key=f"line-{i}",
            item_name=ln.item_name,
            content=ln.content,
            detail=ln.detail,
            amount=ln.amount,
            unit_price=ln.unit_price,
            quantity=ln.quantity,
            sub_project=sub_names.get(ln.sub_project_id, ""),
        )
        for i, ln in enumerate(lines)
    ]


def doc_rows(docs, sub_names: dict[int, str]) -> list[DocRow]:
    return [
        DocRow(
            key=f"doc-{i}",
            category=doc.category,
            title=doc.title,
            measures=doc.measures,
            stages=(doc.stage_planning, doc.stage_implementation, doc.stage_closing),
            sub_project=sub_names.get(doc.sub_project_id, ""),
        )
        for i, doc in enumerate(docs)
    ]


def filing_from_project(project, taxonomy: TaxonomySpec | None = None) -> Filing:
    sub_names = sub_project_names(project)
    return Filing(
        year=project.budget_year.year,
        taxonomy=taxonomy or taxonomy_spec_for_year(project.budget_year),
        fields={name: getattr(project, name) for name in SCALAR_FIELDS},
        indicators=indicator_rows(project.indicators.all(), sub_names),
        lines=line_rows(project.budget_lines.all(), sub_names),
        docs=doc_rows(project.rule_documents.all(), sub_names),
    )


def as_date(value) -> date | None:
    return value if isinstance(value, date) else None
