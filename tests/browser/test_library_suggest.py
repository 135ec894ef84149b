"""The 三级指标 type-ahead in real Chromium: typed, chosen with the keyboard alone, the row
filled (name, 目标值, 备注) and saved with its library link."""

import pytest
from playwright.sync_api import expect

from apps.indicators.models import Indicator
from apps.library.models import LibraryIndicator, Tier
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_an_indicator_from_a_suggestion_with_the_keyboard(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    level = factories.level2(project.budget_year, "影响力目标", "满意度")
    LibraryIndicator.objects.create(
        level2=level,
        name="服务对象满意度",
        tier=Tier.COMMON,
        comparator="≥",
        typical_value="90",
        unit="%",
        explanation="抽样调查服务对象的满意程度。",
    )
    LibraryIndicator.objects.create(
        level2=level,
        name="受训学员满意度",
        tier=Tier.COMMON,
        comparator="≥",
        typical_value="95",
        unit="%",
    )
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    page.click("#add-indicator")
    row = page.locator("#ind-rows tr.sheet-row:not([hidden])").last
    name = row.locator("input[name$='-name']")
    name.click()
    page.keyboard.type("满意")
    listbox = page.locator("#suggest-list")
    expect(listbox).to_be_visible()
    expect(listbox.locator("[role=option]")).to_have_count(2)
    expect(name).to_have_attribute("aria-expanded", "true")
    # ↓ ↓ ↑ moves through the options in the order shown and back; then ↓ to 服务对象满意度.
    shown = [t.split()[0] for t in listbox.locator("[role=option]").all_inner_texts()]
    assert sorted(shown) == ["受训学员满意度", "服务对象满意度"]
    selected = listbox.locator("[aria-selected=true]")
    page.keyboard.press("ArrowDown")
    expect(selected).to_contain_text(shown[0])
    page.keyboard.press("ArrowDown")
    expect(selected).to_contain_text(shown[1])
    page.keyboard.press("ArrowUp")
    expect(selected).to_contain_text(shown[0])
    if shown[0] != "服务对象满意度":
        page.keyboard.press("ArrowDown")
    expect(selected).to_contain_text("服务对象满意度")
    page.keyboard.press("Enter")
    expect(listbox).to_be_hidden()
    expect(name).to_have_value("服务对象满意度")
    expect(name).to_be_focused()  # Enter chose; it did not move down a row
    expect(row.locator("input[name$='-target_raw']")).to_have_value("≥90%")
    expect(row.locator("[name$='-remark']")).to_have_value("抽样调查服务对象的满意程度。")
    # The row had no level: it takes the entry's.
    expect(row.locator("select[name$='-level2']")).to_have_value(str(level.pk))
    # Esc closes without choosing.
    other = page.locator("#ind-rows tr.sheet-row:not([hidden])").first.locator(
        "input[name$='-name']"
    )
    other.click()
    page.keyboard.press("End")
    page.keyboard.type("满意")
    expect(listbox).to_be_visible()
    page.keyboard.press("Escape")
    expect(listbox).to_be_hidden()
    other.fill("平台建设计划完成率")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    saved = Indicator.objects.get(project=project, name="服务对象满意度")
    assert saved.target_raw == "≥90%" and saved.library_entry.name == "服务对象满意度"
