"""Seed 004's eight tables, every printed number against what the system computes from
the leaf entries of fixtures/demo/unit_budgets/004.json."""

from decimal import Decimal

import pytest

from apps.unit_budgets.selectors import wan
from tests.unit_budgets import seed004

pytestmark = pytest.mark.django_db


def _computed(table):
    return [(line.code, line.name, line.values) for line in table.lines]


def test_transcription_is_complete():
    # Guards the parser: as many printed lines as the seed has, and no line lost.
    assert len(seed004.code_table(seed004.T2, 3, 5)[0]) == 38
    assert len(seed004.code_table(seed004.T3, 3, 3)[0]) == 38
    assert len(seed004.code_table(seed004.T5, 3, 3)[0]) == 38
    assert len(seed004.code_table(seed004.T7, 2, 3)[0]) == 49
    assert len(seed004.side_table(seed004.T1, 4, 4)[1]) == 22
    assert len(seed004.side_table(seed004.T4, 2, 3)[1]) == 22


@pytest.mark.parametrize(
    ("table", "method", "width"),
    [
        ("T2", "table_revenue", 5),
        ("T3", "table_expenditure", 3),
        ("T5", "table_general", 3),
    ],
)
def test_function_tables_line_by_line(book_004, table, method, width):
    printed, printed_total = seed004.code_table(getattr(seed004, table), 3, width)
    computed = getattr(book_004, method)()
    assert _computed(computed) == printed  # codes, names, figures, blank lines, order
    assert computed.total == printed_total


def test_economic_table_line_by_line(book_004):
    printed, printed_total = seed004.code_table(seed004.T7, 2, 3)
    computed = book_004.table_economic()
    assert _computed(computed) == printed
    assert (
        computed.total
        == printed_total
        == [
            Decimal("54233577.33"),
            Decimal("47321695.47"),
            Decimal("6911881.86"),
        ]
    )


def test_fund_table_is_empty_with_its_note(book_004):
    printed, printed_total = seed004.code_table(seed004.T6.split("\n\n")[0], 3, 3)
    table = book_004.table_fund()
    assert printed == [] and printed_total is None
    assert table.lines == [] and table.total is None
    assert table.note == "2020年本单位无政府性基金预算" == seed004.T6.strip().splitlines()[-1]


def _label(text: str) -> str:
    return text.replace(" ", "")


@pytest.mark.parametrize(
    ("table", "method", "head_rows", "width"),
    [("T1", "table_summary", 4, 4), ("T4", "table_fiscal", 2, 3)],
)
def test_summary_tables_line_by_line(book_004, table, method, head_rows, width):
    revenue, expenditure, (revenue_total, expenditure_total) = seed004.side_table(
        getattr(seed004, table), head_rows, width
    )
    computed = getattr(book_004, method)()
    assert [(r.label, r.values[0] if r.values else None) for r in computed.revenue] == revenue
    assert len(computed.expenditure) == len(expenditure)
    for line, (label, values) in zip(computed.expenditure, expenditure, strict=True):
        # The seed's 财政拨款 table cuts long labels at its column edge
        # (“十六、自然资源海洋气”, “十八、粮油物资储备支 出”): compare the printed part.
        assert line.label.startswith(_label(label)), (line.label, label)
        assert line.values == values, label
    assert computed.revenue_total == revenue_total
    assert computed.expenditure_total == expenditure_total


def test_three_costs_in_wan(book_004):
    printed = seed004.three_costs()
    assert printed == [Decimal(x) for x in ("10.27", "0", "0.67", "9.6", "0", "9.6", "0")]
    assert [wan(v) for v in book_004.table_three_costs().row()] == printed


def test_totals_tie_across_tables(book_004):
    t1, t2, t3, t4, t5, _, t7, _ = book_004.tables()
    total = Decimal("104733480.93")
    assert t1.revenue_total == t1.expenditure_total[0] == total
    assert t2.total[0] == t3.total[0] == t4.revenue_total == t4.expenditure_total[0] == total
    assert t3.total[1] == t5.total[1] == t7.total[0] == Decimal("54233577.33")  # 基本支出
    assert t1.expenditure_total[1] + t1.expenditure_total[2] == t7.total[0]
