"""The filing checks: plain functions over a ``Filing`` that return findings.

The one place the rules of ../shared/DOMAIN.md live. The sheet pages (on save and live
while typing), the project lists, and later submission, export and import all call
``check_filing``.
"""

from collections import Counter
from decimal import Decimal

from apps.checks.findings import Finding, Severity, Sheet
from apps.checks.rules_2021 import check_core_indicators
from apps.checks.rules_mandated import check_mandated
from apps.checks.snapshot import Filing, as_date
from apps.core.money import fmt_money, fmt_number, multiply, quantize
from apps.indicators.targets import compose_target, parse_target
from apps.sheets.schema import NATIONAL_2021

E, W = Severity.ERROR, Severity.WARNING
ZERO = Decimal("0")
CATEGORY_LABELS = {"project": "项目管理制度", "budget": "预算管理制度", "finance": "财务管理制度"}
STAGE_LABELS = ("立项和计划阶段", "实施阶段", "收尾和完成阶段")
CATEGORY_CHOICES = {"one_off", "recurring", "mid_term"}


def _f(code, severity, sheet, anchor, where, message) -> Finding:
    return Finding(code, severity, sheet, anchor, where, message)


def _ov(code, severity, anchor, label, message) -> Finding:
    return _f(code, severity, Sheet.OVERVIEW, anchor, f"项目总体情况 · {label}", message)


# --- Sheet 1 -------------------------------------------------------------------------

REQUIRED_TEXT = [
    # field, label, severity
    ("name", "项目名称", E),
    ("leader", "项目负责人", E),
    ("contact", "联系人", W),
    ("phone", "联系电话", W),
    ("overview", "项目概况", E),
    ("basis", "立项依据", W),
    ("necessity", "必要性", W),
    ("feasibility", "可行性", W),
    ("overall_goal", "项目总目标", E),
    ("annual_goal", "年度绩效目标", E),
]


def check_required(filing: Filing) -> list[Finding]:
    out = []
    for name, label, severity in REQUIRED_TEXT:
        if not (filing.get(name) or "").strip():
            out.append(_ov("P_REQUIRED", severity, name, label, f"{label}未填写。"))
    if filing.get("category") not in CATEGORY_CHOICES:
        out.append(
            _ov(
                "P_CATEGORY",
                E,
                "category",
                "项目类别",
                "请选择项目类别：一次性项目、经常性项目或中期预算试点项目之一。",
            )
        )
    return out


def check_dates(filing: Filing) -> list[Finding]:
    start, end = as_date(filing.get("start_date")), as_date(filing.get("end_date"))
    out = []
    if start is None:
        out.append(_ov("D_REQUIRED", E, "start_date", "起始日期", "起始日期未填写。"))
    if end is None:
        out.append(_ov("D_REQUIRED", E, "end_date", "结束日期", "结束日期未填写。"))
    if start and end and start > end:
        out.append(
            _ov(
                "D_ORDER",
                E,
                "end_date",
                "结束日期",
                f"结束日期 {end:%Y-%m-%d} 早于起始日期 {start:%Y-%m-%d}。",
            )
        )
    if start and end and (end.year < filing.year or start.year > filing.year):
        out.append(
            _ov(
                "D_OUTSIDE_YEAR",
                W,
                "start_date",
                "起始日期",
                f"项目期间 {start:%Y-%m-%d} 至 {end:%Y-%m-%d} 不包含预算年度 {filing.year} 年。",
            )
        )
    return out


def _money(filing: Filing, name: str) -> Decimal | None:
    value = filing.get(name)
    return None if value is None else Decimal(value)


def check_funding(filing: Filing) -> list[Finding]:
    out = []
    total = _money(filing, "total_budget")
    current = _money(filing, "current_budget")
    fiscal = _money(filing, "fiscal_total")
    parts = [_money(filing, n) for n in ("fiscal_upper", "fiscal_local", "fiscal_lower")]
    other = _money(filing, "other_funds")

    if total is None:
        out.append(_ov("F_REQUIRED", E, "total_budget", "项目总预算", "项目总预算未填写。"))
    if current is None:
        out.append(_ov("F_REQUIRED", E, "current_budget", "当年预算", "当年预算未填写。"))

    parts_sum = sum((p or ZERO for p in parts), ZERO)
    if fiscal is None and any(p is not None for p in parts):
        out.append(
            _ov(
                "F_FISCAL_SUM",
                E,
                "fiscal_total",
                "财政拨款",
                f"财政拨款未填写；按上级财政拨款、本级财政安排、下级财政配套之和应为 {fmt_money(parts_sum)}。",
            )
        )
    elif fiscal is not None and quantize(fiscal) != quantize(parts_sum):
        out.append(
            _ov(
                "F_FISCAL_SUM",
                E,
                "fiscal_total",
                "财政拨款",
                f"财政拨款 {fmt_money(fiscal)} 不等于上级财政拨款、本级财政安排、下级财政配套之和 "
                f"{fmt_money(parts_sum)}（相差 {fmt_money(abs(fiscal - parts_sum))}）。",
            )
        )
    if current is not None and fiscal is None and other is None:
        out.append(
            _ov(
                "F_REQUIRED",
                E,
                "fiscal_total",
                "财政拨款",
                "财政拨款与其他资金均未填写，无法核对当年预算。",
            )
        )
    elif current is not None:
        expected = (fiscal or ZERO) + (other or ZERO)
        if quantize(current) != quantize(expected):
            out.append(
                _ov(
                    "F_CURRENT_SUM",
                    E,
                    "current_budget",
                    "当年预算",
                    f"当年预算 {fmt_money(current)} 不等于财政拨款与其他资金之和 {fmt_money(expected)}"
                    f"（相差 {fmt_money(abs(current - expected))}）。",
                )
            )
    if current is not None and total is not None and current > total:
        out.append(
            _ov(
                "F_CURRENT_OVER_TOTAL",
                E,
                "current_budget",
                "当年预算",
                f"当年预算 {fmt_money(current)} 超过项目总预算 {fmt_money(total)}。",
            )
        )
    return out


# --- Sheet 2: indicators -------------------------------------------------------------


def _ind_where(index: int, label: str) -> str:
    return f"绩效目标 · 第 {index + 1} 行 · {label}"


def target_of(row, version: str) -> str:
    """The 目标值 the checks read: on the 2021 table composed of 指标性质, 指标值, 度量单位."""
    if version == NATIONAL_2021 and (row.nature or row.target_value):
        return compose_target(row.nature, row.target_value, row.measure_unit)
    return row.target_raw


def check_indicators(filing: Filing) -> list[Finding]:
    out = []
    level2s = filing.taxonomy.level2_by_id()
    end = as_date(filing.get("end_date"))
    # The 2021 table types 指标值 apart from its sign; the page's field is target_value.
    target_field = "target_value" if filing.version == NATIONAL_2021 else "target_raw"
    for i, row in enumerate(filing.indicators):

        def add(code, severity, field, label, message, _i=i, _row=row):
            if field == "target_raw":
                field = target_field
            out.append(
                _f(
                    code,
                    severity,
                    Sheet.GOALS,
                    f"{_row.key}-{field}",
                    _ind_where(_i, label),
                    message,
                )
            )

        pair = level2s.get(row.level2_id)
        if pair is None:
            typed = " · ".join(n for n in (row.level1_name, row.level2_name) if n)
            add(
                "I_LEVEL_UNKNOWN",
                E,
                "level2",
                "二级目标",
                (f"原表填写的“{typed}”不在 {filing.year} 年的指标体系中；" if typed else "")
                + f"请选择 {filing.year} 年指标体系中的一级、二级目标。",
            )
        if not row.name.strip():
            add("I_NAME_BLANK", E, "name", "三级目标", "三级目标（指标名称）未填写。")

        raw = target_of(row, filing.version)
        parsed = parse_target(raw)
        name = row.name.strip() or "该指标"
        if parsed.kind == "blank":
            add("T_BLANK", E, "target_raw", "目标值", f"“{name}”的目标值未填写。")
        elif parsed.kind == "invalid" and "placeholder" in parsed.notes:
            add(
                "T_PLACEHOLDER",
                E,
                "target_raw",
                "目标值",
                f"目标值“{raw.strip()}”不是有效的目标值，请填写具体数值或定性描述。",
            )
        elif parsed.kind == "invalid" and "range" in parsed.notes:
            add(
                "T_UNPARSEABLE",
                E,
                "target_raw",
                "目标值",
                f"目标值“{raw.strip()}”的数值超出可保存的范围（整数不超过 18 位，小数不超过 6 位）。",
            )
        elif parsed.kind == "invalid":
            add(
                "T_UNPARSEABLE",
                E if "comparator" in parsed.notes else W,
                "target_raw",
                "目标值",
                f"目标值“{raw.strip()}”无法识别为“比较符 + 数值 + 单位”（如 ≥90%）。",
            )
        if parsed.normalised_from:
            add(
                "T_NORMALISED",
                W,
                "target_raw",
                "目标值",
                f"目标值“{raw.strip()}”已按“{parsed.normalised}”理解，请改用标准写法。",
            )
        if parsed.kind == "quantitative" and parsed.unit == "%" and parsed.number > 100:
            add(
                "T_PERCENT_OVER_100",
                W,
                "target_raw",
                "目标值",
                f"百分比目标值 {parsed.normalised} 超过 100%。",
            )
        if pair is not None:
            level2 = pair[1]
            if level2.kind == "cost" and parsed.comparator in ("≥", ">"):
                add(
                    "T_COST_GE",
                    W,
                    "target_raw",
                    "目标值",
                    f"成本指标通常应为“≤”上限，而目标值为 {parsed.normalised}。",
                )
            if level2.kind == "timeliness" and parsed.date and end and parsed.date > end:
                add(
                    "T_DATE_AFTER_END",
                    E,
                    "target_raw",
                    "目标值",
                    f"时效目标日期 {parsed.date:%Y-%m-%d} 晚于项目结束日期 {end:%Y-%m-%d}。",
                )
    return out


def check_completeness(filing: Filing) -> list[Finding]:
    out = []
    if not filing.indicators:
        return [
            _f(
                "C_NO_INDICATORS",
                E,
                Sheet.GOALS,
                "indicators",
                "绩效目标",
                "尚未填写任何绩效指标。",
            )
        ]
    present = Counter(row.level2_id for row in filing.indicators)
    for l1 in filing.taxonomy.level1s:
        l1_count = sum(present[l2.id] for l2 in l1.level2s)
        if l1.required and l1_count == 0:
            out.append(
                _f(
                    "C_LEVEL1_MISSING",
                    E,
                    Sheet.GOALS,
                    "indicators",
                    f"绩效目标 · {l1.name}",
                    f"缺少一级目标“{l1.name}”下的指标。",
                )
            )
            continue
        for l2 in l1.level2s:
            if l2.required and present[l2.id] == 0:
                out.append(
                    _f(
                        "C_LEVEL2_MISSING",
                        E,
                        Sheet.GOALS,
                        "indicators",
                        f"绩效目标 · {l1.name} · {l2.name}",
                        f"缺少二级目标“{l1.name} · {l2.name}”下的指标。",
                    )
                )
    return out


# --- Sheet 2: 项目构成分解 -------------------------------------------------------------


def check_lines(filing: Filing) -> list[Finding]:
    out = []
    if not filing.lines:
        out.append(
            _f(
                "L_NONE",
                E,
                Sheet.GOALS,
                "lines",
                "项目构成分解",
                "尚未填写项目构成分解（预算明细）。",
            )
        )
    for i, line in enumerate(filing.lines):

        def add(code, severity, field, label, message, _i=i, _line=line):
            out.append(
                _f(
                    code,
                    severity,
                    Sheet.GOALS,
                    f"{_line.key}-{field}",
                    f"项目构成分解 · 第 {_i + 1} 行 · {label}",
                    message,
                )
            )

        if line.amount is None:
            add("L_AMOUNT_BLANK", E, "amount", "明细金额", "明细金额未填写。")
        if not (line.content.strip() or line.detail.strip()):
            add("L_TEXT_BLANK", W, "detail", "项目明细", "项目内容与项目明细均未填写。")
        if line.unit_price is not None and line.quantity is not None:
            product = quantize(multiply(line.unit_price, line.quantity))
            if line.amount is not None and product != quantize(line.amount):
                add(
                    "L_PRICE_QTY",
                    E,
                    "amount",
                    "明细金额",
                    f"单价 {fmt_money(line.unit_price)} × 数量 {fmt_number(line.quantity)} = {fmt_money(product)}，"
                    f"与明细金额 {fmt_money(line.amount)} 不符（相差 {fmt_money(abs(product - line.amount))}）。",
                )

    lines_total = filing.lines_total
    current = _money(filing, "current_budget")
    if filing.lines and current is not None and quantize(lines_total) != quantize(current):
        out.append(
            _f(
                "L_TOTAL_VS_BUDGET",
                E,
                Sheet.GOALS,
                "lines-total",
                "项目构成分解 · 金额合计",
                f"金额合计 {fmt_money(lines_total)} 不等于当年预算 {fmt_money(current)}"
                f"（相差 {fmt_money(abs(lines_total - current))}）。",
            )
        )
    source = filing.get("total_source")
    declared = _money(filing, "declared_total")
    if source == "blank":
        out.append(
            _f(
                "L_DECLARED_BLANK",
                E,
                Sheet.GOALS,
                "lines-total",
                "项目构成分解 · 金额合计",
                f"原表金额合计为空；按明细计算应为 {fmt_money(lines_total)}。",
            )
        )
    elif source == "typed" and declared is not None and quantize(declared) != quantize(lines_total):
        out.append(
            _f(
                "L_DECLARED_MISMATCH",
                E,
                Sheet.GOALS,
                "lines-total",
                "项目构成分解 · 金额合计",
                f"原表金额合计 {fmt_money(declared)} 与明细金额之和 {fmt_money(lines_total)} 不符"
                f"（相差 {fmt_money(abs(declared - lines_total))}）。",
            )
        )
    return out


# --- Sheet 3 -------------------------------------------------------------------------


def check_guarantees(filing: Filing) -> list[Finding]:
    out = []
    present = {doc.category for doc in filing.docs}
    for code, label in CATEGORY_LABELS.items():
        if code not in present:
            out.append(
                _f(
                    "G_CATEGORY_MISSING",
                    E,
                    Sheet.GUARANTEES,
                    "docs",
                    f"制度保障 · {label}",
                    f"缺少“{label}”的制度文件。",
                )
            )
    for i, doc in enumerate(filing.docs):
        where = f"制度保障 · 第 {i + 1} 行"
        if not doc.title.strip():
            out.append(
                _f(
                    "G_TITLE_BLANK",
                    E,
                    Sheet.GUARANTEES,
                    f"{doc.key}-title",
                    f"{where} · 文件名称",
                    "文件名称未填写。",
                )
            )
        if not doc.measures.strip():
            out.append(
                _f(
                    "G_MEASURES_BLANK",
                    W,
                    Sheet.GUARANTEES,
                    f"{doc.key}-measures",
                    f"{where} · 具体措施",
                    "具体措施未填写。",
                )
            )
        if not any(doc.stages):
            out.append(
                _f(
                    "G_NO_STAGE",
                    E,
                    Sheet.GUARANTEES,
                    f"{doc.key}-stage_planning",
                    f"{where} · 保障阶段",
                    "请至少勾选一个保障阶段：" + "、".join(STAGE_LABELS) + "。",
                )
            )
    return out


RULES = [
    check_required,
    check_dates,
    check_funding,
    check_indicators,
    check_completeness,
    check_lines,
    check_guarantees,
    check_core_indicators,
    check_mandated,
]


def check_filing(filing: Filing) -> list[Finding]:
    findings: list[Finding] = []
    for rule in RULES:
        findings.extend(rule(filing))
    return findings


def count(findings: list[Finding]) -> tuple[int, int]:
    errors = sum(1 for f in findings if f.is_error)
    return errors, len(findings) - errors
