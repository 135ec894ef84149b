"""运行监控 warning rules ("双监控": budget execution and target progress together), pure.

Given the approved 当年预算, the 预算执行数 to date, each indicator's forecast and the
round's rules, say the 执行率, how far it lags the schedule, the light (红/黄/绿) with its
reasons, and the findings (errors block the submission).
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from apps.checks.findings import Finding, Severity, Sheet

GREEN, YELLOW, RED = "green", "yellow", "red"
ORDER = {GREEN: 0, YELLOW: 1, RED: 2}
CENT, HUNDRED = Decimal("0.01"), Decimal("100")


@dataclass(frozen=True)
class Rules:
    expected_rate: Decimal  # 序时进度, %
    yellow_lag: Decimal = Decimal("10")  # points behind schedule
    red_lag: Decimal = Decimal("20")
    unmet_light: str = RED  # an indicator predicted not met
    blank_reason_light: str = YELLOW  # predicted not met and no 偏差原因

    @classmethod
    def of(cls, round_) -> "Rules":
        return cls(
            round_.expected_rate,
            round_.yellow_lag,
            round_.red_lag,
            round_.unmet_light,
            round_.blank_reason_light,
        )


@dataclass
class Assessment:
    rate: Decimal | None  # 执行率, % of 当年预算
    lag: Decimal | None  # points behind the schedule (negative: ahead)
    light: str = GREEN
    reasons: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    def raise_to(self, light: str, reason: str) -> None:
        if ORDER[light] > ORDER[self.light]:
            self.light = light
        if light != GREEN:
            self.reasons.append(reason)


def worst(lights) -> str:
    return max(lights, key=lambda light: ORDER[light], default=GREEN)


def _f(code, severity, sheet, anchor, where, message) -> Finding:
    return Finding(code, severity, sheet, anchor, where, message)


def assess(budget, executed, rows, rules: Rules) -> Assessment:
    """``rows``: (number, name, anchor prefix, typed dict with progress/forecast/reason/
    measures) per approved indicator, in printed order."""
    rate = lag = None
    if budget and budget > 0 and executed is not None:
        rate = (executed / budget * HUNDRED).quantize(CENT, rounding=ROUND_HALF_UP)
        lag = rules.expected_rate - rate
    out = Assessment(rate, lag)
    if executed is None:
        out.findings.append(
            _f(
                "EM_EXECUTED_BLANK",
                Severity.ERROR,
                Sheet.OVERVIEW,
                "executed",
                "预算执行数",
                "请填写截至本期的预算执行数。",
            )  # fmt: skip
        )
    elif budget is not None and executed > budget:
        out.findings.append(
            _f(
                "EM_OVER_BUDGET",
                Severity.WARNING,
                Sheet.OVERVIEW,
                "executed",
                "预算执行数",
                "预算执行数超过当年预算。",
            )  # fmt: skip
        )
    if lag is not None and lag > rules.red_lag:
        out.raise_to(
            RED, f"执行率 {rate}% 落后序时进度 {rules.expected_rate}% 超过 {rules.red_lag} 个百分点"
        )
    elif lag is not None and lag > rules.yellow_lag:
        out.raise_to(
            YELLOW,
            f"执行率 {rate}% 落后序时进度 {rules.expected_rate}% 超过 {rules.yellow_lag} 个百分点",
        )
    for number, name, prefix, typed in rows:
        where = f"第 {number} 行 · {name or '（未命名）'}"
        forecast = typed.get("forecast", "")
        if not forecast:
            out.findings.append(
                _f(
                    "EM_FORECAST_BLANK",
                    Severity.ERROR,
                    Sheet.GOALS,
                    f"{prefix}-forecast",
                    where,
                    "请选择能否完成。",
                )  # fmt: skip
            )
            continue
        if forecast != "no":
            continue
        out.raise_to(rules.unmet_light, f"{where}：预计不能完成")
        if not typed.get("reason", "").strip():
            out.raise_to(rules.blank_reason_light, f"{where}：未说明偏差原因")
            out.findings.append(
                _f(
                    "EM_REASON_MISSING",
                    Severity.ERROR,
                    Sheet.GOALS,
                    f"{prefix}-reason",
                    where,
                    "预计不能完成，须填写偏差原因。",
                )  # fmt: skip
            )
        if not typed.get("measures", "").strip():
            out.findings.append(
                _f(
                    "EM_MEASURES_MISSING",
                    Severity.ERROR,
                    Sheet.GOALS,
                    f"{prefix}-measures",
                    where,
                    "预计不能完成，须填写纠偏措施。",
                )  # fmt: skip
            )
    return out
