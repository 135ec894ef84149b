"""Reads: a unit's budget book computed from its leaf entries.

Every figure of the eight tables that is not a leaf entry is computed here: 类 = Σ 款,
款 = Σ 项, 合计 = Σ 类, 合计 = 基本支出 + 项目支出, 基本支出 = 人员经费 + 公用经费, and the
two sides of the summary tables. Nothing computed is stored.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from apps.budgets.models import BudgetYear
from apps.projects.models import Project
from apps.unit_budgets.models import (
    ClassificationCode,
    EconomicEntry,
    ExpenditureEntry,
    RevenueEntry,
    Source,
    UnitBudget,
)
from apps.units.models import Unit

ZERO = Decimal("0")
CENT = Decimal("0.01")
TEN_THOUSAND = Decimal("10000")
CHINESE_NUMERALS = "一二三四五六七八九十"
Kind = ClassificationCode.Kind


def wan(amount: Decimal) -> Decimal:
    """元 → 万元, two decimals, half up (as the printed book rounds)."""
    return (amount / TEN_THOUSAND).quantize(CENT, rounding=ROUND_HALF_UP)


def percent(part: Decimal, whole: Decimal) -> Decimal:
    return (part * 100 / whole).quantize(CENT, rounding=ROUND_HALF_UP)


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 17 → 十七, 20 → 二十, 22 → 二十二 (the 类 lines go to 二十二)."""
    if n <= 10:
        return CHINESE_NUMERALS[n - 1]
    tens, ones = divmod(n, 10)
    head = "十" if tens == 1 else CHINESE_NUMERALS[tens - 1] + "十"
    return head + (CHINESE_NUMERALS[ones - 1] if ones else "")


def _add(a: list[Decimal], b: list[Decimal]) -> list[Decimal]:
    return [x + y for x, y in zip(a, b, strict=True)]


def _total(vectors, width: int) -> list[Decimal]:
    out = [ZERO] * width
    for v in vectors:
        out = _add(out, v)
    return out


@dataclass
class Line:
    """One printed line of a classification table. ``values`` is None when the line is
    listed but has nothing in it: it prints with blank cells, as the book does."""

    code: str
    name: str
    values: list[Decimal] | None

    @property
    def level(self) -> str:
        return ClassificationCode.LEVELS.get(len(self.code), "")

    @property
    def parts(self) -> tuple[str, str, str]:
        return self.code[:3], self.code[3:5], self.code[5:7]


@dataclass
class CodeTable:
    """A table of 类/款(/项) lines and a 合计 line (None: the table has no lines)."""

    key: str
    title: str
    columns: list[str]
    lines: list[Line]
    total: list[Decimal] | None
    note: str = ""

    def line(self, code: str) -> Line:
        return next(line for line in self.lines if line.code == code)


@dataclass
class SideLine:
    label: str
    values: list[Decimal] | None
    code: str = ""


@dataclass
class SummaryTable:
    """A two-sided table (收入 | 支出): 财务收支预算总表 and 财政拨款收支预算总表."""

    key: str
    title: str
    revenue: list[SideLine]
    revenue_total: Decimal
    expenditure: list[SideLine]
    expenditure_total: list[Decimal]

    def expenditure_line(self, code: str) -> SideLine:
        return next(line for line in self.expenditure if line.code == code)


@dataclass
class ThreeCosts:
    """“三公”经费 and 机关运行经费, in 元 (the table prints 万元)."""

    abroad: Decimal
    reception: Decimal
    vehicle_purchase: Decimal
    vehicle_running: Decimal
    office_running: Decimal

    @property
    def vehicle(self) -> Decimal:
        return self.vehicle_purchase + self.vehicle_running

    @property
    def total(self) -> Decimal:
        return self.abroad + self.reception + self.vehicle

    def row(self) -> list[Decimal]:
        """The printed row, in 元: 合计, 出国, 接待, 公车小计, 购置, 运行, 机关运行经费."""
        return [
            self.total,
            self.abroad,
            self.reception,
            self.vehicle,
            self.vehicle_purchase,
            self.vehicle_running,
            self.office_running,
        ]


@dataclass
class Tie:
    """The unit's 项目支出 against Σ 当年预算 of its projects of the year."""

    project_expenditure: Decimal
    projects: list[Project]

    @property
    def projects_total(self) -> Decimal:
        return sum((p.current_budget or ZERO for p in self.projects), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.project_expenditure - self.projects_total

    @property
    def blank(self) -> list[Project]:
        return [p for p in self.projects if p.current_budget is None]

    @property
    def holds(self) -> bool:
        return self.difference == 0 and not self.blank


@dataclass
class Entries:
    """The leaf entries of a unit budget, keyed by code."""

    revenue: dict[str, list[Decimal]] = field(default_factory=dict)  # 5 sources
    expenditure: dict[str, dict[str, list[Decimal]]] = field(default_factory=dict)  # 人员/公用/项目
    economic: dict[str, list[Decimal]] = field(default_factory=dict)  # 人员/公用
    purpose: dict[tuple[str, str], str] = field(default_factory=dict)  # (项, source) → text

    def purposes(self, code: str) -> list[str]:
        return [text for (c, _), text in sorted(self.purpose.items()) if c == code and text]

    def spending(self, source: str | None = None) -> dict[str, list[Decimal]]:
        """人员经费, 公用经费, 项目支出 per 项, of one source or all."""
        out = {}
        for code, by_source in self.expenditure.items():
            vectors = [v for s, v in by_source.items() if source is None or s == source]
            if vectors:
                out[code] = _total(vectors, 3)
        return out


@dataclass
class Book:
    unit: Unit
    budget_year: BudgetYear
    budget: UnitBudget | None
    codes: dict[tuple[str, str], ClassificationCode]
    entries: Entries
    projects: list[Project]

    @property
    def year(self) -> int:
        return self.budget_year.year

    def purpose_of(self, code: str, source: str) -> str:
        return self.entries.purpose.get((code, source), "")

    def name(self, kind: str, code: str) -> str:
        found = self.codes.get((kind, code))
        return found.name if found else "（科目表中无此科目）"

    # --- totals the tables and the explanation share ------------------------------------

    def spending_total(self, source: str | None = None) -> list[Decimal]:
        """Σ 人员经费, Σ 公用经费, Σ 项目支出 over every 项 (of one source or all)."""
        return _total(self.entries.spending(source).values(), 3)

    def revenue_total(self) -> list[Decimal]:
        return _total(self.entries.revenue.values(), 5)

    def basic(self, source: str | None = None) -> Decimal:
        personnel, public, _ = self.spending_total(source)
        return personnel + public

    def project(self, source: str | None = None) -> Decimal:
        return self.spending_total(source)[2]

    def expenditure(self, source: str | None = None) -> Decimal:
        return sum(self.spending_total(source), ZERO)

    def fiscal(self, part: str) -> Decimal:
        """财政拨款 (一般公共预算 + 政府性基金) 基本支出 or 项目支出."""
        pick = self.basic if part == "basic" else self.project
        return pick(Source.GENERAL) + pick(Source.FUND)

    # --- the eight tables ----------------------------------------------------------------

    def _code_lines(
        self, leaves: dict[str, list[Decimal]], listed: set[str], width: int, kind: str
    ) -> tuple[list[Line], list[Decimal] | None]:
        """The listed leaves with their 款 and 类 lines above them, each the sum of what
        is under it; a line whose figures are all zero prints blank."""
        sums: dict[str, list[Decimal]] = {}
        for code in listed:
            vector = leaves.get(code, [ZERO] * width)
            for prefix in {code[:3], code[:5], code}:
                sums[prefix] = _add(sums.get(prefix, [ZERO] * width), vector)
        lines = [
            Line(code, self.name(kind, code), values if any(values) else None)
            for code, values in sorted(sums.items())
        ]
        if not lines:
            return [], None
        return lines, _total((v for c, v in sums.items() if len(c) == 3), width)

    def _function_table(self, key, title, columns, source, listed) -> CodeTable:
        leaves = {
            code: [personnel + public + project, personnel + public, project]
            for code, (personnel, public, project) in self.entries.spending(source).items()
        }
        lines, total = self._code_lines(leaves, listed, 3, Kind.FUNCTION)
        return CodeTable(key, title, columns, lines, total)

    def _listed(self, source: str | None = None) -> set[str]:
        codes = {c for c, by in self.entries.expenditure.items() if source is None or source in by}
        return codes | (set(self.entries.revenue) if source is None else set())

    def table_summary(self) -> SummaryTable:
        """1. 财务收支预算总表."""
        general, fund, business, operating, other = self.revenue_total()
        revenue = [
            SideLine("一、财政拨款收入", [general + fund]),
            SideLine("1、一般公共预算资金", [general]),
            SideLine("2、政府性基金", [fund]),
            SideLine("二、事业收入", [business]),
            SideLine("三、事业单位经营收入", [operating]),
            SideLine("四、其他收入", [other]),
        ]
        by_class = self._by_class(None, lambda p, u, j: [p + u + j, p, u, j], 4)
        return SummaryTable(
            key="t1",
            title=f"{self.year}年单位财务收支预算总表",
            revenue=[SideLine(s.label, s.values if any(s.values) else None) for s in revenue],
            revenue_total=general + fund + business + operating + other,
            expenditure=by_class,
            expenditure_total=_total((s.values for s in by_class if s.values), 4),
        )

    def _by_class(self, source, row, width) -> list[SideLine]:
        """One line per 类 of the year's 功能分类, numbered 一、二、… as printed."""
        sums: dict[str, list[Decimal]] = defaultdict(lambda: [ZERO] * 3)
        for code, vector in self.entries.spending(source).items():
            sums[code[:3]] = _add(sums[code[:3]], vector)
        classes = sorted(
            c.code
            for (kind, c_code), c in self.codes.items()
            if kind == Kind.FUNCTION and len(c_code) == 3
        )
        classes += sorted(set(sums) - set(classes))  # spent under a 类 missing from the list
        lines = []
        for i, code in enumerate(classes, start=1):
            values = row(*sums[code]) if code in sums else [ZERO] * width
            lines.append(
                SideLine(
                    f"{chinese_number(i)}、{self.name(Kind.FUNCTION, code)}",
                    values if any(values) else None,
                    code,
                )
            )
        return lines

    def table_revenue(self) -> CodeTable:
        """2. 收入预算总表."""
        leaves = {
            code: [sum(v, ZERO), v[0] + v[1], v[2], v[3], v[4]]
            for code, v in self.entries.revenue.items()
        }
        lines, total = self._code_lines(leaves, self._listed(), 5, Kind.FUNCTION)
        return CodeTable(
            "t2",
            f"{self.year}年单位收入预算总表",
            ["合计", "财政拨款收入", "事业收入", "事业单位经营收入", "其他收入"],
            lines,
            total,
        )

    def table_expenditure(self) -> CodeTable:
        """3. 支出预算总表 (every source)."""
        return self._function_table(
            "t3",
            f"{self.year}年单位支出预算总表",
            ["合计", "基本支出", "项目支出"],
            None,
            self._listed(),
        )

    def table_fiscal(self) -> SummaryTable:
        """4. 财政拨款收支预算总表."""
        general, fund, *_ = self.revenue_total()

        def row(p, u, j):
            return [p + u + j]

        general_by_class = self._by_class(Source.GENERAL, row, 1)
        fund_by_class = self._by_class(Source.FUND, row, 1)
        lines = []
        for g, f in zip(general_by_class, fund_by_class, strict=True):
            gv = g.values[0] if g.values else ZERO
            fv = f.values[0] if f.values else ZERO
            values = [gv + fv, gv, fv]
            lines.append(SideLine(g.label, values if any(values) else None, g.code))
        return SummaryTable(
            key="t4",
            title=f"{self.year}年单位财政拨款收支预算总表",
            revenue=[
                SideLine("一、一般公共预算资金", [general] if general else None),
                SideLine("二、政府性基金", [fund] if fund else None),
            ],
            revenue_total=general + fund,
            expenditure=lines,
            expenditure_total=_total((s.values for s in lines if s.values), 3),
        )

    def table_general(self) -> CodeTable:
        """5. 一般公共预算支出功能分类预算表."""
        return self._function_table(
            "t5",
            f"{self.year}年单位一般公共预算支出功能分类预算表",
            ["合计", "基本支出", "项目支出"],
            Source.GENERAL,
            self._listed(Source.GENERAL),
        )

    def table_fund(self) -> CodeTable:
        """6. 政府性基金预算支出功能分类预算表."""
        table = self._function_table(
            "t6",
            f"{self.year}年单位政府性基金预算支出功能分类预算表",
            ["合计", "基本支出", "项目支出"],
            Source.FUND,
            self._listed(Source.FUND),
        )
        if table.total is None or not any(table.total):
            table.note = f"{self.year}年本单位无政府性基金预算"
        return table

    def table_economic(self) -> CodeTable:
        """7. 一般公共预算基本支出部门预算经济分类预算表."""
        leaves = {code: [p + u, p, u] for code, (p, u) in self.entries.economic.items()}
        lines, total = self._code_lines(leaves, set(leaves), 3, Kind.ECONOMIC)
        return CodeTable(
            "t7",
            f"{self.year}年单位一般公共预算基本支出部门预算经济分类预算表",
            ["合计", "人员经费", "公用经费"],
            lines,
            total,
        )

    def table_three_costs(self) -> ThreeCosts:
        """8. “三公”经费和机关运行经费预算表."""
        b = self.budget
        if b is None:
            return ThreeCosts(ZERO, ZERO, ZERO, ZERO, ZERO)
        return ThreeCosts(
            b.abroad, b.reception, b.vehicle_purchase, b.vehicle_running, b.office_running
        )

    def tables(self) -> list:
        return [
            self.table_summary(),
            self.table_revenue(),
            self.table_expenditure(),
            self.table_fiscal(),
            self.table_general(),
            self.table_fund(),
            self.table_economic(),
            self.table_three_costs(),
        ]

    def tie(self) -> Tie:
        return Tie(self.project(), self.projects)


def book_for(unit: Unit, budget_year: BudgetYear) -> Book:
    """Everything the book needs, in six queries whatever the number of rows."""
    budget = UnitBudget.objects.filter(unit=unit, budget_year=budget_year).first()
    codes = {
        (c.kind, c.code): c for c in ClassificationCode.objects.filter(budget_year=budget_year)
    }
    entries = Entries()
    if budget is not None:
        for r in RevenueEntry.objects.filter(unit_budget=budget).select_related("code"):
            entries.revenue[r.code.code] = [getattr(r, s) for s in RevenueEntry.SOURCES]
        for e in ExpenditureEntry.objects.filter(unit_budget=budget).select_related("code"):
            entries.expenditure.setdefault(e.code.code, {})[e.source] = [
                e.personnel,
                e.public,
                e.project,
            ]
            entries.purpose[(e.code.code, e.source)] = e.purpose
        for r in EconomicEntry.objects.filter(unit_budget=budget).select_related("code"):
            entries.economic[r.code.code] = [r.personnel, r.public]
    projects = list(
        Project.objects.filter(unit=unit, budget_year=budget_year).order_by("name", "pk")
    )
    return Book(unit, budget_year, budget, codes, entries, projects)
