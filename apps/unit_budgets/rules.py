"""The unit budget's checks: plain functions over a Book that return findings.

Totals are computed, so a roll-up cannot break by itself; what can break is one set of
entries against another (收入 against 支出, the economic against the functional
classification, the unit's 项目支出 against its projects). Entries are kept as entered —
a book transcribed from paper keeps its breaks — and each break is shown here.
"""

from dataclasses import dataclass
from decimal import Decimal

from apps.checks.findings import Severity
from apps.core.money import fmt_money
from apps.unit_budgets.selectors import ZERO, Book


@dataclass(frozen=True)
class BudgetFinding:
    code: str
    severity: Severity
    where: str
    message: str

    @property
    def is_error(self) -> bool:
        return self.severity == Severity.ERROR


def _m(value: Decimal) -> str:
    return f"{fmt_money(value)} 元"


def _differ(code, where, left_label, left, right_label, right) -> BudgetFinding:
    return BudgetFinding(
        code,
        Severity.ERROR,
        where,
        f"{left_label} {_m(left)}，{right_label} {_m(right)}，相差 {_m(left - right)}。",
    )


def check_revenue_vs_expenditure(book: Book) -> list[BudgetFinding]:
    out = []
    revenue, spending = book.entries.revenue, book.entries.spending()
    revenue_total = sum((sum(v, ZERO) for v in revenue.values()), ZERO)
    if revenue_total != book.expenditure():
        out.append(
            _differ(
                "UB_TOTALS",
                "财务收支预算总表",
                "收入总计",
                revenue_total,
                "支出总计",
                book.expenditure(),
            )
        )
    for code in sorted(set(revenue) | set(spending)):
        r = sum(revenue.get(code, []), ZERO)
        s = sum(spending.get(code, []), ZERO)
        if r != s:
            out.append(
                _differ(
                    "UB_CODE_TOTALS",
                    f"收入预算总表 / 支出预算总表 · {code} {book.name('function', code)}",
                    "收入",
                    r,
                    "支出",
                    s,
                )
            )
    general, fund, business, operating, other = book.revenue_total()
    for code, label, income, source in (
        ("UB_GENERAL", "一般公共预算", general, "general"),
        ("UB_FUND", "政府性基金", fund, "fund"),
        ("UB_OTHER_SOURCES", "事业收入、经营收入和其他收入", business + operating + other, "other"),
    ):
        spent = book.expenditure(source)
        if income != spent:
            out.append(
                _differ(code, "财政拨款收支预算总表", f"{label}收入", income, f"{label}支出", spent)
            )
    return out


def check_economic_vs_function(book: Book) -> list[BudgetFinding]:
    """一般公共预算基本支出 by economic classification = by function classification."""
    out = []
    personnel, public, _ = book.spending_total("general")
    economic = [sum(v, ZERO) for v in zip(*book.entries.economic.values(), strict=True)] or [
        ZERO,
        ZERO,
    ]
    for label, by_function, by_economic in (
        ("人员经费", personnel, economic[0]),
        ("公用经费", public, economic[1]),
    ):
        if by_function != by_economic:
            out.append(
                _differ(
                    "UB_ECONOMIC",
                    "一般公共预算基本支出部门预算经济分类预算表",
                    f"经济分类{label}",
                    by_economic,
                    f"功能分类（一般公共预算支出功能分类预算表）{label}",
                    by_function,
                )
            )
    return out


def check_projects_tie(book: Book) -> list[BudgetFinding]:
    tie = book.tie()
    out = []
    if tie.difference:
        out.append(
            BudgetFinding(
                "UB_PROJECTS_TIE",
                Severity.ERROR,
                "项目支出 / 项目当年预算",
                f"单位项目支出 {_m(tie.project_expenditure)}，{len(tie.projects)} 个项目当年预算合计 "
                f"{_m(tie.projects_total)}，相差 {_m(tie.difference)}。",
            )
        )
    for p in tie.blank:
        out.append(
            BudgetFinding(
                "UB_PROJECT_BUDGET_BLANK",
                Severity.WARNING,
                f"项目 · {p.name}",
                "项目未填当年预算，按 0 计入项目合计。",
            )
        )
    return out


def check_previous_year(book: Book) -> list[BudgetFinding]:
    b = book.budget
    if b is None:
        return []
    missing = [
        b._meta.get_field(f).verbose_name
        for f in ("prev_basic", "prev_project", "prev_abroad", "prev_reception", "prev_vehicle")
        if getattr(b, f) is None
    ]
    if not missing:
        return []
    return [
        BudgetFinding(
            "UB_PREVIOUS_BLANK",
            Severity.WARNING,
            "编制说明",
            f"未填{'、'.join(str(m) for m in missing)}，说明中不计算与上年的变化。",
        )
    ]


def check_budget(book: Book) -> list[BudgetFinding]:
    if book.budget is None:
        return [
            BudgetFinding(
                "UB_MISSING", Severity.WARNING, "单位预算", f"本单位尚未填报{book.year}年单位预算。"
            ),
            *check_projects_tie(book),
        ]
    return [
        *check_revenue_vs_expenditure(book),
        *check_economic_vs_function(book),
        *check_projects_tie(book),
        *check_previous_year(book),
    ]
