"""Scoring of a self-evaluation (绩效自评, 财预〔2020〕10号 form), as pure functions.

Nothing here reads the database: the caller gives the approved indicators (their targets
and 分值), what the unit reported, the funding block and the settings, and gets back every
indicator's score, the 预算执行率 score, the total out of 100 and the grade.

Rules (CYCLE.md; where the texts leave a detail open it is a setting, README “绩效自评”):
- 正向 (≥, >, and = read as “reach the target”): min(实际/目标, 1) × 分值.
- 反向 (≤, <): min(目标/实际, 1) × 分值; an actual of 0 meets any 反向 target in full.
- A target of 0: 正向 is met by any actual ≥ 0; 反向 only by an actual ≤ 0.
- 定性: the level chosen (e.g. 达成 100 %, 基本达成 80 %) × 分值.
- Over-achievement never scores above the 分值; a missing or unreadable actual scores 0.
- 预算执行率: min(B/A, 1) × its 分值; A missing or 0 scores 0.
- 分值: the filing's where every indicator has one; otherwise the settings' weights per
  一级指标 (产出 50, 效益 30, 满意度 10 of the indicators' 90), split evenly inside each.
  Filing weights that do not sum to 100 − 预算执行率分值 are rescaled to it.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from apps.indicators.targets import compose_target, parse_target

ZERO, ONE, HUNDRED = Decimal("0"), Decimal("1"), Decimal("100")
CENT = Decimal("0.01")

POSITIVE, NEGATIVE, QUALITATIVE, UNSCORABLE = "positive", "negative", "qualitative", "unscorable"
DIRECTION_LABELS = {POSITIVE: "正向", NEGATIVE: "反向", QUALITATIVE: "定性", UNSCORABLE: "无法计分"}


@dataclass(frozen=True)
class Settings:
    """What a province may choose differently (stored per form version: ScoringSettings)."""

    # 一级指标 weights by a word of the level-1 name, in the order matched.
    level1_weights: tuple[tuple[str, Decimal], ...] = (
        ("产出", Decimal("50")),
        ("效益", Decimal("30")),
        ("效果", Decimal("30")),
        ("满意度", Decimal("10")),
        ("影响力", Decimal("10")),
    )
    budget_weight: Decimal = Decimal("10")
    # Grade bands: the first whose floor the total reaches.
    grades: tuple[tuple[Decimal, str], ...] = (
        (Decimal("90"), "优"),
        (Decimal("80"), "良"),
        (Decimal("60"), "中"),
        (ZERO, "差"),
    )
    # 定性 levels: the share of 分值 each earns.
    levels: tuple[tuple[str, Decimal], ...] = (
        ("达成", Decimal("1")),
        ("基本达成", Decimal("0.8")),
        ("部分达成", Decimal("0.6")),
        ("未达成", ZERO),
    )

    @property
    def indicator_total(self) -> Decimal:
        return HUNDRED - self.budget_weight

    def level_share(self, level: str) -> Decimal | None:
        return dict(self.levels).get(level)

    def grade(self, total: Decimal) -> str:
        for floor, label in self.grades:
            if total >= floor:
                return label
        return self.grades[-1][1] if self.grades else ""


DEFAULT_SETTINGS = Settings()


@dataclass(frozen=True)
class Target:
    direction: str
    number: Decimal | None = None
    unit: str = ""
    text: str = ""


def target_of(indicator: dict) -> Target:
    """The target of an approved indicator row (a version's JSON row): the 2021 table's
    指标性质 + 指标值 + 度量单位, or the older forms' typed 目标值."""
    nature = indicator.get("nature") or ""
    value = (indicator.get("target_value") or "").strip()
    unit = (indicator.get("measure_unit") or "").strip()
    if nature == QUALITATIVE:
        return Target(QUALITATIVE, text=value)
    if nature or value:
        raw = compose_target(nature, value, unit)
    else:
        raw = indicator.get("target_raw") or ""
    parsed = parse_target(raw)
    if parsed.kind == "qualitative":
        return Target(QUALITATIVE, text=raw.strip())
    if parsed.kind != "quantitative" or parsed.number is None:
        return Target(UNSCORABLE, text=raw.strip())
    direction = NEGATIVE if parsed.comparator in ("≤", "<") else POSITIVE
    return Target(direction, parsed.number, parsed.unit, raw.strip())


def actual_number(text: str) -> Decimal | None:
    """The number in what the unit typed as 实际完成值 (``96%``, ``≥96%``, ``1,200 人次``)."""
    parsed = parse_target(text)
    return parsed.number if parsed.kind == "quantitative" else None


def _q(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def ratio(direction: str, target: Decimal, actual: Decimal) -> Decimal:
    """The share of 分值 earned, in [0, 1]."""
    if direction == POSITIVE:
        if target <= ZERO:
            return ONE if actual >= target else ZERO
        return max(ZERO, min(actual / target, ONE))
    if actual <= ZERO:
        return ONE if target >= actual else ZERO
    if target <= ZERO:
        return ZERO
    return max(ZERO, min(target / actual, ONE))


@dataclass(frozen=True)
class Reported:
    actual: str = ""
    level: str = ""  # 定性: the chosen level


@dataclass
class IndicatorScore:
    indicator_id: int
    direction: str
    weight: Decimal
    score: Decimal
    # Why the score is 0 although something may have been meant: "missing", "unreadable".
    problem: str = ""

    @property
    def below_weight(self) -> bool:
        return self.score < self.weight


def score_indicator(
    indicator_id: int, target: Target, weight: Decimal, reported: Reported, settings: Settings
) -> IndicatorScore:
    def result(score: Decimal, problem: str = "") -> IndicatorScore:
        return IndicatorScore(indicator_id, target.direction, weight, _q(score), problem)

    if target.direction == QUALITATIVE:
        if not reported.level:
            return result(ZERO, "missing")
        share = settings.level_share(reported.level)
        return result(ZERO, "unreadable") if share is None else result(share * weight)
    if target.direction == UNSCORABLE:
        return result(ZERO, "target")
    if not (reported.actual or "").strip():
        return result(ZERO, "missing")
    actual = actual_number(reported.actual)
    if actual is None:
        return result(ZERO, "unreadable")
    return result(ratio(target.direction, target.number, actual) * weight)


def level1_weight(name: str, settings: Settings) -> Decimal | None:
    for word, weight in settings.level1_weights:
        if word in (name or ""):
            return weight
    return None


def apportion(total: Decimal, shares: list[Decimal]) -> list[Decimal]:
    """``total`` split in proportion to ``shares``, in cents that add up to it exactly
    (largest remainder: 50 over three is 16.67 + 16.67 + 16.66, never 50.01)."""
    share_sum = sum(shares, ZERO)
    if not shares or share_sum <= ZERO:
        return [ZERO for _ in shares]
    cents = int(total / CENT)
    exact = [Decimal(cents) * s / share_sum for s in shares]
    floors = [int(e) for e in exact]
    rest = cents - sum(floors)
    order = sorted(range(len(shares)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return [Decimal(f) * CENT for f in floors]


def _weight(value) -> Decimal | None:
    """A version's 分值 (JSON: a decimal string; older snapshots: as printed), or None."""
    if value is None or value == "":
        return None
    try:
        weight = Decimal(str(value).replace(",", ""))
    except ArithmeticError:
        return None
    # Indicator.weight is Decimal(6, 2): anything else did not come from a filing.
    return weight if weight.is_finite() and weight.adjusted() < 4 else None


def weights(indicators: list[dict], settings: Settings) -> dict[int, Decimal]:
    """分值 per indicator id, summing to ``settings.indicator_total`` (see the module doc)."""
    if not indicators:
        return {}
    ids = [i["id"] for i in indicators]
    total = settings.indicator_total
    filed = [_weight(i.get("weight")) for i in indicators]
    if all(w is not None and w >= 0 for w in filed):
        if sum(filed, ZERO) > 0:
            return dict(zip(ids, apportion(total, filed), strict=True))
    groups: dict[str, int] = {}
    for i in indicators:
        name = i.get("level1_name") or ""
        groups[name] = groups.get(name, 0) + 1
    group_weights = {g: level1_weight(g, settings) for g in groups}
    if all(w is None for w in group_weights.values()):
        group_weights = dict.fromkeys(groups, ONE)
    # Each indicator's share: its group's weight over the group's size.
    shares = [
        (group_weights[i.get("level1_name") or ""] or ZERO) / groups[i.get("level1_name") or ""]
        for i in indicators
    ]
    return dict(zip(ids, apportion(total, shares), strict=True))


@dataclass
class BudgetScore:
    weight: Decimal
    rate: Decimal | None  # B/A as a fraction, None when A is missing or 0
    score: Decimal

    @property
    def rate_text(self) -> str:
        return "" if self.rate is None else f"{_q(self.rate * HUNDRED)}%"


def score_budget(full_budget, executed, settings: Settings) -> BudgetScore:
    weight = settings.budget_weight
    if full_budget is None or executed is None or full_budget <= ZERO:
        return BudgetScore(weight, None, ZERO)
    rate = executed / full_budget
    return BudgetScore(weight, rate, _q(max(ZERO, min(rate, ONE)) * weight))


@dataclass
class Result:
    indicators: list[IndicatorScore] = field(default_factory=list)
    budget: BudgetScore | None = None
    total: Decimal = ZERO
    grade: str = ""

    def by_id(self) -> dict[int, IndicatorScore]:
        return {s.indicator_id: s for s in self.indicators}


def evaluate(
    indicators: list[dict],
    reported: dict[int, Reported],
    *,
    full_budget: Decimal | None,
    executed: Decimal | None,
    settings: Settings = DEFAULT_SETTINGS,
) -> Result:
    """Score a self-evaluation. ``indicators`` are the approved version's rows (JSON with
    ``id``, ``level1_name`` and the target columns), ``reported`` what the unit typed."""
    weight_of = weights(indicators, settings)
    scores = [
        score_indicator(
            i["id"], target_of(i), weight_of[i["id"]], reported.get(i["id"], Reported()), settings
        )
        for i in indicators
    ]
    budget = score_budget(full_budget, executed, settings)
    total = _q(sum((s.score for s in scores), ZERO) + budget.score)
    return Result(scores, budget, total, settings.grade(total))
