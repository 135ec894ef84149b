"""Roll-ups hold by construction; breaks between sets of entries are findings."""

from decimal import Decimal

import pytest

from apps.projects.models import Project
from apps.unit_budgets.models import ClassificationCode, ExpenditureEntry, RevenueEntry, Source
from apps.unit_budgets.rules import check_budget
from apps.unit_budgets.selectors import ZERO, book_for

D = Decimal


def _children(table, line):
    n = len(line.code)
    return [
        other
        for other in table.lines
        if len(other.code) == n + 2 and other.code.startswith(line.code)
    ]


@pytest.mark.parametrize(
    "method", ["table_revenue", "table_expenditure", "table_general", "table_economic"]
)
def test_every_parent_is_the_sum_of_its_children(book_004, method):
    table = getattr(book_004, method)()
    width = len(table.columns)
    checked = 0
    for line in table.lines:
        children = _children(table, line)
        if not children:
            continue
        expected = [sum((c.values[i] for c in children if c.values), ZERO) for i in range(width)]
        assert (line.values or [ZERO] * width) == expected, line.code
        checked += 1
    assert checked >= 4
    classes = [line for line in table.lines if len(line.code) == 3]
    assert table.total == [
        sum((c.values[i] for c in classes if c.values), ZERO) for i in range(width)
    ]


def test_totals_are_basic_plus_project(book_004):
    for table in (book_004.table_expenditure(), book_004.table_general()):
        for line in [*(line for line in table.lines if line.values)]:
            total, basic, project = line.values
            assert total == basic + project
    summary = book_004.table_summary()
    for line in summary.expenditure:
        if line.values:
            total, personnel, public, project = line.values
            assert total == personnel + public + project
    economic = book_004.table_economic()
    for line in economic.lines:
        if line.values:
            assert line.values[0] == line.values[1] + line.values[2]


def test_seed_004_entries_have_no_break_but_the_projects(book_004):
    codes = {f.code for f in check_budget(book_004)}
    # 004 prints 22 projects' 项目支出; none is loaded here.
    assert codes == {"UB_PROJECTS_TIE"}


def test_revenue_not_matching_expenditure(budget_004, unit_a, year_2020):
    RevenueEntry.objects.filter(unit_budget=budget_004, code__code="2080502").update(
        general=D("92000.00")
    )
    findings = {f.code: f for f in check_budget(book_for(unit_a, year_2020))}
    assert findings["UB_TOTALS"].message == (
        "收入总计 104,732,840.93 元，支出总计 104,733,480.93 元，相差 -640.00 元。"
    )
    assert "2080502 事业单位离退休" in findings["UB_CODE_TOTALS"].where
    assert "UB_GENERAL" in findings


def test_economic_not_matching_function(budget_004, unit_a, year_2020):
    ExpenditureEntry.objects.filter(unit_budget=budget_004, code__code="2050801").update(
        public=D("6911881.00")
    )
    findings = [f for f in check_budget(book_for(unit_a, year_2020)) if f.code == "UB_ECONOMIC"]
    assert len(findings) == 1
    assert "经济分类公用经费 6,911,881.86 元" in findings[0].message
    assert "相差 0.86 元" in findings[0].message


def test_fund_expenditure_without_fund_revenue(budget_004, unit_a, year_2020):
    code = ClassificationCode.objects.get(budget_year=year_2020, kind="function", code="2050999")
    ExpenditureEntry.objects.create(
        unit_budget=budget_004, code=code, source=Source.FUND, project=D("100.00")
    )
    book = book_for(unit_a, year_2020)
    codes = {f.code for f in check_budget(book)}
    assert {"UB_TOTALS", "UB_CODE_TOTALS", "UB_FUND"} <= codes
    fund = book.table_fund()
    assert [line.code for line in fund.lines] == ["205", "20509", "2050999"]
    assert fund.total == [D("100.00"), D("0"), D("100.00")] and fund.note == ""
    fiscal = book.table_fiscal()
    assert fiscal.expenditure_line("205").values == [
        D("88951868.35"),
        D("88951768.35"),
        D("100.00"),
    ]


def test_tie_lists_the_projects_and_the_difference(book_004, unit_a, year_2020):
    Project.objects.create(unit=unit_a, budget_year=year_2020, name="甲", current_budget=D("100"))
    Project.objects.create(unit=unit_a, budget_year=year_2020, name="乙", current_budget=None)
    book = book_for(unit_a, year_2020)
    tie = book.tie()
    assert [p.name for p in tie.projects] == ["乙", "甲"]
    assert tie.projects_total == D("100")
    assert tie.difference == D("50499803.60")
    findings = {f.code: f for f in check_budget(book)}
    assert findings["UB_PROJECTS_TIE"].message == (
        "单位项目支出 50,499,903.60 元，2 个项目当年预算合计 100.00 元，相差 50,499,803.60 元。"
    )
    assert findings["UB_PROJECT_BUDGET_BLANK"].where == "项目 · 乙"


def test_previous_year_blank_is_a_warning(budget_004, unit_a, year_2020):
    budget_004.prev_basic = None
    budget_004.save()
    finding = next(
        f for f in check_budget(book_for(unit_a, year_2020)) if f.code == "UB_PREVIOUS_BLANK"
    )
    assert "上年财政拨款基本支出预算" in finding.message
