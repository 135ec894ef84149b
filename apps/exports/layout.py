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


def overview_layout(project: Project) -> SheetLayout:
    p = project
    money = [
        ("一、项目总预算：", p.total_budget, 0),
        ("二、当年预算：", p.current_budget, 0),
        ("（一）财政拨款：", p.fiscal_total, 1),
        ("1. 上级财政拨款：", p.fiscal_upper, 2),
        ("2. 本级财政安排：", p.fiscal_local, 2),
        ("3. 下级财政配套：", p.fiscal_lower, 2),
        ("（二）其他资金：", p.other_funds, 1),
    ]
    body = [
        [L("项目名称"), T(p.name, colspan=5)],
        [L("项目类别"), T(category_marks(p), colspan=5)],
        [L("项目负责人："), T(p.leader), L("联系人："), T(p.contact), L("联系电话："), T(p.phone)],
        [
            L("起始日期："),
            T(_date(p.start_date), colspan=2),
            L("结束日期："),
            T(_date(p.end_date), colspan=2),
        ],
        [L("项目概况"), Cell(p.overview, "long", colspan=5)],
        [L("项目立项情况", rowspan=3), L("依据："), Cell(p.basis, "long", colspan=4)],
        [L("必要性："), Cell(p.necessity, "long", colspan=4)],
        [L("可行性："), Cell(p.feasibility, "long", colspan=4)],
    ]
    for i, (label, amount, indent) in enumerate(money):
        row = [L("项目资金", rowspan=len(money))] if i == 0 else []
        row += [
            Cell("　" * indent + label, "label-left", colspan=2),
            Cell(amount, "money", colspan=3),
        ]
        body.append(row)
    body += [
        [L("项目相关资源投入和制度建设情况"), Cell(p.resources, "long", colspan=5)],
        [L("项目总目标"), Cell(p.overall_goal, "long", colspan=5)],
        [L("年度绩效目标"), Cell(p.annual_goal, "long", colspan=5)],
        [L("需要说明的其他问题"), Cell(p.other_issues, "long", colspan=5)],
    ]
    return SheetLayout(
        key="overview",
        title="财政项目支出绩效目标申报表（项目总体情况）",
        year_line=f"（ {p.budget_year.year} 年）",
        meta_left=f"填报单位（盖章）：{p.unit.name}",
        meta_right="金额单位：元",
        columns=[14, 16, 12, 22, 12, 24],
        sections=[Section(body=body)],
        footer=[
            f"填报单位负责人：{p.unit_head_name}",
            f"填报人（填表人）：{p.filler_name}",
            f"填报日期：{_date(p.filing_date)}",
        ],
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


def goals_layout(project: Project, lines_total: Decimal | None = None) -> SheetLayout:
    p = project
    # Printed grouped as the paper form is: by level 1, then level 2 (the taxonomy's
    # order); within a group, in the order the filler put them.
    indicators = sorted(p.indicators.all(), key=lambda i: (i.level2.level1.order, i.level2.order))
    lines = list(p.budget_lines.all())
    total = (
        lines_total
        if lines_total is not None
        else sum((ln.amount or Decimal("0") for ln in lines), Decimal("0"))
    )
    composition = Section(
        body=[
            [
                L("项目构成"),
                L("主体活动(作业、任务)和对应产出的详细描述", colspan=2),
                Cell(p.composition, "long", colspan=7),
            ]
        ]
    )

    ind_body: list[list[Cell]] = []
    for level1, group in groupby(indicators, key=lambda i: i.level2.level1.name):
        group = list(group)
        first_of_level1 = True
        for level2, rows in groupby(group, key=lambda i: i.level2.name):
            rows = list(rows)
            for j, ind in enumerate(rows):
                row = [Cell("", "cont")]
                if first_of_level1:
                    row.append(L(level1, rowspan=len(group)))
                    first_of_level1 = False
                if j == 0:
                    row.append(L(level2, rowspan=len(rows)))
                row += [
                    T(tagged(ind.name, ind.sub_project), colspan=3),
                    T(ind.target_raw, colspan=2),
                    T(ind.remark, colspan=2),
                ]
                ind_body.append(row)
    goals = Section(
        head=[
            [
                L("绩效目标"),
                L("一级目标"),
                L("二级目标"),
                L("三级目标", colspan=3),
                L("目标值", colspan=2),
                L("备注", colspan=2),
            ]
        ],
        body=ind_body,
    )

    line_body = [
        [
            Cell("", "cont"),
            T(ln.item_name),
            T(tagged(ln.content, ln.sub_project)),
            T(ln.detail),
            Cell(ln.amount, "money"),
            Cell(ln.unit_price, "money"),
            T(ln.price_basis),
            Cell(ln.quantity, "number"),
            T(ln.quantity_basis),
            T(ln.remark),
        ]
        for ln in lines
    ]
    line_body.append(
        [
            Cell("", "cont"),
            L("金额合计", colspan=3),
            Cell(total, "total"),
            *[Cell("----", "dash") for _ in range(5)],
        ]
    )
    breakdown = Section(
        head=[
            [
                L("项目构成分解"),
                *[
                    L(h)
                    for h in (
                        "项目名称",
                        "项目内容",
                        "项目明细",
                        "明细金额",
                        "单价",
                        "依据",
                        "数量",
                        "依据",
                        "备注",
                    )
                ],
            ]
        ],
        body=line_body,
    )
    return SheetLayout(
        key="goals",
        title="财政项目支出绩效目标申报表（绩效目标）",
        year_line=f"（{p.budget_year.year} 年）",
        meta_left=f"项目名称：{p.name}",
        meta_right="金额单位：元",
        columns=GOAL_COLUMNS,
        sections=[composition, goals, breakdown],
    )


# --- Sheet 3 ---------------------------------------------------------------------------


def guarantees_layout(project: Project) -> SheetLayout:
    docs = list(project.rule_documents.all())
    labels = dict(RuleDocument.Category.choices)
    body = []
    for category, group in groupby(docs, key=lambda d: d.category):
        group = list(group)
        for j, doc in enumerate(group):
            row = [L(labels.get(category, category), rowspan=len(group))] if j == 0 else []
            row += [
                Cell(tagged(doc.title, doc.sub_project), "long"),
                Cell(doc.measures, "long"),
                *[
                    Cell(f"{label} {CHECKED if flag else UNCHECKED}", "mark")
                    for label, flag in (
                        ("立项和计划阶段", doc.stage_planning),
                        ("实施阶段", doc.stage_implementation),
                        ("收尾和完成阶段", doc.stage_closing),
                    )
                ],
            ]
            body.append(row)
    head = [
        [
            L("制度保障", rowspan=2),
            L("文件名称", rowspan=2),
            L("具体措施", rowspan=2),
            L("保障阶段", colspan=3),
        ],
        [L("立项和计划阶段"), L("实施阶段"), L("收尾和完成阶段")],
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
