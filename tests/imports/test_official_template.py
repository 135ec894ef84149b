"""The layout units already have: the official three sheets as filled in Excel."""

from datetime import datetime
from decimal import Decimal

import pytest

from apps.guarantees.models import RuleDocument
from apps.imports.models import ImportBatch
from apps.imports.services import ImportNotAllowed, import_batch_commit, import_batch_create
from apps.indicators.models import Indicator
from apps.projects.models import Project
from tests.imports.builders import official_spec, official_workbook


def create(user, data, **kw) -> ImportBatch:
    return import_batch_create(user=user, unit=user.unit, filename="seed.xlsx", data=data, **kw)


def issues(batch) -> list[str]:
    """Errors and warnings of the reading (what the import had to interpret: notices())."""
    return [
        f"{i['where']}：{i['message']}"
        for p in batch.plan["projects"]
        for i in p["issues"]
        if i["severity"] != "notice"
    ]


def notices(batch) -> list[str]:
    return [
        f"{i['where']}：{i['message']}"
        for p in batch.plan["projects"]
        for i in p["issues"]
        if i["severity"] == "notice"
    ]


def test_official_template_preview_and_commit(alice):
    batch = create(alice, official_workbook(official_spec()))
    assert batch.status == ImportBatch.Status.PREVIEW, issues(batch)
    assert batch.layout == "official"
    [plan] = batch.plan["projects"]
    assert plan["action"] == "create" and plan["year"] == 2020
    findings = {(f["code"], f["location"], f["message"]) for f in plan["findings"]}
    # The 金额合计 typed on the sheet disagrees with the lines: the lines are kept and
    # the difference is reported at the total row.
    assert (
        "L_DECLARED_MISMATCH",
        "“绩效目标”表 · 第 18 行（E18）",
        "原表金额合计 14,718,994.00 与明细金额之和 14,718,993.60 不符（相差 0.40）。",
    ) in findings
    codes = [(f["code"], f["location"]) for f in plan["findings"]]
    assert ("T_NORMALISED", "“绩效目标”表 · 第 13 行（G13）") in codes  # 》90%
    assert ("T_NORMALISED", "“绩效目标”表 · 第 14 行（G14）") in codes  # 90%以上
    assert ("L_PRICE_QTY", "“绩效目标”表 · 第 17 行（E17）") in codes  # 221,220 × 1

    batch = import_batch_commit(batch=batch, user=alice)
    p = Project.objects.get(pk=batch.result["created"][0]["pk"])
    assert (p.unit, p.budget_year.year, p.category) == (alice.unit, 2020, "recurring")
    assert (p.leader, p.contact, p.phone) == ("周硕青", "陈杰", "18017592779")
    assert (p.start_date.isoformat(), p.end_date.isoformat()) == ("2020-01-01", "2020-12-31")
    assert (p.basis, p.necessity, p.feasibility) == (
        "《上海市教育综合改革方案》。",
        "提升监管效率。",
        "已有平台。",
    )
    assert p.total_budget == Decimal("4411000.00")
    assert p.current_budget == p.fiscal_total == p.fiscal_local == Decimal("14718993.60")
    assert (p.fiscal_upper, p.fiscal_lower, p.other_funds) == (0, 0, None)
    assert p.annual_goal == "完成平台升级建设。"  # under the label cut short to 年度
    assert (p.unit_head_name, p.filler_name, p.filing_date.isoformat()) == (
        "王五",
        "张三",
        "2020-03-01",
    )
    assert (p.total_source, p.declared_total) == ("typed", Decimal("14718994.00"))
    assert [s.name for s in p.sub_projects.all()] == ["PATHS", "WAP课程"]

    levels = [
        (
            i.level2.level1.name,
            i.level2.name,
            i.sub_project and i.sub_project.name,
            i.name,
            i.target_raw,
        )
        for i in p.indicators.all()
    ]
    assert levels == [
        ("产出目标", "数量", "PATHS", "平台建设计划完成率", "=100%"),
        ("产出目标", "质量", "PATHS", "平台阶段验收通过率", "=100.00%"),
        ("产出目标", "时效", None, "平台建设进度相符性", "与计划相符"),
        ("效果目标", "社会效益", "WAP课程", "监管效率提升情况", "有提升"),
        (
            "效果目标",
            "社会效益",
            None,
            "学校安全负责人参与度",
            "100%",
        ),  # blank, not merged: carried
        ("影响力目标", "长效管理", None, "长效管理机制健全性", "建立健全"),
        ("影响力目标", "满意度", None, "学校安保负责人满意度", "》90%"),  # kept as typed
        ("影响力目标", "满意度", None, "教育局安保中心满意度", "90%以上"),
    ]
    assert p.indicators.get(name="学校安保负责人满意度").target_comparator == "≥"
    lines = [
        (
            ln.sub_project.name,
            ln.content,
            ln.amount,
            ln.unit_price,
            ln.price_basis,
            ln.quantity,
            ln.quantity_basis,
        )
        for ln in p.budget_lines.all()
    ]
    assert lines == [
        (
            "PATHS",
            "软件开发",
            Decimal("14000000.00"),
            Decimal("14000000.00"),
            "市场询价",
            Decimal("1.00"),
            "年度项目",
        ),
        (
            "WAP课程",
            "硬件",
            Decimal("718993.60"),
            Decimal("221220.00"),
            "合同",
            Decimal("1.00"),
            "清单",
        ),
    ]
    docs = [
        (
            d.category,
            d.title,
            d.sub_project_id is not None,
            d.stage_planning,
            d.stage_implementation,
            d.stage_closing,
        )
        for d in p.rule_documents.all()
    ]
    assert docs == [
        ("project", "《闵行区校园安全平台管理制度》", True, True, True, False),  # ✓ √ ×
        ("project", "《项目校管理制度》", False, True, False, True),  # ☑ □ ☑, category carried
        ("budget", "《闵行区教育系统预算编制与执行暂行规定》", False, True, True, True),
        ("finance", "《闵行区教育局专项资金管理暂行办法》", False, False, True, True),
    ]
    assert p.error_count > 0  # stored counts refreshed: the mismatches are errors


def test_two_projects_in_one_official_workbook(alice):
    second = official_spec(name="第二个项目")
    batch = create(alice, official_workbook(official_spec(), second))
    assert [p["action"] for p in batch.plan["projects"]] == ["create", "create"]
    assert [p["sheets"]["guarantees"] for p in batch.plan["projects"]] == [
        "1-制度保障",
        "2-制度保障",
    ]
    import_batch_commit(batch=batch, user=alice)
    assert Project.objects.filter(unit=alice.unit).count() == 2


def test_date_in_a_target_cell_is_an_error_at_that_cell(alice, nothing_written):
    spec = official_spec()
    spec["indicators"][2] = (None, "时效", "平台建设进度相符性", datetime(2020, 12, 31), "计划目标")
    batch = create(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.BLOCKED
    assert issues(batch) == [
        "“绩效目标”表 · 第 9 行 · 目标值（G9）：此处应为文字，单元格却是 Excel 日期/时间（2020-12-31）。"
        "Excel 会把输入内容自动转成日期，原文无法还原；请把该单元格设为“文本”格式后重新输入。"
    ]
    with pytest.raises(ImportNotAllowed):
        import_batch_commit(batch=batch, user=alice)


def test_level_not_in_the_years_taxonomy_is_kept_as_typed(alice):
    """A level the taxonomy lacks does not refuse the project: the rows are imported with
    what was typed, each with a finding at its cell, as the sheet page shows a level that
    is not chosen."""
    spec = official_spec()
    spec["indicators"][3] = ("效果目标", "文化效益", "监管效率提升情况", "有提升", "")
    batch = create(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.PREVIEW, issues(batch)
    # The row below carries the same level 2 down from the merge: both are listed.
    first, carried = [n for n in notices(batch) if "文化效益" in n]
    assert first.startswith(
        "“绩效目标”表 · 第 10 行 · 二级目标（C10）：“效果目标 · 文化效益”不在 2020 年的指标体系"
    )
    assert "“效果目标”下可选：经济效益、社会效益、生态环境、生态效益、可持续影响" in first
    assert carried.startswith("“绩效目标”表 · 第 11 行 · 二级目标：“效果目标 · 文化效益”不在")
    (plan,) = batch.plan["projects"]
    unknown = [f for f in plan["findings"] if f["code"] == "I_LEVEL_UNKNOWN"]
    assert [f["location"] for f in unknown] == [
        "“绩效目标”表 · 第 10 行（C10）",
        "“绩效目标”表 · 第 11 行",
    ]
    assert "原表填写的“效果目标 · 文化效益”不在 2020 年的指标体系中" in unknown[0]["message"]
    import_batch_commit(batch=batch, user=alice)
    kept = Indicator.objects.filter(level2__isnull=True).order_by("order")
    assert [(i.level1_text, i.level2_text, i.name) for i in kept] == [
        ("效果目标", "文化效益", "监管效率提升情况"),
        ("效果目标", "文化效益", "学校安全负责人参与度"),
    ]


def test_stage_mark_not_understood(alice, nothing_written):
    spec = official_spec()
    spec["docs"][2] = ("预算管理制度", "《规定》", "流程", "是", "✓", "✓")
    batch = create(alice, official_workbook(spec))
    assert issues(batch) == [
        "“制度保障”表 · 第 7 行 · 立项和计划阶段（D7）：无法识别的勾选标记“是”（☑ ✓ √ 表示选中，☐ □ × 表示未选）。"
    ]
    assert RuleDocument.objects.count() == 0


def test_amount_that_is_not_a_number(alice, nothing_written):
    spec = official_spec()
    spec["lines"][1] = ("安全集成平台", "硬件", "硬件", "七十一万", None, "", None, "", "")
    batch = create(alice, official_workbook(spec))
    assert issues(batch) == [
        "“绩效目标”表 · 第 17 行 · 明细金额（E17）：“七十一万”不是金额（应为数字，如 14,718,993.60）。"
    ]


def test_year_missing_on_the_sheet_must_be_chosen(alice, nothing_written):
    spec = official_spec(year="")
    batch = create(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.BLOCKED
    assert issues(batch) == ["“项目总体情况”表：表上没有注明预算年度，请在上传时选择预算年度。"]


def test_year_chosen_when_the_sheet_has_none(alice):
    from apps.budgets.models import BudgetYear

    batch = create(
        alice,
        official_workbook(official_spec(year="")),
        budget_year=BudgetYear.objects.get(year=2020),
    )
    assert batch.status == ImportBatch.Status.PREVIEW
    assert batch.plan["projects"][0]["year"] == 2020


def test_sheets_of_different_projects_mixed_up(alice, nothing_written):
    from openpyxl import Workbook

    from apps.imports.parser import parse_workbook  # noqa: F401 - the path under test
    from tests.imports.builders import save, write_official

    wb = Workbook()
    wb.remove(wb.active)
    write_official(wb, official_spec(), skip=("guarantees",))
    write_official(wb, official_spec(name="别的项目"), prefix="x", skip=("overview", "goals"))
    batch = create(alice, save(wb))
    assert issues(batch) == [
        "“x制度保障”表 · 项目名称：表上的项目名称“别的项目”与“项目总体情况”表的项目名称“信息化项目-安全集成管理平台信息化建设”不一致，"
        "可能是不同项目的表放在了一起。"
    ]


def test_huge_number_as_an_amount_is_an_error_not_a_crash(alice, nothing_written):
    # Found by the property test: 1e+26 typed in 明细金额.
    spec = official_spec()
    spec["lines"][1] = ("安全集成平台", "硬件", "硬件", 1e26, None, "", None, "", "")
    batch = create(alice, official_workbook(spec))
    assert issues(batch) == [
        "“绩效目标”表 · 第 17 行 · 明细金额（E17）：金额 100000000000000000000000000 过大（整数部分最多 16 位）。"
    ]
