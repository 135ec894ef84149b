from apps.indicators.models import Indicator
from apps.indicators.targets import parse_target


def indicator_apply_target(*, indicator: Indicator) -> Indicator:
    """Store the parsed parts of the typed 目标值 beside it (the typed text is kept)."""
    parsed = parse_target(indicator.target_raw)
    indicator.target_kind = parsed.kind
    indicator.target_comparator = parsed.comparator
    indicator.target_number = parsed.number
    indicator.target_unit = parsed.unit
    return indicator
