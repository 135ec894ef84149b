from apps.indicators.models import Indicator
from apps.indicators.targets import compose_target, parse_target
from apps.sheets.schema import NATIONAL_2021


def indicator_apply_target(*, indicator: Indicator, version: str = "") -> Indicator:
    """Store the parsed parts of the 目标值 beside it (the typed text is kept). On the 2021
    table the 目标值 is composed from 指标性质, 指标值 and 度量单位."""
    if version == NATIONAL_2021 and (indicator.nature or indicator.target_value):
        indicator.target_raw = compose_target(
            indicator.nature, indicator.target_value, indicator.measure_unit
        )[: Indicator._meta.get_field("target_raw").max_length]
    parsed = parse_target(indicator.target_raw)
    indicator.target_kind = parsed.kind
    indicator.target_comparator = parsed.comparator
    indicator.target_number = parsed.number
    indicator.target_unit = parsed.unit
    return indicator
