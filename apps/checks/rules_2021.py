"""Rules of the 2021 core-indicator table (form version national-2021): 指标性质 agrees
with 指标值, 定性 has no number, quantities have a 度量单位, 分值 given and summing to the
version's total (a setting of the version, budgets.FormVersion)."""

from decimal import Decimal

from apps.checks.findings import Finding, Severity, Sheet
from apps.checks.snapshot import Filing
from apps.core.money import fmt_number
from apps.indicators.targets import parse_target
from apps.sheets.schema import NATIONAL_2021

E, W = Severity.ERROR, Severity.WARNING
NATURE_SIGNS = {"positive": ("≥", ">"), "negative": ("≤", "<"), "equal": ("=",)}
NATURE_LABELS = {"positive": "正向", "negative": "反向", "equal": "等于"}


def _add(out, code, severity, row, i, field, label, message):
    out.append(
        Finding(
            code,
            severity,
            Sheet.GOALS,
            f"{row.key}-{field}",
            f"绩效目标 · 第 {i + 1} 行 · {label}",
            message,
        )
    )


def check_core_indicators(filing: Filing) -> list[Finding]:
    if filing.version != NATIONAL_2021:
        return []
    out: list[Finding] = []
    total = Decimal("0")
    for i, row in enumerate(filing.indicators):
        name = row.name.strip() or "该指标"
        value = (row.target_value or "").strip()
        if not row.nature:
            _add(
                out,
                "N_NATURE_BLANK",
                E,
                row,
                i,
                "nature",
                "指标性质",
                f"“{name}”未选择指标性质（正向、反向、等于、定性）。",
            )
        elif row.nature == "qualitative":
            if parse_target(value).kind == "quantitative" and not row.measure_unit:
                _add(
                    out,
                    "N_QUALITATIVE_NUMBER",
                    E,
                    row,
                    i,
                    "target_value",
                    "指标值",
                    f"“{name}”是定性指标，指标值应为文字描述（如“有所提升”），而不是数值“{value}”。",
                )
        else:
            typed = parse_target(value)
            signs = NATURE_SIGNS[row.nature]
            if (
                value
                and typed.comparator
                and value[:1] in "=≥≤><＝》《"
                and typed.comparator not in signs
            ):
                _add(
                    out,
                    "N_NATURE_MISMATCH",
                    E,
                    row,
                    i,
                    "target_value",
                    "指标值",
                    f"“{name}”为{NATURE_LABELS[row.nature]}指标，应使用“{signs[0]}”，指标值却写了“{typed.comparator}”。",
                )
            if (
                value
                and typed.kind == "quantitative"
                and not (row.measure_unit or "").strip()
                and not typed.unit
            ):
                _add(
                    out,
                    "N_UNIT_BLANK",
                    W,
                    row,
                    i,
                    "measure_unit",
                    "度量单位",
                    f"“{name}”是定量指标，未填写度量单位（如 %、人次、万元）。",
                )
        if row.weight is None:
            if filing.weights_required:
                _add(out, "W_WEIGHT_BLANK", E, row, i, "weight", "分值", f"“{name}”未填写分值。")
        else:
            total += row.weight
    expected = filing.weights_total
    if expected is not None and filing.indicators and total != expected:
        out.append(
            Finding(
                "W_WEIGHTS_TOTAL",
                E,
                Sheet.GOALS,
                "indicators",
                "绩效目标 · 分值",
                f"各指标分值合计 {fmt_number(total)}，应为 {fmt_number(expected)}（本年度申报表格式的规定）。",
            )
        )
    return out
