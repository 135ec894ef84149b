"""Self-evaluation scoring from hand-computed cases (apps/performance/scoring.py)."""

from decimal import Decimal as D

import pytest

from apps.performance import scoring
from apps.performance.scoring import (
    DEFAULT_SETTINGS,
    NEGATIVE,
    POSITIVE,
    QUALITATIVE,
    Reported,
    Settings,
    Target,
    evaluate,
    score_budget,
    score_indicator,
    target_of,
    weights,
)

W = D("10")


def score(target: Target, actual="", level="", weight=W):
    return score_indicator(1, target, weight, Reported(actual, level), DEFAULT_SETTINGS)


@pytest.mark.parametrize(
    ("target", "actual", "expected"),
    [
        (Target(POSITIVE, D("100")), "96%", D("9.60")),  # 96/100 × 10
        (Target(POSITIVE, D("90")), "96%", D("10.00")),  # over-achieved: capped at 分值
        (Target(POSITIVE, D("3")), "2次", D("6.67")),  # 2/3 × 10 = 6.666…
        (Target(POSITIVE, D("0")), "0", D("10.00")),  # zero target met by any actual ≥ 0
        (Target(POSITIVE, D("0")), "5", D("10.00")),
        (Target(NEGATIVE, D("24")), "30小时", D("8.00")),  # 反向: 24/30 × 10
        (Target(NEGATIVE, D("24")), "12小时", D("10.00")),  # under the ceiling: full
        (Target(NEGATIVE, D("5")), "0%", D("10.00")),  # actual 0 meets any 反向 target
        (Target(NEGATIVE, D("0")), "0", D("10.00")),
        (Target(NEGATIVE, D("0")), "2", D("0.00")),  # zero ceiling exceeded
        (Target(POSITIVE, D("13689")), "13,000", D("9.50")),  # 13000/13689 = 0.9497 → 9.50
        (Target(POSITIVE, D("100")), "-5", D("0.00")),  # never negative
    ],
)
def test_quantitative(target, actual, expected):
    assert score(target, actual).score == expected


def test_missing_and_unreadable_actuals_score_zero_and_say_why():
    missing = score(Target(POSITIVE, D("100")), "  ")
    unreadable = score(Target(POSITIVE, D("100")), "基本完成")
    assert (missing.score, missing.problem) == (D("0.00"), "missing")
    assert (unreadable.score, unreadable.problem) == (D("0.00"), "unreadable")
    assert missing.below_weight and unreadable.below_weight


@pytest.mark.parametrize(
    ("level", "expected", "problem"),
    [("达成", D("10.00"), ""), ("基本达成", D("8.00"), ""), ("部分达成", D("6.00"), ""),
     ("未达成", D("0.00"), ""), ("", D("0.00"), "missing"), ("很好", D("0.00"), "unreadable")],
)  # fmt: skip
def test_qualitative_graded_by_the_chosen_level(level, expected, problem):
    result = score(Target(QUALITATIVE, text="有提升"), level=level)
    assert (result.score, result.problem) == (expected, problem)


def test_qualitative_levels_are_a_setting():
    settings = Settings(levels=(("好", D("1")), ("中", D("0.5"))))
    result = score_indicator(1, Target(QUALITATIVE), W, Reported(level="中"), settings)
    assert result.score == D("5.00")


@pytest.mark.parametrize(
    ("row", "direction", "number"),
    [
        ({"target_raw": "≥90%"}, POSITIVE, D("90")),
        ({"target_raw": "=100%"}, POSITIVE, D("100")),
        ({"target_raw": "≤24.00小时"}, NEGATIVE, D("24")),
        ({"target_raw": "90%以上"}, POSITIVE, D("90")),
        ({"target_raw": "有提升"}, QUALITATIVE, None),
        ({"nature": "negative", "target_value": "5", "measure_unit": "%"}, NEGATIVE, D("5")),
        ({"nature": "positive", "target_value": "95", "measure_unit": "%"}, POSITIVE, D("95")),
        ({"nature": "equal", "target_value": "12", "measure_unit": "次"}, POSITIVE, D("12")),
        ({"nature": "qualitative", "target_value": "有效提升"}, QUALITATIVE, None),
        ({"target_raw": ""}, scoring.UNSCORABLE, None),
        ({"target_raw": "*"}, scoring.UNSCORABLE, None),
    ],
)
def test_targets_read_from_the_approved_rows(row, direction, number):
    target = target_of(row)
    assert (target.direction, target.number) == (direction, number)


def test_a_blank_target_scores_zero():
    result = score(target_of({"target_raw": ""}), "100")
    assert (result.score, result.problem) == (D("0.00"), "target")


def _rows(*groups):
    out, pk = [], 0
    for level1, count, weight in groups:
        for _ in range(count):
            pk += 1
            out.append({"id": pk, "level1_name": level1, "target_raw": "≥1", "weight": weight})
    return out


def test_default_weights_per_level1_split_evenly():
    # 产出 50 over 4, 效益 30 over 2, 满意度 10 over 1 — of the indicators' 90.
    got = weights(
        _rows(("产出指标", 4, None), ("效益指标", 2, None), ("满意度指标", 1, None)),
        DEFAULT_SETTINGS,
    )
    assert list(got.values()) == [D("12.50")] * 4 + [D("15.00")] * 2 + [D("10.00")]
    assert sum(got.values()) == D("90")


def test_weights_add_up_exactly():
    # 50 over 3 is 16.67 + 16.67 + 16.66, not 50.01.
    got = weights(
        _rows(("产出指标", 3, None), ("效益指标", 1, None), ("满意度指标", 1, None)),
        DEFAULT_SETTINGS,
    )
    assert list(got.values()) == [D("16.67"), D("16.67"), D("16.66"), D("30.00"), D("10.00")]
    assert sum(got.values()) == D("90.00")
    got = weights(_rows(("产出指标", 7, "1")), DEFAULT_SETTINGS)
    assert sum(got.values()) == D("90.00") and max(got.values()) - min(got.values()) == D("0.01")


def test_default_weights_rescaled_over_the_groups_present():
    # Minhang taxonomy: 产出目标 50, 效果目标 30 — no 满意度 group: 90 × 50/80 and 90 × 30/80.
    got = weights(_rows(("产出目标", 1, None), ("效果目标", 1, None)), DEFAULT_SETTINGS)
    assert list(got.values()) == [D("56.25"), D("33.75")]


def test_unknown_groups_share_evenly():
    got = weights(_rows(("甲", 1, None), ("乙", 2, None)), DEFAULT_SETTINGS)
    assert list(got.values()) == [D("45.00"), D("22.50"), D("22.50")]


def test_filing_weights_used_when_every_indicator_has_one():
    got = weights(_rows(("产出指标", 2, "30"), ("效益指标", 1, "30")), DEFAULT_SETTINGS)
    assert list(got.values()) == [D("30.00")] * 3


def test_filing_weights_rescaled_to_the_indicator_total():
    # Filed 50 + 50 = 100, but 10 belong to 预算执行率: each becomes 45.
    got = weights(_rows(("产出指标", 2, "50")), DEFAULT_SETTINGS)
    assert list(got.values()) == [D("45.00")] * 2


def test_partial_filing_weights_fall_back_to_the_defaults():
    rows = _rows(("产出指标", 1, "40"), ("效益指标", 1, None))
    assert list(weights(rows, DEFAULT_SETTINGS).values()) == [D("56.25"), D("33.75")]


@pytest.mark.parametrize(
    ("full", "executed", "rate", "expected"),
    [
        (D("1000000"), D("950000"), D("0.95"), D("9.50")),
        (D("1000000"), D("1200000"), D("1.2"), D("10.00")),  # over-spent: capped
        (D("0"), D("0"), None, D("0.00")),  # no budget: no rate
        (None, D("5"), None, D("0.00")),
        (D("100"), None, None, D("0.00")),
    ],
)
def test_budget_execution(full, executed, rate, expected):
    result = score_budget(full, executed, DEFAULT_SETTINGS)
    assert (result.rate, result.score, result.weight) == (rate, expected, D("10"))


def test_whole_evaluation_total_and_grade():
    rows = [
        {"id": 1, "level1_name": "产出指标", "target_raw": "=100%", "weight": "50"},
        {"id": 2, "level1_name": "效益指标", "target_raw": "有提升", "weight": "30"},
        {"id": 3, "level1_name": "满意度指标", "target_raw": "≥90%", "weight": "10"},
    ]
    reported = {1: Reported("90%"), 2: Reported(level="基本达成"), 3: Reported("95%")}
    result = evaluate(rows, reported, full_budget=D("200"), executed=D("180"))
    # 45 + 24 + 10 + 9 = 88 → 良
    assert [s.score for s in result.indicators] == [D("45.00"), D("24.00"), D("10.00")]
    assert result.budget.score == D("9.00")
    assert (result.total, result.grade) == (D("88.00"), "良")


@pytest.mark.parametrize(
    ("total", "grade"),
    [(D("100"), "优"), (D("90"), "优"), (D("89.99"), "良"), (D("80"), "良"),
     (D("79.99"), "中"), (D("60"), "中"), (D("59.99"), "差"), (D("0"), "差")],
)  # fmt: skip
def test_grade_bands(total, grade):
    assert DEFAULT_SETTINGS.grade(total) == grade


def test_grade_bands_are_a_setting():
    settings = Settings(grades=((D("85"), "优"), (D("0"), "其他")))
    assert (settings.grade(D("86")), settings.grade(D("84"))) == ("优", "其他")


def test_nothing_reported_scores_zero():
    rows = _rows(("产出指标", 2, None))
    result = evaluate(rows, {}, full_budget=None, executed=None)
    assert (result.total, result.grade) == (D("0.00"), "差")
    assert all(s.problem == "missing" for s in result.indicators)


def test_budget_rate_text():
    assert score_budget(D("3"), D("1"), DEFAULT_SETTINGS).rate_text == "33.33%"
    assert score_budget(None, D("1"), DEFAULT_SETTINGS).rate_text == ""


@pytest.mark.parametrize("bad", ["", "十分", "NaN", "1e999999999999"])
def test_unreadable_filing_weights_fall_back_to_the_defaults(bad):
    rows = _rows(("产出指标", 1, "40"), ("效益指标", 1, bad))
    assert list(weights(rows, DEFAULT_SETTINGS).values()) == [D("56.25"), D("33.75")]
