"""The three sheets, declared once: every field and row column, in printed order.

Each ``Item`` names its model field, the label the sheet prints, how its value is typed
(``kind``), the labels an import also accepts, and which form versions have it. The sheet
pages, the rules' snapshot, the printed layout (print, PDF, Excel), the import parser
and plan, the snapshot behind history, versions and the import preview, and the diff
all read this module; none keeps a list of its own. A model field of the sheets that is
neither declared here nor listed as not-a-sheet-field fails a test
(tests/sheets/test_schema.py).

Form versions are the layouts a budget year can file on (``budgets.FormVersion`` says
which one a year uses, and carries the version's settings):

* ``minhang-2018`` — the seeds' 2018–2020 sheets (目标值 typed as one text);
* ``national-2021`` — the 2021 national core-indicator table (财预〔2021〕101号 附件 style):
  指标性质 apart from 指标值 and 度量单位, 分值, 指标解释, 指标值设定依据, 评(扣)分标准,
  数据来源; 中期目标 and 年度目标.
"""

from dataclasses import dataclass
from functools import cache

from django.apps import apps as django_apps

# The sheets' keys (apps.checks.findings.Sheet has the same values).
OVERVIEW_SHEET, GOALS_SHEET, GUARANTEES_SHEET = "overview", "goals", "guarantees"
SHEET_LABELS = {
    OVERVIEW_SHEET: "项目总体情况",
    GOALS_SHEET: "绩效目标",
    GUARANTEES_SHEET: "制度保障",
}

MINHANG_2018 = "minhang-2018"
NATIONAL_2021 = "national-2021"
VERSION_LABELS = {
    MINHANG_2018: "闵行区申报表（2018–2020 年格式）",
    NATIONAL_2021: "全国核心绩效指标表（2021 年格式，财预〔2021〕101号）",
}
ALL = (MINHANG_2018, NATIONAL_2021)
ONLY_2018 = (MINHANG_2018,)
ONLY_2021 = (NATIONAL_2021,)
DEFAULT_VERSION = MINHANG_2018
# The longest text a paragraph field keeps (项目概况, 依据, 总目标 …; the seeds' longest is
# under 1,000) and a long cell of a row (备注, 文件名称, 具体措施, 指标解释 …): the pages, the
# import and the PDF all stay bounded (WeasyPrint takes ~24 s on one 30,000-character text).
LONG_TEXT_MAX = 10_000
ROW_TEXT_MAX = 1_000

# How a value is typed, kept and shown:
#   text   one line (the ends are stripped on import)      long  paragraphs, kept as typed
#   money  Decimal(18,2) in 元                              number a quantity or a score
#   date   a date                                          choice one of the model's choices
#   bool   a tick (☑/☐)                                    level  the indicator's 二级目标
#   sub    the 【】 sub-project of a row
KINDS = ("text", "long", "money", "number", "date", "choice", "bool", "level", "sub")


@dataclass(frozen=True)
class Item:
    name: str  # the model field (or, for ``level``/``sub``, the row's foreign key)
    label: str  # as the sheet prints it
    kind: str
    versions: tuple[str, ...] = ALL
    aliases: tuple[str, ...] = ()  # other labels an import accepts for it
    labels: tuple[tuple[str, str], ...] = ()  # (version, label) where a version differs
    group: str = ""  # sheet 1: the block label it prints under (项目立项情况, 项目资金)
    line: str = ""  # sheet 1: items sharing a line print side by side
    prefix: str = ""  # sheet 1: the numbering printed before the label (一、, （一）…)
    footer: bool = False  # sheet 1: printed below the table, beside the signatures
    printed: bool = True  # False: kept and exported as metadata, not printed on the sheet
    heading: str = ""  # tables: the column heading, where it is not the label
    span: int = 1  # tables: grid columns the column takes on the printed sheet
    spans: tuple[tuple[str, int], ...] = ()  # (version, span) where a version differs

    def label_for(self, version: str) -> str:
        return dict(self.labels).get(version, self.label)

    def heading_for(self, version: str) -> str:
        return self.heading or self.label_for(version)

    def span_for(self, version: str) -> int:
        return dict(self.spans).get(version, self.span)

    def has(self, version: str) -> bool:
        return version in self.versions

    @property
    def single_line(self) -> bool:
        return self.kind == "text"


@dataclass(frozen=True)
class Table:
    key: str  # snapshot/plan key: indicators, lines, docs
    sheet: str
    label: str  # the table's name on the sheet
    noun: str  # what one row is called (第 3 行指标)
    model: str  # app_label.Model
    related: str  # the project's related name for its rows
    columns: tuple[Item, ...]
    naming: tuple[str, ...]  # columns that name a row (matching rows on re-import)

    def columns_for(self, version: str) -> tuple[Item, ...]:
        return tuple(c for c in self.columns if c.has(version))

    def column(self, name: str) -> Item:
        return next(c for c in self.columns if c.name == name)

    @property
    def name_column(self) -> str:
        return self.naming[-1] if self.key == "indicators" else self.naming[0]


@dataclass(frozen=True)
class SheetSpec:
    key: str
    title: str
    items: tuple[Item, ...]


def _fund(name, label, prefix, line=""):
    return Item(name, label, "money", group="项目资金", prefix=prefix)


# --- Sheet 1 — 项目总体情况 ----------------------------------------------------------------

OVERVIEW = SheetSpec(
    OVERVIEW_SHEET,
    "财政项目支出绩效目标申报表（项目总体情况）",
    (
        Item("name", "项目名称", "text"),
        Item("category", "项目类别", "choice", labels=((NATIONAL_2021, "项目属性"),)),
        Item("leader", "项目负责人", "text", line="people"),
        Item("contact", "联系人", "text", line="people"),
        Item("phone", "联系电话", "text", line="people"),
        Item("start_date", "起始日期", "date", aliases=("开始日期",), line="dates"),
        Item("end_date", "结束日期", "date", line="dates"),
        Item("overview", "项目概况", "long"),
        Item("basis", "依据", "long", aliases=("立项依据", "主要依据"), group="项目立项情况"),
        Item("necessity", "必要性", "long", group="项目立项情况"),
        Item("feasibility", "可行性", "long", group="项目立项情况"),
        _fund("total_budget", "项目总预算", "一、"),
        _fund("current_budget", "当年预算", "二、"),
        _fund("fiscal_total", "财政拨款", "（一）"),
        _fund("fiscal_upper", "上级财政拨款", "1. "),
        _fund("fiscal_local", "本级财政安排", "2. "),
        _fund("fiscal_lower", "下级财政配套", "3. "),
        _fund("other_funds", "其他资金", "（二）"),
        Item("resources", "项目相关资源投入和制度建设情况", "long"),
        Item(
            "overall_goal",
            "项目总目标",
            "long",
            labels=((NATIONAL_2021, "中期目标"),),
            aliases=("总目标", "中期目标"),
        ),
        Item(
            "annual_goal",
            "年度绩效目标",
            "long",
            labels=((NATIONAL_2021, "年度目标"),),
            aliases=("年度目标", "年度"),  # seed 000 prints the label cut short
        ),
        Item("other_issues", "需要说明的其他问题", "long"),
        Item("unit_head_name", "填报单位负责人", "text", footer=True),
        Item(
            "filler_name",
            "填报人（填表人）",
            "text",
            aliases=("填报人", "填表人"),
            footer=True,
        ),
        Item("filing_date", "填报日期", "date", footer=True),
    ),
)

# --- Sheet 2 — 绩效目标 --------------------------------------------------------------------

GOALS = SheetSpec(
    GOALS_SHEET,
    "财政项目支出绩效目标申报表（绩效目标）",
    (
        Item(
            "composition", "项目构成", "long", aliases=("主体活动(作业、任务)和对应产出的详细描述",)
        ),
        # Where 金额合计 comes from, and what an original sheet printed there: kept (and
        # carried in an export's metadata) so a break of the filed sheet stays visible.
        Item("total_source", "金额合计来源", "choice", printed=False),
        Item("declared_total", "原表金额合计", "money", printed=False),
    ),
)

INDICATORS = Table(
    "indicators",
    GOALS_SHEET,
    "绩效目标",
    "指标",
    "indicators.Indicator",
    "indicators",
    (
        # level: the 二级目标 (and through it the 一级目标) of the year's taxonomy; a name
        # the taxonomy lacks is kept as typed (level1_text/level2_text) with a finding.
        Item("level2", "二级目标", "level", labels=((NATIONAL_2021, "二级指标"),)),
        Item(
            "name",
            "三级目标",
            "text",
            labels=((NATIONAL_2021, "三级指标"),),
            span=3,
            spans=((NATIONAL_2021, 2),),
        ),
        Item("nature", "指标性质", "choice", versions=ONLY_2021),
        Item("target_raw", "目标值", "text", versions=ONLY_2018, aliases=("指标值",), span=2),
        Item("target_value", "指标值", "text", versions=ONLY_2021),
        Item("measure_unit", "度量单位", "text", versions=ONLY_2021, aliases=("计量单位",)),
        Item("weight", "分值", "number", versions=ONLY_2021, aliases=("权重", "分值(权重)")),
        Item("explanation", "指标解释", "long", versions=ONLY_2021, span=2),
        Item("value_basis", "指标值设定依据", "long", versions=ONLY_2021),
        Item(
            "scoring",
            "评(扣)分标准",
            "long",
            versions=ONLY_2021,
            aliases=("评分标准", "扣分标准"),
            span=2,
        ),
        Item("data_source", "数据来源", "text", versions=ONLY_2021),
        Item("remark", "备注", "long", span=2, spans=((NATIONAL_2021, 1),)),
        Item("sub_project", "子项目", "sub", printed=False),
    ),
    naming=("level2", "name"),
)

LINES = Table(
    "lines",
    GOALS_SHEET,
    "项目构成分解",
    "明细",
    "budget_lines.BudgetLine",
    "budget_lines",
    (
        Item("item_name", "项目名称", "text"),
        Item("content", "项目内容", "text"),
        Item("detail", "项目明细", "text"),
        Item("amount", "明细金额", "money"),
        Item("unit_price", "单价", "money"),
        Item("price_basis", "单价依据", "text", heading="依据"),
        Item("quantity", "数量", "number"),
        Item("quantity_basis", "数量依据", "text", heading="依据"),
        Item("remark", "备注", "text"),
        Item("sub_project", "子项目", "sub", printed=False),
    ),
    naming=("item_name", "content", "detail"),
)

DOCS = Table(
    "docs",
    GUARANTEES_SHEET,
    "制度保障",
    "制度",
    "guarantees.RuleDocument",
    "rule_documents",
    (
        Item("category", "制度保障", "choice"),
        Item("title", "文件名称", "long"),
        Item("measures", "具体措施", "long"),
        Item("stage_planning", "立项和计划阶段", "bool"),
        Item("stage_implementation", "实施阶段", "bool"),
        Item("stage_closing", "收尾和完成阶段", "bool"),
        Item("sub_project", "子项目", "sub", printed=False),
    ),
    naming=("category", "title"),
)

SHEETS = (OVERVIEW, GOALS)
TABLES = (INDICATORS, LINES, DOCS)
TABLE_BY_KEY = {t.key: t for t in TABLES}
STAGE_COLUMNS = ("stage_planning", "stage_implementation", "stage_closing")

# Model fields that are not sheet content: the workflow's, the rows' bookkeeping, and
# values derived from declared ones (the parsed parts of 目标值; the typed level names,
# kept only while the level is not in the taxonomy). tests/sheets/test_schema.py fails
# for a model field in neither list.
NOT_SHEET_FIELDS = {
    "projects.Project": {
        "id",
        "unit",
        "budget_year",
        "status",
        "revision",
        "adjustment",
        "grade",
        "approved_at",
        "error_count",
        "warning_count",
        "lines_total",
        "created_at",
        "updated_at",
    },
    "indicators.Indicator": {
        "id",
        "project",
        "order",
        "target_kind",
        "target_comparator",
        "target_number",
        "target_unit",
        "level1_text",
        "level2_text",
        "library_entry",  # derived from the name on save (apps/projects/rows.py)
        "copied_from",
    },
    "budget_lines.BudgetLine": {"id", "project", "order"},
    "guarantees.RuleDocument": {"id", "project", "order"},
}


def fields(version: str | None = None) -> tuple[Item, ...]:
    """Every scalar item of the sheets (of ``version``, or of any), in printed order."""
    items = (i for s in SHEETS for i in s.items)
    return tuple(i for i in items if version is None or i.has(version))


@cache
def field(name: str) -> Item:
    return next(i for i in fields() if i.name == name)


def sheet_of(name: str) -> str:
    return next(s.key for s in SHEETS if any(i.name == name for i in s.items))


def overview_fields(version: str | None = None) -> tuple[Item, ...]:
    return tuple(i for i in OVERVIEW.items if version is None or i.has(version))


def model_field(model: str, name: str):
    return django_apps.get_model(model)._meta.get_field(name)


def max_length(item: Item, model: str = "projects.Project") -> int | None:
    """The longest text the model keeps for ``item`` (None: no limit)."""
    if item.kind in ("level", "sub"):
        return None
    return getattr(model_field(model, item.name), "max_length", None)


def choices(item: Item, model: str = "projects.Project") -> list[tuple[str, str]]:
    return list(model_field(model, item.name).choices or [])


def field_names(version: str | None = None) -> list[str]:
    return [i.name for i in fields(version)]


# --- Sheet 1 as a grid, for the page and the print alike ------------------------------

OVERVIEW_WIDTH = 6  # grid columns of sheet 1
_INDENT = {"一、": 0, "二、": 0, "（一）": 1, "（二）": 1}


@dataclass(frozen=True)
class GridCell:
    """A cell of sheet 1: a label (``text``) or an item's value (``item``)."""

    text: str = ""
    item: Item | None = None
    colspan: int = 1
    rowspan: int = 1
    # label | label-left (a money line's label) | label-sub (a part of a group) | value
    style: str = "label"


def overview_rows(version: str) -> list[list[GridCell]]:
    """Sheet 1's rows: a label and its value per line; items sharing a ``line`` side by
    side; a ``group`` (项目立项情况, 项目资金) under one label spanning its rows."""
    items = [i for i in overview_fields(version) if i.printed and not i.footer]
    rows: list[list[GridCell]] = []
    k = 0
    while k < len(items):
        item = items[k]
        if item.group:
            group = [i for i in items[k:] if i.group == item.group]
            for j, member in enumerate(group):
                row = [GridCell(item.group, rowspan=len(group))] if j == 0 else []
                label = member.label_for(version)
                if member.kind == "money":
                    indent = "　" * _INDENT.get(member.prefix, 2)
                    row += [
                        GridCell(
                            indent + member.prefix + label + "：", colspan=2, style="label-left"
                        ),
                        GridCell(item=member, colspan=3, style="value"),
                    ]
                else:
                    row += [
                        GridCell(label + "：", style="label-sub"),
                        GridCell(item=member, colspan=OVERVIEW_WIDTH - 2, style="value"),
                    ]
                rows.append(row)
            k += len(group)
        elif item.line:
            line = [i for i in items[k:] if i.line == item.line]
            share = OVERVIEW_WIDTH // len(line)
            row = []
            for member in line:
                row += [
                    GridCell(member.label_for(version) + "："),
                    GridCell(item=member, colspan=share - 1, style="value"),
                ]
            rows.append(row)
            k += len(line)
        else:
            rows.append(
                [
                    GridCell(item.label_for(version)),
                    GridCell(item=item, colspan=OVERVIEW_WIDTH - 1, style="value"),
                ]
            )
            k += 1
    return rows


def footer_items(version: str) -> list[Item]:
    return [i for i in overview_fields(version) if i.footer]
