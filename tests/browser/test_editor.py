"""The sheet editor in real Chromium: input is never lost (leave guard, Enter, autosave with
the stale-save check), and the tables behave as the paper and Excel do (groups in printed
order, paste of a block from Excel, keys, 单价 × 数量, focus on the first error)."""

from decimal import Decimal

import pytest
from django.test import Client
from playwright.sync_api import expect

from apps.budget_lines.models import BudgetLine
from apps.checks.findings import Sheet
from apps.indicators.models import Indicator
from apps.projects.models import Project
from tests import factories
from tests.reviews.helpers import save_sheet

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def goals(page, live_server, project):
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")


def wait_until(page, condition, seconds=10):
    for _ in range(seconds * 10):
        if condition():
            return
        page.wait_for_timeout(100)
    raise AssertionError("condition not met in time")


def turn_on_autosave(page, delay_ms=300):
    # The delay is the page's (10 s); a test need not wait that long for the same mechanism.
    page.evaluate(f"document.getElementById('autosave-slot').dataset.delay = '{delay_ms}'")
    page.check("#autosave-toggle")


# --- Never lose input ------------------------------------------------------------------


def test_leave_guard_fires_on_a_tab_click_after_typing_and_not_after_saving(
    logged_in_page, live_server, alice
):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    url = page.url
    page.fill("#id_composition", "改过的项目构成。")
    page.click("a.nav-link:has-text('项目总体情况')")
    expect(page.locator("#leave-modal")).to_be_visible()
    assert page.url == url  # still here, input intact
    expect(page.locator("#id_composition")).to_have_value("改过的项目构成。")
    page.click("#leave-stay")
    expect(page.locator("#leave-modal")).to_be_hidden()

    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Project.objects.get(pk=project.pk).composition == "改过的项目构成。"
    page.click("a.nav-link:has-text('项目总体情况')")
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/sheets/overview/")
    expect(page.locator("#leave-modal")).to_be_hidden()


def test_leave_guard_lets_the_filler_leave_without_saving(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.fill("#id_line-0-remark", "不要了")
    page.click("nav >> text=待办")
    expect(page.locator("#leave-modal")).to_be_visible()
    page.click("#leave-go")
    page.wait_for_url(f"{live_server.url}/reviews/")
    assert BudgetLine.objects.filter(project=project, remark="不要了").count() == 0


def test_reload_with_unsaved_input_asks_the_browser_to_confirm(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.fill("#id_line-0-remark", "还没保存")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.evaluate("location.reload()")
    page.wait_for_timeout(500)
    assert dialogs == ["beforeunload"]
    expect(page.locator("#id_line-0-remark")).to_have_value("还没保存")


def test_enter_in_an_input_moves_down_and_never_submits(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.fill("#id_line-0-amount", "560000")
    page.press("#id_line-0-amount", "Enter")
    expect(page.locator("#id_line-1-amount")).to_be_focused()
    page.press("#id_line-1-amount", "Shift+Enter")
    expect(page.locator("#id_line-0-amount")).to_be_focused()
    page.wait_for_timeout(400)
    expect(page.locator(".alert-success")).to_have_count(0)  # nothing was posted
    expect(page.locator("#save-button")).to_have_text("保存")
    # A textarea keeps Enter for a new paragraph.
    page.click("#id_composition")
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.keyboard.type("第二段")
    expect(page.locator("#id_composition")).to_have_value("建设内容。\n第二段")


def test_autosave_saves_the_draft_and_the_page_goes_on_from_the_new_revision(
    logged_in_page, live_server, alice
):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    turn_on_autosave(page)
    revision = int(page.input_value("input[name=revision]"))
    page.click("#add-line")
    page.fill("#id_line-2-detail", "自动保存的明细")
    page.fill("#id_line-2-amount", "0")
    expect(page.locator("#dirty-state")).to_contain_text("已自动保存", timeout=10000)
    assert BudgetLine.objects.filter(project=project, detail="自动保存的明细").count() == 1
    assert int(page.input_value("input[name=revision]")) == revision + 1
    # The new row is now a saved row: editing it again updates it, never adds a second one.
    new_id = BudgetLine.objects.get(project=project, detail="自动保存的明细").pk
    expect(page.locator(f'tr[data-row-anchor="line:{new_id}"]')).to_have_count(1)
    page.locator(f'tr[data-row-anchor="line:{new_id}"] textarea[name$="-detail"]').fill("改名了")
    wait_until(page, lambda: BudgetLine.objects.filter(pk=new_id, detail="改名了").exists())
    details = list(BudgetLine.objects.filter(project=project).values_list("detail", flat=True))
    assert details == ["明细1", "明细2", "改名了"]
    # Saved: the 保存 button still works from here (no duplicate rows), and after an
    # autosave leaving needs no prompt.
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert BudgetLine.objects.filter(project=project).count() == 3
    expect(page.locator("#autosave-toggle")).to_be_checked()  # remembered in this browser
    page.evaluate("document.getElementById('autosave-slot').dataset.delay = '300'")
    page.fill("#id_composition", "自动保存后离开。")
    wait_until(page, lambda: Project.objects.get(pk=project.pk).composition == "自动保存后离开。")
    expect(page.locator("#dirty-state")).to_contain_text("已自动保存")
    page.click("a.nav-link:has-text('制度保障')")
    page.wait_for_url(f"{live_server.url}/projects/{project.pk}/sheets/guarantees/")


def test_save_clicked_while_an_autosave_is_answering_waits_for_it(
    logged_in_page, live_server, alice
):
    """The autosave reached the server (a new revision) but its answer is still on the
    way when 保存 is clicked: sent at once, the save would carry the old revision and be
    refused as someone else's change. It is held back and sent after the answer."""
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    held = []

    def hold_autosave_answers(route):
        if route.request.method == "POST" and route.request.headers.get("x-sheet-autosave"):
            held.append((route, route.fetch()))  # the server has saved; the page waits
        else:
            route.continue_()

    page.route(f"**/projects/{project.pk}/sheets/goals/", hold_autosave_answers)
    turn_on_autosave(page)
    page.fill("#id_composition", "保存时自动保存尚未答复。")
    wait_until(page, lambda: len(held) == 1)
    assert Project.objects.get(pk=project.pk).composition == "保存时自动保存尚未答复。"
    page.click("#save-button")
    expect(page.locator("#dirty-state")).to_contain_text("自动保存完成后即保存")
    route, answer = held[0]
    route.fulfill(response=answer)
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert "有人保存了本项目" not in page.content()
    assert Project.objects.get(pk=project.pk).composition == "保存时自动保存尚未答复。"


def test_a_stale_autosave_is_refused_and_shows_what_changed(
    logged_in_page, live_server, alice, unit_a
):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    turn_on_autosave(page)
    # Meanwhile a colleague saves the same sheet.
    colleague = Client()
    colleague.force_login(factories.user("hank", alice.Role.UNIT_HEAD, unit_a))
    save_sheet(colleague, project, Sheet.GOALS, composition="同事写的构成。")
    page.fill("#id_composition", "我的构成。")
    expect(page.locator("#autosave-alert")).to_contain_text("没有自动保存", timeout=10000)
    expect(page.locator("#changed-meanwhile")).to_contain_text("同事写的构成。")
    assert Project.objects.get(pk=project.pk).composition == "同事写的构成。"  # not overwritten
    expect(page.locator("#id_composition")).to_have_value("我的构成。")  # input kept
    # A deliberate save goes through the usual stale-save page, then overwrites on purpose.
    page.click("#save-button")
    expect(page.locator(".alert-danger")).to_contain_text("有人保存了本项目")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Project.objects.get(pk=project.pk).composition == "我的构成。"


# --- Paper and Excel ---------------------------------------------------------------------


def paste(page, selector, text):
    """Put ``text`` on the real clipboard and press Ctrl+V in the cell."""
    page.evaluate("t => navigator.clipboard.writeText(t)", text)
    page.focus(selector)
    page.keyboard.press("Control+V")


@pytest.fixture
def clipboard(logged_in_page, live_server):
    logged_in_page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    return logged_in_page


def test_paste_from_excel_fills_the_lines_and_adds_rows(clipboard, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = clipboard
    goals(page, live_server, project)
    block = (
        "软件开发\t平台\t需求分析\t200,000.00\t100000\t市场询价\t2\t合同\t一期\r\n"
        '软件开发\t平台\t"多行\n明细"\t111000\t\t\t\t\t\r\n'
        "硬件\t服务器\t采购\t40000\t20000\t报价\t2\t清单\t\r\n"
    )
    paste(page, "#id_line-0-item_name", block)
    expect(page.locator("#line-rows tr.sheet-row")).to_have_count(3)
    expect(page.locator("#id_line-0-detail")).to_have_value("需求分析")
    expect(page.locator("#id_line-0-amount")).to_have_value("200,000.00")
    expect(page.locator("#id_line-0-unit_price")).to_have_value("100,000.00")
    expect(page.locator("#id_line-0-quantity")).to_have_value("2")
    expect(page.locator("#id_line-1-detail")).to_have_value("多行\n明细")
    expect(page.locator("#id_line-1-unit_price")).to_have_value("")
    expect(page.locator("#id_line-2-content")).to_have_value("服务器")
    expect(page.locator("#id_line-2-quantity_basis")).to_have_value("清单")
    # Every pasted cell is checked as typed: 40,000 ≠ 20,000 × 2? no — equal; the sum is not.
    expect(page.locator("#check-state")).to_contain_text("已实时更新")
    expect(page.locator("#findings-list")).to_contain_text("金额合计")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    rows = list(
        BudgetLine.objects.filter(project=project)
        .order_by("order")
        .values_list("detail", "amount", "unit_price", "quantity")
    )
    assert rows == [
        ("需求分析", Decimal("200000.00"), Decimal("100000.00"), Decimal("2.00")),
        ("多行\n明细", Decimal("111000.00"), None, None),
        ("采购", Decimal("40000.00"), Decimal("20000.00"), Decimal("2.00")),
    ]


def test_paste_of_the_official_indicator_block_lands_in_the_groups(clipboard, live_server, alice):
    project = factories.ready_project(unit=alice.unit, indicators=[])
    page = clipboard
    goals(page, live_server, project)
    page.click("#add-indicator")
    # As copied from the official sheet: 一级目标 and 二级目标 merged (blank below the first).
    block = (
        "影响力目标\t满意度\t用户满意度\t≥90%\t\n"
        "产出目标\t数量\t建设完成率\t=100%\t计划\n"
        "\t\t接入学校数\t≥50所\t\n"
        "\t质量\t验收通过率\t=100%\t\n"
        "产出目标\t不存在的目标\t某指标\t1\t\n"
    )
    paste(page, "#id_ind-0-level2", block)
    names = page.locator("#ind-rows tr.sheet-row input[name$='-name']")
    expect(names).to_have_count(5)
    # Screen order = printed order: 产出·数量, 产出·质量, then 满意度; the unknown level waits
    # at the bottom with a note.
    assert [names.nth(i).input_value() for i in range(5)] == [
        "建设完成率",
        "接入学校数",
        "验收通过率",
        "用户满意度",
        "某指标",
    ]
    expect(page.locator("#ind-rows")).to_contain_text("“不存在的目标”不是本年度的二级目标")
    expect(page.locator("#check-state")).to_contain_text("已实时更新")


def test_a_new_indicator_goes_into_its_group(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.click("#add-indicator")
    page.fill("#id_ind-6-name", "新增质量指标")
    page.select_option("#id_ind-6-level2", label="质量")
    names = page.locator("#ind-rows tr.sheet-row input[name$='-name']")
    expect(names.nth(2)).to_have_value("新增质量指标")  # after 产出·质量's row, before 时效
    expect(names.nth(3)).to_have_value("平台建设进度相符性")
    # ＋ in a row adds a row of the same group right below it.
    page.locator("tr[data-prefix='ind-4'] .row-add-here").click()
    expect(page.locator("#id_ind-7-level2 option:checked")).to_have_text("长效管理")
    expect(names.nth(6)).to_have_value("")
    expect(names.nth(5)).to_have_value("长效管理机制健全性")
    page.fill("#id_ind-7-name", "新增长效指标")
    page.fill("#id_ind-7-target_raw", "建立")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    saved = list(Indicator.objects.filter(project=project).order_by("order").values_list("name"))
    assert [n for (n,) in saved] == [
        "平台建设计划完成率",
        "平台阶段验收通过率",
        "新增质量指标",
        "平台建设进度相符性",
        "教育安全监管效率提升情况",
        "长效管理机制健全性",
        "新增长效指标",
        "学校安保负责人满意度",
    ]


def test_moving_a_row_stays_inside_its_group(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.locator("tr[data-prefix='ind-1'] .row-up").click()  # 质量 above 数量: refused
    expect(page.locator("#sheet-hint")).to_contain_text("分组")
    names = page.locator("#ind-rows tr.sheet-row input[name$='-name']")
    expect(names.nth(0)).to_have_value("平台建设计划完成率")


def test_amount_is_offered_from_price_times_quantity_never_overwritten(
    logged_in_page, live_server, alice
):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.fill("#id_line-1-unit_price", "1,234.56")
    page.fill("#id_line-1-quantity", "3.5")
    offer = page.locator("tr[data-prefix='line-1'] .amount-offer")
    expect(offer).to_have_text("填入 单价×数量 = 4,320.96")
    expect(page.locator("#id_line-1-amount")).to_have_value("351,000.00")  # typed stays
    offer.click()
    expect(page.locator("#id_line-1-amount")).to_have_value("4,320.96")
    expect(offer).to_have_count(0)


def test_arrow_keys_move_between_cells(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.click("#id_line-0-amount")
    page.keyboard.press("ArrowDown")
    expect(page.locator("#id_line-1-amount")).to_be_focused()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#id_line-0-amount")).to_be_focused()
    page.keyboard.press("ArrowRight")  # the whole value is selected on arrival: next cell
    expect(page.locator("#id_line-0-unit_price")).to_be_focused()
    page.keyboard.press("End")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#id_line-0-price_basis")).to_be_focused()
    page.keyboard.press("ArrowLeft")  # an empty textarea: the caret is at its start
    expect(page.locator("#id_line-0-unit_price")).to_be_focused()


def test_after_a_refused_save_the_first_error_has_the_focus(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    goals(page, live_server, project)
    page.fill("#id_line-1-quantity", "两个")
    page.fill("#id_line-1-amount", "三十万")
    page.click("#save-button")
    expect(page.locator(".alert-danger")).to_contain_text("有输入无法保存")
    expect(page.locator("#id_line-1-amount")).to_be_focused()
    box = page.locator("#id_line-1-amount").bounding_box()
    assert 0 < box["y"] < page.viewport_size["height"]
    # The refused page holds unsaved input: leaving it asks first.
    page.click("a.nav-link:has-text('制度保障')")
    expect(page.locator("#leave-modal")).to_be_visible()


def test_at_768_px_the_findings_are_one_tap_away(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    page.set_viewport_size({"width": 768, "height": 1024})
    goals(page, live_server, project)
    page.fill("#id_line-1-amount", "1")
    toggle = page.locator("#side-toggle")
    expect(toggle).to_be_visible()
    expect(toggle.locator("[data-count=errors]")).to_have_text("1")
    assert toggle.bounding_box()["y"] + toggle.bounding_box()["height"] <= 1024
    toggle.click()
    expect(page.locator("#findings-list")).to_be_visible()
    expect(page.locator("#findings-list")).to_contain_text("金额合计")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 768  # no sideways scrolling
