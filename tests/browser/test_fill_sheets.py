"""A filler fills a project's three sheets in real Chromium: live sums and findings."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.budget_lines.models import BudgetLine
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator
from apps.projects.models import Project

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def panel(page):
    return page.locator("#findings-list")


def test_fill_three_sheets_live_and_keep_everything(logged_in_page, live_server, reference):
    page = logged_in_page
    base = live_server.url

    # Create the project
    page.click("text=新建项目")
    page.select_option("#id_budget_year", label="2020 年")
    page.fill("#id_name", "浏览器测试项目")
    page.click("input[type=submit], button:has-text('新建项目')")
    expect(page.locator(".sheet-title")).to_have_text("财政项目支出绩效目标申报表（项目总体情况）")
    project = Project.objects.get(name="浏览器测试项目")

    # Sheet 1: funding findings update while typing, no reload
    expect(panel(page)).to_contain_text("请选择项目类别")
    page.check("input[name=category][value=one_off]")
    page.fill("#id_leader", "周硕青")
    page.fill("#id_contact", "陈杰")
    page.fill("#id_phone", "18017592779")
    page.fill("#id_start_date", "2020-01-01")
    page.fill("#id_end_date", "2020-12-31")
    page.fill("#id_overview", "第一段。\n\n第二段。")
    page.fill("#id_basis", "依据")
    page.fill("#id_necessity", "必要性")
    page.fill("#id_feasibility", "可行性")
    page.fill("#id_overall_goal", "总目标")
    page.fill("#id_annual_goal", "年度目标")
    page.fill("#id_total_budget", "4,411,000")
    page.fill("#id_current_budget", "911000")
    page.fill("#id_fiscal_total", "911,000")
    page.fill("#id_fiscal_upper", "0")
    page.fill("#id_fiscal_local", "900,000")
    page.fill("#id_fiscal_lower", "0")
    page.fill("#id_other_funds", "0")
    fiscal_msg = "财政拨款 911,000.00 不等于上级财政拨款、本级财政安排、下级财政配套之和 900,000.00"
    expect(page.locator("#sheet-overview")).to_contain_text(fiscal_msg)  # beside the field
    expect(panel(page)).to_contain_text(fiscal_msg)  # and in the summary
    expect(panel(page)).not_to_contain_text("请选择项目类别")
    page.fill("#id_fiscal_local", "911,000")
    expect(page.locator("#sheet-overview")).not_to_contain_text(fiscal_msg)
    page.locator("#id_total_budget").focus()
    expect(page.locator("#id_current_budget")).to_have_value("911,000.00")  # formatted on blur
    page.click("#save-button")
    expect(page.locator(".alert")).to_contain_text("已保存")

    # Sheet 2: add indicators and lines; 金额合计 updates live
    page.click(".nav-tabs >> text=绩效目标")
    expect(page.locator(".sheet-title")).to_contain_text("绩效目标")
    rows = [
        ("数量", "平台建设计划完成率", "=100%"),
        ("质量", "平台阶段验收通过率", "=100%"),
        ("时效", "平台建设进度相符性", "与计划相符"),
        ("社会效益", "教育安全监管效率提升情况", "有提升"),
        ("满意度", "学校安保负责人满意度", "》90%"),
        ("长效管理", "误加的指标", "x"),
    ]
    for i, (level2, name, target) in enumerate(rows):
        page.click("#add-indicator")
        page.select_option(f"#id_ind-{i}-level2", label=level2)
        page.fill(f"#id_ind-{i}-name", name)
        page.fill(f"#id_ind-{i}-target_raw", target)
    expect(page.locator("#ind-rows")).to_contain_text("已按“≥90%”理解")
    # remove the mistaken row; its finding-free removal leaves 5 rows
    page.locator("tr[data-prefix='ind-5'] .row-remove").click()
    expect(page.locator("#ind-rows tr.sheet-row:visible")).to_have_count(5)
    # move 满意度 up above 社会效益, then back down
    page.locator("tr[data-prefix='ind-4'] .row-up").click()
    page.locator("tr[data-prefix='ind-4'] .row-down").click()

    lines = [("软件开发", "560,000", "560000", "1"), ("硬件", "120,000", "60,000", "3")]
    for i, (detail, amount, price, qty) in enumerate(lines):
        page.click("#add-line")
        page.fill(f"#id_line-{i}-item_name", "浏览器测试项目")
        page.fill(f"#id_line-{i}-content", "建设")
        page.fill(f"#id_line-{i}-detail", detail)
        page.fill(f"#id_line-{i}-amount", amount)
        page.fill(f"#id_line-{i}-unit_price", price)
        page.fill(f"#id_line-{i}-quantity", qty)
    expect(page.locator("#lines-total")).to_have_text("680,000.00")
    expect(panel(page)).to_contain_text(
        "单价 60,000.00 × 数量 3 = 180,000.00，与明细金额 120,000.00 不符"
    )
    expect(panel(page)).to_contain_text("金额合计 680,000.00 不等于当年预算 911,000.00")
    page.fill("#id_line-1-amount", "180,000")
    page.click("#add-line")
    page.fill("#id_line-2-detail", "集成费")
    page.fill("#id_line-2-amount", "171,000")
    expect(page.locator("#lines-total")).to_have_text("911,000.00")
    expect(panel(page)).not_to_contain_text("金额合计 680,000.00")
    page.click("#save-button")
    expect(page.locator(".alert")).to_contain_text("已保存")

    # Sheet 3: one row per category; a row without stage is an error live
    page.click(".nav-tabs >> text=制度保障")
    docs = [
        ("project", "《闵行区校园安全平台管理制度》"),
        ("budget", "《预算编制与执行暂行规定》"),
        ("finance", "《专项资金管理暂行办法》"),
    ]
    for i, (category, title) in enumerate(docs):
        page.click("#add-doc")
        page.select_option(f"#id_doc-{i}-category", category)
        page.fill(f"#id_doc-{i}-title", title)
        page.fill(f"#id_doc-{i}-measures", "措施")
    expect(page.locator("#doc-rows")).to_contain_text("请至少勾选一个保障阶段")
    for i in range(3):
        page.check(f"#id_doc-{i}-stage_planning")
        page.check(f"#id_doc-{i}-stage_implementation")
    page.check("#id_doc-2-stage_closing")
    expect(page.locator("#doc-rows")).not_to_contain_text("请至少勾选一个保障阶段")
    page.click("#save-button")
    expect(page.locator(".alert")).to_contain_text("已保存")

    # Reload every sheet: everything typed is kept
    page.goto(f"{base}/projects/{project.pk}/sheets/overview/")
    expect(page.locator("#id_overview")).to_have_value("第一段。\n\n第二段。")
    expect(page.locator("#id_total_budget")).to_have_value("4,411,000.00")
    page.goto(f"{base}/projects/{project.pk}/sheets/goals/")
    expect(page.locator("#id_ind-4-target_raw")).to_have_value("》90%")
    expect(page.locator("#lines-total")).to_have_text("911,000.00")
    project.refresh_from_db()
    assert list(project.indicators.values_list("name", flat=True)) == [r[1] for r in rows[:5]]
    assert Indicator.objects.filter(project=project).count() == 5
    amounts = list(BudgetLine.objects.filter(project=project).values_list("amount", flat=True))
    assert amounts == [Decimal("560000.00"), Decimal("180000.00"), Decimal("171000.00")]
    stages = list(
        RuleDocument.objects.filter(project=project).values_list(
            "category", "stage_planning", "stage_implementation", "stage_closing"
        )
    )
    assert stages == [
        ("project", True, True, False),
        ("budget", True, True, False),
        ("finance", True, True, True),
    ]
    # the only finding left is the normalised 》90% warning
    assert (project.error_count, project.warning_count) == (0, 1)
    page.goto(f"{base}/projects/")
    expect(page.locator("#project-list")).to_contain_text("就绪")
