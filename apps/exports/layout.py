"""The printed layout of the three sheets, defined once.

Each sheet is a grid of cells (with column and row spans) in sections; the print page and
the PDF render it as HTML tables, the workbook writes the same cells into a worksheet.
Which rows come in which order, and what each cell says, lives only here.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby

from apps.core.money import fmt_money, fmt_number
from apps.guarantees.models import RuleDocument
from apps.projects.models import Project
from apps.sheets import schema

CHECKED, UNCHECKED = "☑", "☐"


@dataclass
class Cell:
    """One cell. ``kind`` says how it prints: label, head, text, long (paragraphs), money,
    number (a quantity), number-plain (a count), dash (the ---- of the total row), total
    (金额合计), mark (☑/☐), cont (the continuation of a section label: no top border)."""

    value: object = ""
    kind: str = "text"
    colspan: int = 1
    rowspan: int = 1

    @property
    def text(self) -> str:
        if self.kind in ("money", "total"):
            return fmt_money(self.value) if self.value is not None else ""
        if self.kind == "number":
            return fmt_number(self.value)
        if self.kind == "number-plain":
            return "" if self.value is None else str(self.value)
        return "" if self.value is None else str(self.value)

    @property
    def paragraphs(self) -> list[str]:
        return [p for p in self.text.split("\n") if p.strip()] or [""]


@dataclass
class Section:
    """A block of rows; ``head`` rows repeat at the top of each printed page."""

    body: list[list[Cell]]
    head: list[list[Cell]] = field(default_factory=list)


@dataclass
class SheetLayout:
    key: str
    title: str
    year_line: str
    meta_left: str
    meta_right: str
    columns: list[int]  # relative widths, summing to 100
    sections: list[Section]
    footer: list[str] = field(default_factory=list)


def L(text, **kw) -> Cell:  # noqa: N802 - reads like the printed label it is
    return Cell(text, "label", **kw)


def T(value, **kw) -> Cell:  # noqa: N802
    return Cell("" if value is None else value, "text", **kw)


def tagged(text: str, sub_project) -> str:
    """Rows of a sub-project print with its 【name】 tag, as on the paper forms."""
    return f"【{sub_project.name}】{text}" if sub_project else text


# --- Sheet 1 ---------------------------------------------------------------------------


def _value_cell(project: Project, item, colspan: int) -> Cell:
    value = getattr(project, item.name)
    if item.kind == "money":
        return Cell(value, "money", colspan=colspan)
    if item.kind == "long":
        return Cell(value, "long", colspan=colspan)
    if item.kind == "date":
        return T(_date(value), colspan=colspan)
    if item.name == "category":
        return T(category_marks(project), colspan=colspan)
    return T(value, colspan=colspan)


def overview_layout(project: Project) -> SheetLayout:
    """Sheet 1 as the form version declares it (schema.overview_rows)."""
    p, version = project, project.budget_year.form_version
    body = [
        [
            _value_cell(p, c.item, c.colspan)
            if c.item is not None
            else Cell(
                c.text, "label-left" if c.style == "label-left" else "label", c.colspan, c.rowspan
            )
            for c in row
        ]
        for row in schema.overview_rows(version)
    ]
    footer = [
        f"{item.label_for(version)}：{_date(getattr(p, item.name)) if item.kind == 'date' else getattr(p, item.name)}"
        for item in schema.footer_items(version)
    ]
    return SheetLayout(
        key="overview",
        title=schema.OVERVIEW.title,
        year_line=f"（ {p.budget_year.year} 年）",
        meta_left=f"填报单位（盖章）：{p.unit.name}",
        meta_right="金额单位：元",
        columns=[14, 16, 12, 22, 12, 24],
        sections=[Section(body=body)],
        footer=footer,
    )


def category_marks(project: Project) -> str:
    return "　".join(
        f"{CHECKED if project.category == value else UNCHECKED}{label}"
        for value, label in Project.Category.choices
    )


def _date(value) -> str:
    return value.strftime("%Y-%m-%d") if value else ""


# --- Sheet 2 ---------------------------------------------------------------------------

GOAL_COLUMNS = [8, 10, 10, 13, 13, 11, 11, 8, 6, 10]  # section label + 9 columns of 项目构成分解
# Where the 项目构成分解 columns widen when the indicator table is wider (2021).
LINE_WIDENING = ("content", "detail", "price_basis", "quantity_basis", "remark", "item_name")


def indicator_columns(version: str) -> list:
    return [c for c in schema.INDICATORS.columns_for(version) if c.printed]


def line_columns(version: str) -> list:
    return [c for c in schema.LINES.columns_for(version) if c.printed]


def goal_grid(version: str) -> tuple[dict, dict, int]:
    """Spans of the indicator and line columns on one grid, and the grid's width (after
    the section-label column): the wider table sets it, the other widens to fit."""
    ind = {c.name: c.span_for(version) for c in indicator_columns(version)}
    ind["level2"] = 1
    ind_width = sum(ind.values()) + 1  # + the 一级目标 column
    lines = {c.name: c.span_for(version) for c in line_columns(version)}
    width = max(ind_width, sum(lines.values()))
    order = [n for n in LINE_WIDENING if n in lines]
    i = 0
    while sum(lines.values()) < width and order:
        lines[order[i % len(order)]] += 1
        i += 1
    return ind, lines, width


def goal_widths(width: int) -> list[int]:
    if width == len(GOAL_COLUMNS) - 1:
        return GOAL_COLUMNS
    return [6] + [round(94 / width, 2)] * width


def _line_cell(column, ln, span: int) -> Cell:
    value = getattr(ln, column.name)
    if column.kind == "money":
        return Cell(value, "money", colspan=span)
    if column.kind == "number":
        return Cell(value, "number", colspan=span)
    if column.name == "content":
        value = tagged(value, ln.sub_project)
    return T(value, colspan=span)


def _indicator_cell(column, ind, span: int, version: str) -> Cell:
    value = getattr(ind, column.name)
    if column.name == "name":
        value = tagged(value, ind.sub_project)
    if column.kind == "choice":
        value = ind.get_nature_display() if column.name == "nature" else value
    if column.kind == "number":
        return Cell(value, "number", colspan=span)
    return T(value, colspan=span)


def level_names(ind) -> tuple[str, str]:
    """The row's 一级/二级目标 as printed: the taxonomy's, or what was typed (unknown)."""
    if ind.level2_id is None:
        return ind.level1_text, ind.level2_text
    return ind.level2.level1.name, ind.level2.name


def _level_rank(ind) -> tuple:
    if ind.level2_id is None:  # levels the taxonomy lacks print after the known ones
        return (10**6, 0)
    return (ind.level2.level1.order, ind.level2.order)


def goals_layout(project: Project, lines_total: Decimal | None = None) -> SheetLayout:
    p, version = project, project.budget_year.form_version
    ind_spans, line_spans, width = goal_grid(version)
    # Printed grouped as the paper form is: by level 1, then level 2 (the taxonomy's
    # order); within a group, in the order the filler put them.
    indicators = sorted(p.indicators.all(), key=_level_rank)
    lines = list(p.budget_lines.all())
    total = (
        lines_total
        if lines_total is not None
        else sum((ln.amount or Decimal("0") for ln in lines), Decimal("0"))
    )
    composition_item = schema.GOALS.items[0]
    composition = Section(
        body=[
            [
                L(composition_item.label_for(version)),
                L(composition_item.aliases[0], colspan=2),
                Cell(p.composition, "long", colspan=width - 2),
            ]
        ]
    )

    columns = [c for c in indicator_columns(version) if c.kind != "level"]
    ind_body: list[list[Cell]] = []
    for _, group in groupby(indicators, key=lambda i: level_names(i)[0]):
        group = list(group)
        first_of_level1 = True
        for _, rows in groupby(group, key=lambda i: level_names(i)[1]):
            rows = list(rows)
            for j, ind in enumerate(rows):
                level1, level2 = level_names(ind)
                row = [Cell("", "cont")]
                if first_of_level1:
                    row.append(L(level1, rowspan=len(group)))
                    first_of_level1 = False
                if j == 0:
                    row.append(L(level2, rowspan=len(rows)))
                row += [_indicator_cell(c, ind, ind_spans[c.name], version) for c in columns]
                ind_body.append(row)
    level_column = schema.INDICATORS.column("level2")
    goals = Section(
        head=[
            [
                L(schema.INDICATORS.label),
                L("一级指标" if version == schema.NATIONAL_2021 else "一级目标"),
                L(level_column.label_for(version)),
                *[L(c.heading_for(version), colspan=ind_spans[c.name]) for c in columns],
            ]
        ],
        body=ind_body,
    )

    lcols = line_columns(version)
    line_body = [
        [Cell("", "cont"), *[_line_cell(c, ln, line_spans[c.name]) for c in lcols]] for ln in lines
    ]
    before_amount = sum(
        line_spans[c.name] for c in lcols[: [c.name for c in lcols].index("amount")]
    )
    after = [c for c in lcols[[c.name for c in lcols].index("amount") + 1 :]]
    line_body.append(
        [
            Cell("", "cont"),
            L("金额合计", colspan=before_amount),
            Cell(total, "total", colspan=line_spans["amount"]),
            *[Cell("----", "dash", colspan=line_spans[c.name]) for c in after],
        ]
    )
    breakdown = Section(
        head=[
            [
                L(schema.LINES.label),
                *[L(c.heading_for(version), colspan=line_spans[c.name]) for c in lcols],
            ]
        ],
        body=line_body,
    )
    return SheetLayout(
        key="goals",
        title=schema.GOALS.title,
        year_line=f"（{p.budget_year.year} 年）",
        meta_left=f"项目名称：{p.name}",
        meta_right="金额单位：元",
        columns=goal_widths(width),
        sections=[composition, goals, breakdown],
    )


# --- Sheet 3 ---------------------------------------------------------------------------


def guarantees_layout(project: Project) -> SheetLayout:
    version = project.budget_year.form_version
    docs = list(project.rule_documents.all())
    labels = dict(RuleDocument.Category.choices)
    stages = [schema.DOCS.column(n) for n in schema.STAGE_COLUMNS]
    body = []
    for category, group in groupby(docs, key=lambda d: d.category):
        group = list(group)
        for j, doc in enumerate(group):
            row = [L(labels.get(category, category), rowspan=len(group))] if j == 0 else []
            row += [
                Cell(tagged(doc.title, doc.sub_project), "long"),
                Cell(doc.measures, "long"),
                *[
                    Cell(f"{c.label} {CHECKED if getattr(doc, c.name) else UNCHECKED}", "mark")
                    for c in stages
                ],
            ]
            body.append(row)
    category, title, measures = (schema.DOCS.column(n) for n in ("category", "title", "measures"))
    head = [
        [
            L(category.label_for(version), rowspan=2),
            L(title.label_for(version), rowspan=2),
            L(measures.label_for(version), rowspan=2),
            L("保障阶段", colspan=len(stages)),
        ],
        [L(c.label_for(version)) for c in stages],
    ]
    return SheetLayout(
        key="guarantees",
        title="项目支出绩效目标申报表(制度保障)",
        year_line=f"({project.budget_year.year} 年)",
        meta_left=f"项目名称：{project.name}",
        meta_right="",
        columns=[14, 24, 32, 11, 8, 11],
        sections=[Section(head=head, body=body)],
    )


def project_layouts(project: Project) -> list[SheetLayout]:
    """The three sheets of a project, in the order they are filed."""
    return [overview_layout(project), goals_layout(project), guarantees_layout(project)]


def project_for_export(pk: int) -> Project:
    return (
        Project.objects.select_related("unit", "budget_year")
        .prefetch_related(
            "indicators__level2__level1",
            "indicators__sub_project",
            "budget_lines__sub_project",
            "rule_documents__sub_project",
            "sub_projects",
        )
        .get(pk=pk)
    )


# --- A unit's projects for a year: the summary sheet before them -----------------------


def unit_summary_layout(unit, budget_year, projects) -> SheetLayout:
    """``projects`` carry ``lines_total`` (selectors.project_list annotates it)."""
    body = []
    for i, p in enumerate(projects, start=1):
        body.append(
            [
                Cell(i, "number-plain"),
                T(p.name),
                Cell(p.current_budget, "money"),
                Cell(p.lines_total, "money"),
                T(p.get_status_display()),
                T("就绪" if p.is_ready else "未就绪"),
                Cell(p.error_count, "number-plain"),
                Cell(p.warning_count, "number-plain"),
            ]
        )
    body.append(
        [
            L("合计", colspan=2),
            Cell(sum((p.current_budget or Decimal("0") for p in projects), Decimal("0")), "total"),
            Cell(sum((p.lines_total or Decimal("0") for p in projects), Decimal("0")), "total"),
            T(f"共 {len(projects)} 个项目", colspan=2),
            Cell(sum(p.error_count for p in projects), "number-plain"),
            Cell(sum(p.warning_count for p in projects), "number-plain"),
        ]
    )
    head = [
        [
            L(h)
            for h in (
                "序号",
                "项目名称",
                "当年预算",
                "金额合计",
                "状态",
                "是否就绪",
                "错误",
                "提示",
            )
        ]
    ]
    return SheetLayout(
        key="summary",
        title=f"{budget_year.year}年项目支出绩效目标申报汇总表",
        year_line=f"（ {budget_year.year} 年）",
        meta_left=f"填报单位：{unit.name}",
        meta_right="金额单位：元",
        columns=[6, 38, 14, 14, 9, 7, 6, 6],
        sections=[Section(head=head, body=body)],
    )
