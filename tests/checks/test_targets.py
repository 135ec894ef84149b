"""parse_target on every 目标值 written in the seed forms, plus dates and unparseable text."""

import datetime
from decimal import Decimal

import pytest

from apps.indicators.targets import parse_target

# raw as typed in the seeds → (comparator, number text, unit, normalised, normalised_from)
QUANTITATIVE = [
    ("=100%", "=", "100", "%", "=100%", ""),  # 000
    ("=100.00%", "=", "100.00", "%", "=100.00%", ""),  # 001, 004
    ("≥90.00%", "≥", "90.00", "%", "≥90.00%", ""),  # 001, 004a
    ("≥80.00%", "≥", "80.00", "%", "≥80.00%", ""),  # 002, 004c
    ("≤5.00%", "≤", "5.00", "%", "≤5.00%", ""),  # 004b
    ("≤24.00小时", "≤", "24.00", "小时", "≤24.00小时", ""),  # 004b, 004d
    ("≥1.00名", "≥", "1.00", "名", "≥1.00名", ""),  # 004b
    ("=13689.00", "=", "13689.00", "", "=13689.00", ""),
    ("=80.00名", "=", "80.00", "名", "=80.00名", ""),
    ("4次", "", "4", "次", "=4次", ""),  # 004a: no comparator, shown as =
    ("100%", "", "100", "%", "=100%", ""),  # 001, 002
    ("90%以上", "≥", "90", "%", "≥90%", "以上"),  # 002: suffix read as ≥
    ("》90%", "≥", "90", "%", "≥90%", "》"),  # 000: 》 is a mis-typed ≥
    ("≤3.00次/年", "≤", "3.00", "次/年", "≤3.00次/年", ""),  # 004d
    ("1份", "", "1", "份", "=1份", ""),  # 004c
    ("15所", "", "15", "所", "=15所", ""),  # 004c
]


@pytest.mark.parametrize(
    ("raw", "comparator", "number", "unit", "normalised", "normalised_from"), QUANTITATIVE
)
def test_quantitative_targets_of_the_seeds(
    raw, comparator, number, unit, normalised, normalised_from
):
    parsed = parse_target(raw)

    assert parsed.kind == "quantitative"
    assert parsed.raw == raw
    assert parsed.comparator == comparator
    assert isinstance(parsed.number, Decimal)
    assert parsed.number == Decimal(number)
    assert parsed.number_text == number  # the typed precision is kept: 100.00 stays 100.00
    assert parsed.unit == unit
    assert parsed.normalised == normalised
    assert parsed.normalised_from == normalised_from
    assert parsed.date is None
    assert parsed.notes == []


QUALITATIVE = [
    "及时",
    "有提升",
    "提升",
    "建立健全",
    "建立",
    "与计划相符",
    "完成",
    "达到标准要求",
    "有效",
]


@pytest.mark.parametrize("raw", QUALITATIVE)
def test_qualitative_targets_of_the_seeds(raw):
    parsed = parse_target(raw)

    assert parsed.kind == "qualitative"
    assert parsed.comparator == ""
    assert parsed.number is None
    assert parsed.unit == ""
    assert parsed.date is None
    assert parsed.normalised == raw
    assert parsed.normalised_from == ""
    assert parsed.notes == []


@pytest.mark.parametrize("raw", ["", "   ", "\t\n", None])
def test_blank_target(raw):
    parsed = parse_target(raw)

    assert parsed.kind == "blank"
    assert parsed.comparator == ""
    assert parsed.number is None
    assert parsed.normalised == ""
    assert parsed.normalised_from == ""


@pytest.mark.parametrize("raw", ["*", "＊", "**", " * "])
def test_star_placeholder_is_invalid(raw):
    parsed = parse_target(raw)

    assert parsed.kind == "invalid"
    assert parsed.notes == ["placeholder"]
    assert parsed.number is None
    assert parsed.normalised == raw.strip()


def test_surrounding_and_inner_spaces_are_ignored_but_the_typed_text_is_kept():
    parsed = parse_target(" ≥ 90.00 % ")

    assert parsed.raw == " ≥ 90.00 % "
    assert (parsed.kind, parsed.comparator, parsed.number_text, parsed.unit) == (
        "quantitative",
        "≥",
        "90.00",
        "%",
    )
    assert parsed.normalised == "≥90.00%"


def test_thousands_separators_in_a_target_number():
    parsed = parse_target("≥1,000元")

    assert parsed.number == Decimal("1000")
    assert parsed.unit == "元"
    assert parsed.normalised == "≥1000元"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020年12月底前", datetime.date(2020, 12, 31)),  # month only → the month's last day
        ("2021年3月底前", datetime.date(2021, 3, 31)),
        ("2020年2月底前", datetime.date(2020, 2, 29)),  # leap year
        ("2020年6月15日前", datetime.date(2020, 6, 15)),
        ("2021-03-31前", datetime.date(2021, 3, 31)),
        ("2020/9/1", datetime.date(2020, 9, 1)),
    ],
)
def test_date_like_targets(raw, expected):
    parsed = parse_target(raw)

    assert parsed.kind == "qualitative"
    assert parsed.date == expected
    assert parsed.number is None
    assert parsed.normalised == raw
    assert parsed.normalised_from == ""


def test_comparator_without_a_number_is_invalid_with_note_comparator():
    parsed = parse_target("≥abc")

    assert parsed.kind == "invalid"
    assert parsed.notes == ["comparator"]
    assert parsed.number is None
    assert parsed.normalised == "≥abc"


def test_digits_in_free_text_are_invalid_with_note_digits():
    parsed = parse_target("约90%")

    assert parsed.kind == "invalid"
    assert parsed.notes == ["digits"]
    assert parsed.number is None
    assert parsed.normalised == "约90%"


def test_impossible_date_is_not_a_date():
    parsed = parse_target("2020年13月")

    assert parsed.date is None
    assert parsed.kind == "invalid"
    assert parsed.notes == ["digits"]


@pytest.mark.parametrize(
    ("raw", "normalised", "normalised_from"),
    [
        ("不低于90%", "≥90%", "不低于"),
        ("不超过5次", "≤5次", "不超过"),
        (">=90%", "≥90%", ">="),
        ("≥120％", "≥120%", ""),
    ],
)
def test_words_and_ascii_signs_are_read_as_the_sign_with_a_note(raw, normalised, normalised_from):
    parsed = parse_target(raw)
    assert parsed.kind == "quantitative"
    assert parsed.normalised == normalised
    assert parsed.normalised_from == normalised_from


def test_wu_is_a_qualitative_target_not_a_placeholder():
    assert parse_target("无").kind == "qualitative"
