"""Monitoring warning rules from hand-computed cases (apps/performance/lights.py)."""

from decimal import Decimal as D

import pytest

from apps.performance.lights import GREEN, RED, YELLOW, Rules, assess, worst

RULES = Rules(expected_rate=D("50"), yellow_lag=D("10"), red_lag=D("20"))
YES = {"forecast": "yes"}


def rows(*typed):
    return [(i + 1, f"指标{i + 1}", f"m{i + 1}", t) for i, t in enumerate(typed)]


@pytest.mark.parametrize(
    ("executed", "rate", "lag", "light"),
    [
        (D("500"), D("50.00"), D("0.00"), GREEN),  # on schedule
        (D("400"), D("40.00"), D("10.00"), GREEN),  # exactly 10 behind: not more than 10
        (D("399"), D("39.90"), D("10.10"), YELLOW),
        (D("300"), D("30.00"), D("20.00"), YELLOW),
        (D("299"), D("29.90"), D("20.10"), RED),
        (D("800"), D("80.00"), D("-30.00"), GREEN),  # ahead of schedule
        (D("0"), D("0.00"), D("50.00"), RED),
    ],
)
def test_execution_against_schedule(executed, rate, lag, light):
    got = assess(D("1000"), executed, rows(YES), RULES)
    assert (got.rate, got.lag, got.light) == (rate, lag, light)
    assert not got.findings


def test_no_budget_no_rate():
    got = assess(None, D("5"), rows(YES), RULES)
    assert (got.rate, got.lag, got.light) == (None, None, GREEN)
    got = assess(D("0"), D("0"), rows(YES), RULES)
    assert got.rate is None


def test_executed_blank_is_an_error_and_over_budget_a_warning():
    assert [f.code for f in assess(D("10"), None, rows(YES), RULES).findings] == [
        "EM_EXECUTED_BLANK"
    ]
    over = assess(D("10"), D("11"), rows(YES), RULES).findings
    assert [(f.code, f.is_error) for f in over] == [("EM_OVER_BUDGET", False)]


def test_predicted_unmet_is_red_by_default_and_needs_reason_and_measures():
    got = assess(D("1000"), D("500"), rows(YES, {"forecast": "no"}), RULES)
    assert got.light == RED
    assert [f.code for f in got.findings] == ["EM_REASON_MISSING", "EM_MEASURES_MISSING"]
    assert any("预计不能完成" in r for r in got.reasons)
    explained = {"forecast": "no", "reason": "疫情停工", "measures": "四季度赶工"}
    got = assess(D("1000"), D("500"), rows(explained), RULES)
    assert (got.light, got.findings) == (RED, [])


def test_lights_are_settings_of_the_round():
    rules = Rules(D("50"), D("5"), D("30"), unmet_light=YELLOW, blank_reason_light=RED)
    got = assess(D("1000"), D("440"), rows({"forecast": "no", "measures": "m"}), rules)
    # 6 points behind > 5 → yellow; unmet → yellow; unmet without reason → red
    assert got.light == RED and len(got.reasons) == 3
    got = assess(
        D("1000"), D("440"), rows({"forecast": "no", "reason": "r", "measures": "m"}), rules
    )
    assert got.light == YELLOW


def test_forecast_blank_is_an_error():
    got = assess(D("1000"), D("500"), rows({}), RULES)
    assert [f.code for f in got.findings] == ["EM_FORECAST_BLANK"]


def test_worst():
    assert worst([GREEN, YELLOW, GREEN]) == YELLOW
    assert worst([GREEN, RED, YELLOW]) == RED
    assert worst([]) == GREEN
