"""Amounts in 元 as people type them, and as the sheets print them."""

from decimal import Decimal

import pytest

from apps.core.money import fmt_money, fmt_number, parse_amount, quantize


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14,718,993.60", Decimal("14718993.60")),
        ("14，718，993.60", Decimal("14718993.60")),  # full-width comma
        ("¥911,000", Decimal("911000")),
        ("￥911,000.00", Decimal("911000.00")),  # full-width yen sign
        (" 911 000 ", Decimal("911000")),
        ("171500.00元", Decimal("171500.00")),
        ("28500．00", Decimal("28500.00")),  # full-width dot
        ("0", Decimal("0")),
        (".5", Decimal("0.5")),
        ("-100", Decimal("-100")),
        (15000, Decimal("15000")),
    ],
)
def test_parse_amount(text, expected):
    value = parse_amount(text)

    assert isinstance(value, Decimal)
    assert value == expected


def test_parse_amount_keeps_the_typed_cents():
    assert str(parse_amount("14,718,993.60")) == "14718993.60"


@pytest.mark.parametrize("text", [None, "", "   ", "¥"])
def test_parse_amount_blank_is_none(text):
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    "text", ["abc", "1.2.3", "--5", "1e5", "十万", "12.3元.4", "12元34", "1,2", "，", "1,23,456"]
)
def test_parse_amount_rejects_non_numbers(text):
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("14718993.60"), "14,718,993.60"),
        (Decimal("14718994"), "14,718,994.00"),
        (Decimal("911000"), "911,000.00"),
        (Decimal("0.40"), "0.40"),
        (Decimal("0"), "0.00"),
        (Decimal("0.005"), "0.01"),  # half up, not banker's rounding
        (Decimal("2.675"), "2.68"),
        (Decimal("-1234.5"), "-1,234.50"),
        (75000, "75,000.00"),
    ],
)
def test_fmt_money(value, expected):
    assert fmt_money(value) == expected


def test_fmt_money_blank():
    assert fmt_money(None) == ""
    assert fmt_money(None, blank="—") == "—"


def test_quantize_rounds_half_up_to_cents():
    assert quantize(Decimal("14718993.605")) == Decimal("14718993.61")
    assert str(quantize(Decimal("911000"))) == "911000.00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("5.00"), "5.00"),
        (Decimal("1"), "1"),
        (Decimal("14718993.60"), "14,718,993.60"),
        (None, ""),
    ],
)
def test_fmt_number(value, expected):
    assert fmt_number(value) == expected
