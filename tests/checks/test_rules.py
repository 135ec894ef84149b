"""Every finding code of apps/checks/rules.py, each from a clean filing broken in one place.

The clean filing is seed 000 (安全集成管理平台信息化建设, 2020) with its real mistakes put
right (项目类别 chosen, ``》90%`` typed as ``≥90%``), checked against the 2020 taxonomy as
loaded from fixtures/reference into the database. The breaks are the seeds' own where they
have one.
"""

import re
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from apps.budgets.models import BudgetYear
from apps.checks import rules
from apps.checks.findings import Finding, Severity, Sheet
from apps.checks.rules import check_filing, count
from apps.checks.snapshot import (
    SCALAR_FIELDS,
    DocRow,
    Filing,
    IndicatorRow,
    LineRow,
    TaxonomySpec,
    taxonomy_spec_for_year,
)
from apps.indicators.models import Level2

E, W = Severity.ERROR, Severity.WARNING
D = Decimal

# --- The clean filing -------------------------------------------------------------------

BASE_FIELDS = {
    "name": "信息化项目-安全集成管理平台信息化建设",
    "category": "one_off",
    "leader": "周硕青",
    "contact": "陈杰",
    "phone": "18017592779",
    "start_date": date(2020, 1, 1),
    "end_date": date(2020, 12, 31),
    "overview": "为满足闵行区教育安全管理工作新的需求……",
    "basis": "依据《上海市教育委员会、上海市公安局关于推进学校安全中心建设的通知》……",
    "necessity": "闵行区教育安全管理信息平台……",
    "feasibility": "本项目升级建设是闵行区教育安全管理中心……",
    "resources": "制度方面：《闵行区校园安全平台管理制度》",
    "overall_goal": "满足闵行区教育安全管理工作新的需求……",
    "annual_goal": "完成平台升级建设，建设进度与计划相符，质量合格率100%，且通过验收。",
    "other_issues": "",
    "composition": "本项目安全集成管理平台信息化具体建设内容如下……",
    "total_source": "computed",
    "declared_total": None,
}

# (一级目标, 二级目标, 三级目标, 目标值) — seed 000, with 》90% typed as ≥90%.
INDICATORS_000 = [
    ("产出目标", "数量", "平台建设计划完成率", "=100%"),
    ("产出目标", "质量", "平台阶段验收通过率", "=100%"),
    ("产出目标", "时效", "平台建设进度相符性", "与计划相符"),
    ("效果目标", "社会效益", "教育安全监管效率提升情况", "有提升"),
    ("效果目标", "社会效益", "学校安全负责人参与度", "=100%"),
    ("效果目标", "社会效益", "学校安全负责人知晓率", "=100%"),
    ("影响力目标", "长效管理", "长效管理机制健全性", "建立健全"),
    ("影响力目标", "满意度", "学校安保负责人满意度", "≥90%"),
    ("影响力目标", "满意度", "教育局安保中心满意度", "≥90%"),
]
TIMELINESS_ROW = 2

# (项目内容, 项目明细, 明细金额, 单价, 数量) — seed 000: Σ = 911,000 = 当年预算.
LINES_000 = [
    ("集成管理平台信息化建设项", "软件开发等", "560000", "560000", "1"),
    ("集成管理平台信息化建设项", "硬件", "120000", "120000", "1"),
    ("集成管理平台信息化建设项", "集成费", "124000", "124000", "1"),
    ("集成管理平台信息化建设项", "监理费", "62000", "62000", "1"),
    ("集成管理平台信息化建设项", "咨询费", "45000", "45000", "1"),
]

# seed 002: 15000.00 × 5.00 = 75000 and the like; Σ = 372,100.
LINES_002 = [
    ("应用软件开发", "闵行智能教育办公云平台1", "75000", "15000.00", "5.00"),
    ("应用软件开发", "闵行智能教育办公云平台2", "90000", "15000.00", "6.00"),
    ("应用软件开发", "闵行智能教育办公云平台3", "75000", "15000.00", "5.00"),
    ("其他费用", "咨询费", "4800", "4800.00", "1.00"),
    ("硬件购置", "阿里云ECS服务器租用", "70000", "35000.00", "2.00"),
    ("其他费用", "测评费1", "4800", "4800.00", "1.00"),
    ("其他费用", "测评费2", "7200", "7200.00", "1.00"),
    ("其他费用", "监理费", "15300", "15300.00", "1.00"),
    ("硬件购置", "DaoCloud系统（PaaS）升级", "30000", "30000.00", "1.00"),
]

# (制度保障, 文件名称, 具体措施, 保障阶段) — seed 000.
DOCS_000 = [
    (
        "project",
        "《闵行区校园安全平台管理制度》",
        "是区教育局层面制定的项目管理制度……",
        (True, True, True),
    ),
    (
        "budget",
        "《闵行区教育系统预算编制与执行暂行规定》",
        "预算编制流程、部门审批流程……",
        (True, True, True),
    ),
    (
        "budget",
        "《闵行区政府购买服务操作手册》",
        "预算编制流程、部门审批流程……",
        (True, True, True),
    ),
    (
        "finance",
        "《闵行区教育局专项资金管理暂行办法》",
        "职能部门分工、资金拨付流程……",
        (False, True, True),
    ),
]


@pytest.fixture
def spec(reference) -> TaxonomySpec:
    return taxonomy_spec_for_year(BudgetYear.objects.get(year=2020))


def level2_id(spec: TaxonomySpec, level1: str, level2: str) -> int:
    for l1 in spec.level1s:
        for l2 in l1.level2s:
            if (l1.name, l2.name) == (level1, level2):
                return l2.id
    raise LookupError(f"{level1} · {level2} is not in {spec.name}")


def indicator(spec, i, level1, level2, name, target) -> IndicatorRow:
    return IndicatorRow(
        key=f"ind-{i}",
        level2_id=level2_id(spec, level1, level2),
        name=name,
        target_raw=target,
        remark="计划目标",
    )


def line(i, content, detail, amount, price=None, qty=None) -> LineRow:
    def dec(value):
        return None if value is None else D(value)

    return LineRow(
        key=f"line-{i}",
        item_name="项目-安全集成管理平台信",
        content=content,
        detail=detail,
        amount=dec(amount),
        unit_price=dec(price),
        quantity=dec(qty),
    )


def doc(i, category, title, measures, stages) -> DocRow:
    return DocRow(key=f"doc-{i}", category=category, title=title, measures=measures, stages=stages)


def make_filing(
    spec, *, indicators=INDICATORS_000, lines=LINES_000, docs=DOCS_000, **fields
) -> Filing:
    """A filing whose funding agrees with its lines (all 本级财政安排) unless told otherwise."""
    rows = [line(i, *row) for i, row in enumerate(lines)]
    current = sum((r.amount or D("0") for r in rows), D("0"))
    funding = {
        "total_budget": current,
        "current_budget": current,
        "fiscal_total": current,
        "fiscal_upper": D("0"),
        "fiscal_local": current,
        "fiscal_lower": D("0"),
        "other_funds": D("0"),
    }
    return Filing(
        year=2020,
        taxonomy=spec,
        fields={**BASE_FIELDS, **funding, **fields},
        indicators=[indicator(spec, i, *row) for i, row in enumerate(indicators)],
        lines=rows,
        docs=[doc(i, *row) for i, row in enumerate(docs)],
    )


@pytest.fixture
def clean(spec) -> Filing:
    """Seed 000 put right: 总预算 4,411,000 over several years, 当年 911,000."""
    return make_filing(spec, total_budget=D("4411000"))


def only(filing: Filing) -> Finding:
    findings = check_filing(filing)
    assert len(findings) == 1, [(f.code, f.anchor) for f in findings]
    return findings[0]


def expect(finding: Finding, code, severity, sheet, anchor, where, *in_message):
    assert finding.code == code
    assert finding.severity == severity
    assert finding.sheet == sheet
    assert finding.anchor == anchor
    assert finding.where == where
    for text in in_message:
        assert text in finding.message, (text, finding.message)


# --- The clean bases really are clean ---------------------------------------------------


def test_clean_filing_has_no_findings(clean):
    assert set(clean.fields) == set(SCALAR_FIELDS)
    assert check_filing(clean) == []


def test_seed_002_lines_with_price_times_quantity_pass(spec):
    # 15000.00 × 5.00 = 75000, 15000.00 × 6.00 = 90000, 35000.00 × 2.00 = 70000 …
    filing = make_filing(spec, lines=LINES_002)
    assert filing.lines_total == D("372100")
    assert check_filing(filing) == []


def test_declared_total_equal_to_the_lines_passes(clean):
    # How seed 000 prints it: 金额合计 911000, typed.
    filing = clean.with_fields(total_source="typed", declared_total=D("911000"))
    assert check_filing(filing) == []


def test_current_budget_equal_to_total_budget_passes(clean):
    assert check_filing(clean.with_fields(total_budget=D("911000"))) == []


def test_multi_year_period_containing_the_budget_year_passes(clean):
    filing = clean.with_fields(start_date=date(2019, 1, 1), end_date=date(2021, 12, 31))
    assert check_filing(filing) == []


@pytest.mark.parametrize("target", ["2020年12月底前", "2020-12-31前", "2020年6月底前"])
def test_timeliness_date_on_or_before_the_end_passes(clean, target):
    clean.indicators[TIMELINESS_ROW].target_raw = target
    assert check_filing(clean) == []


def test_optional_level2_may_be_left_out(clean):
    # 长效管理 is not required in the 2018–2020 taxonomy (seed 002 has none).
    clean.indicators = [r for r in clean.indicators if r.name != "长效管理机制健全性"]
    assert check_filing(clean) == []


@pytest.mark.parametrize("target", ["≤911000元", "=100.00%", "≤911,000.00元"])
def test_cost_indicator_with_an_upper_bound_passes(spec, clean, target):
    clean.indicators.append(
        IndicatorRow(
            key="ind-9",
            level2_id=level2_id(spec, "产出目标", "成本"),
            name="项目成本控制",
            target_raw=target,
        )
    )
    assert check_filing(clean) == []


# --- Sheet 1: 项目总体情况 -------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "label", "severity"),
    [
        ("name", "项目名称", E),
        ("leader", "项目负责人", E),
        ("contact", "联系人", W),  # blank in seed 003
        ("phone", "联系电话", W),
        ("overview", "项目概况", E),
        ("basis", "立项依据", W),  # blank in seed 003
        ("necessity", "必要性", W),
        ("feasibility", "可行性", W),
        ("overall_goal", "项目总目标", E),
        ("annual_goal", "年度绩效目标", E),
    ],
)
@pytest.mark.parametrize("blank", ["", " \n\t", None])
def test_p_required(clean, field, label, severity, blank):
    finding = only(clean.with_fields(**{field: blank}))
    expect(
        finding,
        "P_REQUIRED",
        severity,
        Sheet.OVERVIEW,
        field,
        f"项目总体情况 · {label}",
        f"{label}未填写。",
    )


@pytest.mark.parametrize("category", ["", None, "经常性项目", "other"])
def test_p_category(clean, category):
    # Seeds 000–003 leave all three boxes unticked.
    finding = only(clean.with_fields(category=category))
    expect(
        finding,
        "P_CATEGORY",
        E,
        Sheet.OVERVIEW,
        "category",
        "项目总体情况 · 项目类别",
        "一次性项目",
        "经常性项目",
        "中期预算试点项目",
    )


@pytest.mark.parametrize("category", ["one_off", "recurring", "mid_term"])
def test_every_listed_category_passes(clean, category):
    assert check_filing(clean.with_fields(category=category)) == []


@pytest.mark.parametrize(("field", "label"), [("start_date", "起始日期"), ("end_date", "结束日期")])
def test_d_required(clean, field, label):
    finding = only(clean.with_fields(**{field: None}))
    expect(
        finding,
        "D_REQUIRED",
        E,
        Sheet.OVERVIEW,
        field,
        f"项目总体情况 · {label}",
        f"{label}未填写。",
    )


def test_d_required_both_dates_blank_as_in_seed_002(clean):
    findings = check_filing(clean.with_fields(start_date=None, end_date=None))
    assert [(f.code, f.severity, f.anchor) for f in findings] == [
        ("D_REQUIRED", E, "start_date"),
        ("D_REQUIRED", E, "end_date"),
    ]


def test_d_order(clean):
    finding = only(clean.with_fields(start_date=date(2020, 12, 31), end_date=date(2020, 1, 1)))
    expect(
        finding,
        "D_ORDER",
        E,
        Sheet.OVERVIEW,
        "end_date",
        "项目总体情况 · 结束日期",
        "2020-01-01",
        "2020-12-31",
        "早于",
    )


@pytest.mark.parametrize(
    ("start", "end"),
    [(date(2021, 1, 1), date(2021, 12, 31)), (date(2019, 1, 1), date(2019, 12, 31))],
)
def test_d_outside_year(clean, start, end):
    finding = only(clean.with_fields(start_date=start, end_date=end))
    expect(
        finding,
        "D_OUTSIDE_YEAR",
        W,
        Sheet.OVERVIEW,
        "start_date",
        "项目总体情况 · 起始日期",
        f"{start:%Y-%m-%d}",
        f"{end:%Y-%m-%d}",
        "2020 年",
    )


@pytest.mark.parametrize(
    ("field", "label"), [("total_budget", "项目总预算"), ("current_budget", "当年预算")]
)
def test_f_required(clean, field, label):
    finding = only(clean.with_fields(**{field: None}))
    expect(
        finding,
        "F_REQUIRED",
        E,
        Sheet.OVERVIEW,
        field,
        f"项目总体情况 · {label}",
        f"{label}未填写。",
    )


def test_f_fiscal_sum(clean):
    # 本级财政安排 typed 91100 instead of 911000: 财政拨款 ≠ 上级 + 本级 + 下级.
    finding = only(clean.with_fields(fiscal_local=D("91100")))
    expect(
        finding,
        "F_FISCAL_SUM",
        E,
        Sheet.OVERVIEW,
        "fiscal_total",
        "项目总体情况 · 财政拨款",
        "911,000.00",
        "91,100.00",
        "相差 819,900.00",
    )


def test_f_fiscal_sum_with_upper_part(clean):
    finding = only(clean.with_fields(fiscal_upper=D("100000")))
    expect(
        finding,
        "F_FISCAL_SUM",
        E,
        Sheet.OVERVIEW,
        "fiscal_total",
        "项目总体情况 · 财政拨款",
        "911,000.00",
        "1,011,000.00",
        "相差 100,000.00",
    )


def test_f_current_sum(clean):
    # 当年预算 911,000 ≠ 财政拨款 911,000 + 其他资金 50,000.
    finding = only(clean.with_fields(other_funds=D("50000")))
    expect(
        finding,
        "F_CURRENT_SUM",
        E,
        Sheet.OVERVIEW,
        "current_budget",
        "项目总体情况 · 当年预算",
        "911,000.00",
        "961,000.00",
        "相差 50,000.00",
    )


def test_f_current_over_total(clean):
    # 项目总预算 4,411,000 typed as 411,000.
    finding = only(clean.with_fields(total_budget=D("411000")))
    expect(
        finding,
        "F_CURRENT_OVER_TOTAL",
        E,
        Sheet.OVERVIEW,
        "current_budget",
        "项目总体情况 · 当年预算",
        "911,000.00",
        "411,000.00",
    )


# --- Sheet 2: the indicator tree ---------------------------------------------------------


def test_i_level_unknown_for_a_level2_of_another_taxonomy(clean):
    national = Level2.objects.get(
        level1__taxonomy__code="national-2015", level1__name="满意度指标", name="服务对象满意度指标"
    )
    clean.indicators.append(
        IndicatorRow(key="ind-9", level2_id=national.id, name="服务对象满意度", target_raw="≥90%")
    )
    finding = only(clean)
    expect(
        finding,
        "I_LEVEL_UNKNOWN",
        E,
        Sheet.GOALS,
        "ind-9-level2",
        "绩效目标 · 第 10 行 · 二级目标",
        "2020 年",
    )


def test_i_level_unknown_when_none_chosen(clean):
    clean.indicators.append(
        IndicatorRow(key="ind-9", level2_id=None, name="新增指标", target_raw="完成")
    )
    finding = only(clean)
    expect(
        finding,
        "I_LEVEL_UNKNOWN",
        E,
        Sheet.GOALS,
        "ind-9-level2",
        "绩效目标 · 第 10 行 · 二级目标",
        "2020 年",
    )


def test_i_name_blank(clean):
    clean.indicators[0].name = "  "
    finding = only(clean)
    expect(
        finding,
        "I_NAME_BLANK",
        E,
        Sheet.GOALS,
        "ind-0-name",
        "绩效目标 · 第 1 行 · 三级目标",
        "三级目标",
    )


@pytest.mark.parametrize("blank", ["", "   "])
def test_t_blank(clean, blank):
    # Seed 003 leaves all seven 目标值 blank.
    clean.indicators[0].target_raw = blank
    finding = only(clean)
    expect(
        finding,
        "T_BLANK",
        E,
        Sheet.GOALS,
        "ind-0-target_raw",
        "绩效目标 · 第 1 行 · 目标值",
        "“平台建设计划完成率”的目标值未填写。",
    )


def test_t_blank_without_a_name_says_the_indicator(clean):
    clean.indicators[0].name = ""
    clean.indicators[0].target_raw = ""
    findings = check_filing(clean)
    assert [(f.code, f.anchor) for f in findings] == [
        ("I_NAME_BLANK", "ind-0-name"),
        ("T_BLANK", "ind-0-target_raw"),
    ]
    assert "“该指标”的目标值未填写" in findings[1].message


@pytest.mark.parametrize("placeholder", ["*", "＊", "**"])
def test_t_placeholder(clean, placeholder):
    clean.indicators[1].target_raw = placeholder
    finding = only(clean)
    expect(
        finding,
        "T_PLACEHOLDER",
        E,
        Sheet.GOALS,
        "ind-1-target_raw",
        "绩效目标 · 第 2 行 · 目标值",
        f"目标值“{placeholder}”不是有效的目标值",
    )


@pytest.mark.parametrize(("raw", "severity"), [("≥abc", E), ("约90%", W)])
def test_t_unparseable(clean, raw, severity):
    # A comparator with no number is an error; digits in free text only a warning.
    clean.indicators[7].target_raw = raw
    finding = only(clean)
    expect(
        finding,
        "T_UNPARSEABLE",
        severity,
        Sheet.GOALS,
        "ind-7-target_raw",
        "绩效目标 · 第 8 行 · 目标值",
        f"目标值“{raw}”无法识别",
    )


def test_t_normalised_mistyped_comparator_as_in_seed_000(clean):
    clean.indicators[7].target_raw = "》90%"
    finding = only(clean)
    expect(
        finding,
        "T_NORMALISED",
        W,
        Sheet.GOALS,
        "ind-7-target_raw",
        "绩效目标 · 第 8 行 · 目标值",
        "“》90%”",
        "“≥90%”",
    )


def test_t_normalised_suffix_as_in_seed_002(clean):
    clean.indicators[1].target_raw = "90%以上"
    finding = only(clean)
    expect(
        finding,
        "T_NORMALISED",
        W,
        Sheet.GOALS,
        "ind-1-target_raw",
        "绩效目标 · 第 2 行 · 目标值",
        "“90%以上”",
        "“≥90%”",
    )


@pytest.mark.parametrize(("raw", "shown"), [("=120%", "=120%"), ("≥100.50%", "≥100.50%")])
def test_t_percent_over_100(clean, raw, shown):
    clean.indicators[0].target_raw = raw
    finding = only(clean)
    expect(
        finding,
        "T_PERCENT_OVER_100",
        W,
        Sheet.GOALS,
        "ind-0-target_raw",
        "绩效目标 · 第 1 行 · 目标值",
        shown,
        "100%",
    )


@pytest.mark.parametrize("raw", ["≥911000元", ">45000元"])
def test_t_cost_ge(spec, clean, raw):
    clean.indicators.append(
        IndicatorRow(
            key="ind-9",
            level2_id=level2_id(spec, "产出目标", "成本"),
            name="项目成本控制",
            target_raw=raw,
        )
    )
    finding = only(clean)
    expect(
        finding,
        "T_COST_GE",
        W,
        Sheet.GOALS,
        "ind-9-target_raw",
        "绩效目标 · 第 10 行 · 目标值",
        "≤",
        raw,
    )


@pytest.mark.parametrize("raw", ["2021年3月底前", "2021-03-31前"])
def test_t_date_after_end(clean, raw):
    clean.indicators[TIMELINESS_ROW].target_raw = raw
    finding = only(clean)
    expect(
        finding,
        "T_DATE_AFTER_END",
        E,
        Sheet.GOALS,
        "ind-2-target_raw",
        "绩效目标 · 第 3 行 · 目标值",
        "2021-03-31",
        "2020-12-31",
    )


def test_c_no_indicators(clean):
    clean.indicators = []
    finding = only(clean)
    expect(
        finding, "C_NO_INDICATORS", E, Sheet.GOALS, "indicators", "绩效目标", "尚未填写任何绩效指标"
    )


@pytest.mark.parametrize("level1", ["产出目标", "效果目标", "影响力目标"])
def test_c_level1_missing(clean, spec, level1):
    # A whole level-1 group gone: one finding, not one per required level 2 under it.
    ids = {l2.id for l1 in spec.level1s if l1.name == level1 for l2 in l1.level2s}
    clean.indicators = [r for r in clean.indicators if r.level2_id not in ids]
    finding = only(clean)
    expect(
        finding,
        "C_LEVEL1_MISSING",
        E,
        Sheet.GOALS,
        "indicators",
        f"绩效目标 · {level1}",
        f"缺少一级目标“{level1}”下的指标。",
    )


@pytest.mark.parametrize(
    ("level1", "level2"),
    [("产出目标", "数量"), ("产出目标", "质量"), ("产出目标", "时效"), ("影响力目标", "满意度")],
)
def test_c_level2_missing(clean, spec, level1, level2):
    # Seed 003 has no 满意度 indicator.
    gone = level2_id(spec, level1, level2)
    clean.indicators = [r for r in clean.indicators if r.level2_id != gone]
    finding = only(clean)
    expect(
        finding,
        "C_LEVEL2_MISSING",
        E,
        Sheet.GOALS,
        "indicators",
        f"绩效目标 · {level1} · {level2}",
        f"缺少二级目标“{level1} · {level2}”下的指标。",
    )


# --- Sheet 2: 项目构成分解 ---------------------------------------------------------------


def test_l_none(clean):
    clean.lines = []
    finding = only(clean)
    expect(finding, "L_NONE", E, Sheet.GOALS, "lines", "项目构成分解", "尚未填写项目构成分解")


def test_l_amount_blank(clean):
    clean.lines.append(line(5, "集成管理平台信息化建设项", "培训费", None))
    finding = only(clean)
    expect(
        finding,
        "L_AMOUNT_BLANK",
        E,
        Sheet.GOALS,
        "line-5-amount",
        "项目构成分解 · 第 6 行 · 明细金额",
        "明细金额未填写。",
    )


def test_l_text_blank(clean):
    clean.lines[1] = replace(clean.lines[1], content=" ", detail="")
    finding = only(clean)
    expect(
        finding,
        "L_TEXT_BLANK",
        W,
        Sheet.GOALS,
        "line-1-detail",
        "项目构成分解 · 第 2 行 · 项目明细",
        "项目内容与项目明细均未填写。",
    )


def test_l_price_qty(spec):
    # The seed case: 单价 221,220.00 × 1 on a line of 221,120.
    filing = make_filing(spec, lines=[("设备采购", "人脸识别设备", "221120", "221120.00", "1")])
    assert check_filing(filing) == []
    filing.lines[0] = replace(filing.lines[0], unit_price=D("221220.00"))
    finding = only(filing)
    expect(
        finding,
        "L_PRICE_QTY",
        E,
        Sheet.GOALS,
        "line-0-amount",
        "项目构成分解 · 第 1 行 · 明细金额",
        "221,220.00",
        "221,120.00",
        "× 数量 1 ",
        "相差 100.00",
    )


def test_l_price_qty_seed_002_line_broken(spec):
    filing = make_filing(spec, lines=LINES_002)
    filing.lines[1] = replace(filing.lines[1], quantity=D("5.00"))  # 15000.00 × 5.00 ≠ 90000
    finding = only(filing)
    expect(
        finding,
        "L_PRICE_QTY",
        E,
        Sheet.GOALS,
        "line-1-amount",
        "项目构成分解 · 第 2 行 · 明细金额",
        "15,000.00",
        "5.00",
        "75,000.00",
        "90,000.00",
        "相差 15,000.00",
    )


def test_l_total_vs_budget(clean):
    # The 咨询费 line of 45,000 left out: 金额合计 866,000 ≠ 当年预算 911,000.
    clean.lines = clean.lines[:-1]
    finding = only(clean)
    expect(
        finding,
        "L_TOTAL_VS_BUDGET",
        E,
        Sheet.GOALS,
        "lines-total",
        "项目构成分解 · 金额合计",
        "866,000.00",
        "911,000.00",
        "相差 45,000.00",
    )


def test_l_declared_blank(clean):
    # Seed 003 prints no 金额合计 at all.
    finding = only(clean.with_fields(total_source="blank", declared_total=None))
    expect(
        finding,
        "L_DECLARED_BLANK",
        E,
        Sheet.GOALS,
        "lines-total",
        "项目构成分解 · 金额合计",
        "原表金额合计为空",
        "911,000.00",
    )


def test_l_declared_mismatch(spec):
    # The seed case: 金额合计 printed as 14,718,994 while the lines sum to 14,718,993.60.
    lines = [
        ("教师培训", "市级培训", "12000000.00"),
        ("课程建设", "区级课程库", "2500000.00"),
        ("其他费用", "专家咨询", "218993.60"),
    ]
    filing = make_filing(spec, lines=lines, total_source="typed", declared_total=D("14718993.60"))
    assert filing.lines_total == D("14718993.60")
    assert check_filing(filing) == []
    finding = only(filing.with_fields(declared_total=D("14718994")))
    expect(
        finding,
        "L_DECLARED_MISMATCH",
        E,
        Sheet.GOALS,
        "lines-total",
        "项目构成分解 · 金额合计",
        "14,718,994.00",
        "14,718,993.60",
        "相差 0.40",
    )


# --- Sheet 3: 制度保障 -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("category", "label"),
    [("project", "项目管理制度"), ("budget", "预算管理制度"), ("finance", "财务管理制度")],
)
def test_g_category_missing(clean, category, label):
    clean.docs = [d for d in clean.docs if d.category != category]
    finding = only(clean)
    expect(
        finding,
        "G_CATEGORY_MISSING",
        E,
        Sheet.GUARANTEES,
        "docs",
        f"制度保障 · {label}",
        f"缺少“{label}”的制度文件。",
    )


def test_g_title_blank(clean):
    clean.docs[0] = replace(clean.docs[0], title="")
    finding = only(clean)
    expect(
        finding,
        "G_TITLE_BLANK",
        E,
        Sheet.GUARANTEES,
        "doc-0-title",
        "制度保障 · 第 1 行 · 文件名称",
        "文件名称未填写。",
    )


def test_g_measures_blank(clean):
    clean.docs[1] = replace(clean.docs[1], measures=" ")
    finding = only(clean)
    expect(
        finding,
        "G_MEASURES_BLANK",
        W,
        Sheet.GUARANTEES,
        "doc-1-measures",
        "制度保障 · 第 2 行 · 具体措施",
        "具体措施未填写。",
    )


def test_g_no_stage(clean):
    clean.docs[3] = replace(clean.docs[3], stages=(False, False, False))
    finding = only(clean)
    expect(
        finding,
        "G_NO_STAGE",
        E,
        Sheet.GUARANTEES,
        "doc-3-stage_planning",
        "制度保障 · 第 4 行 · 保障阶段",
        "立项和计划阶段",
        "实施阶段",
        "收尾和完成阶段",
    )


# --- The whole module -------------------------------------------------------------------

TESTED_CODES = {
    "P_REQUIRED",
    "P_CATEGORY",
    "D_REQUIRED",
    "D_ORDER",
    "D_OUTSIDE_YEAR",
    "F_REQUIRED",
    "F_FISCAL_SUM",
    "F_CURRENT_SUM",
    "F_CURRENT_OVER_TOTAL",
    "I_LEVEL_UNKNOWN",
    "I_NAME_BLANK",
    "T_BLANK",
    "T_PLACEHOLDER",
    "T_UNPARSEABLE",
    "T_NORMALISED",
    "T_PERCENT_OVER_100",
    "T_COST_GE",
    "T_DATE_AFTER_END",
    "C_NO_INDICATORS",
    "C_LEVEL1_MISSING",
    "C_LEVEL2_MISSING",
    "L_NONE",
    "L_AMOUNT_BLANK",
    "L_TEXT_BLANK",
    "L_PRICE_QTY",
    "L_TOTAL_VS_BUDGET",
    "L_DECLARED_BLANK",
    "L_DECLARED_MISMATCH",
    "G_CATEGORY_MISSING",
    "G_TITLE_BLANK",
    "G_MEASURES_BLANK",
    "G_NO_STAGE",
}


def test_every_code_in_the_rules_module_has_a_test_here():
    source = Path(rules.__file__).read_text(encoding="utf-8")
    codes = set(re.findall(r'"([A-Z]_[A-Z0-9_]+)"', source))
    assert codes == TESTED_CODES


def test_seed_003_breaks_together_and_count(clean, spec):
    # Several breaks at once: all are reported, and count() splits errors from warnings.
    clean.indicators = [
        r for r in clean.indicators if r.level2_id != level2_id(spec, "影响力目标", "满意度")
    ]
    for row in clean.indicators:
        row.target_raw = ""
    filing = clean.with_fields(category="", contact="", basis="", total_source="blank")
    findings = check_filing(filing)
    codes = [f.code for f in findings]
    assert codes.count("T_BLANK") == 7
    assert set(codes) == {
        "P_REQUIRED",
        "P_CATEGORY",
        "T_BLANK",
        "C_LEVEL2_MISSING",
        "L_DECLARED_BLANK",
    }
    assert count(findings) == (10, 2)
    assert all(f.as_dict()["sheet_label"] in ("项目总体情况", "绩效目标") for f in findings)
