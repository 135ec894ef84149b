"""The entry page in Chromium: live sums while typing, rows added, saved."""

import pytest
from playwright.sync_api import expect

from apps.unit_budgets.services import classification_codes_load_all, unit_budget_load_file
from tests.unit_budgets.conftest import SEED_004

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_live_sums_added_row_and_save(logged_in_page, live_server, alice):
    classification_codes_load_all()
    budget = unit_budget_load_file(SEED_004)
    page = logged_in_page
    page.goto(f"{live_server.url}/unit-budgets/{alice.unit_id}/2020/edit/")
    expect(page.locator("#sum-revenue")).to_have_text("104,733,480.93")
    expect(page.locator("#sum-basic")).to_have_text("54,233,577.33")
    expect(page.locator("#sum-difference")).to_have_text("0.00")
    expect(page.locator("#sum-eco-difference")).to_have_text("0.00")

    # One more revenue row, added in the page: the sums follow the typing.
    page.click("button[data-add-row=rev]")
    assert page.input_value("[name=rev-TOTAL_FORMS]") == "12"  # 8 rows + 3 blank + 1
    page.select_option("[name=rev-11-code]", label="2050101 行政运行")
    page.fill("[name=rev-11-other]", "1,000.50")
    expect(page.locator("#sum-revenue")).to_have_text("104,734,481.43")
    expect(page.locator("#sum-difference")).to_have_text("1,000.50")
    expect(page.locator("#sum-difference")).to_have_class("text-danger")

    page.click("text=保存单位预算")
    page.wait_for_url(f"{live_server.url}/unit-budgets/{alice.unit_id}/2020/")
    expect(page.locator(".alert-success")).to_contain_text("单位预算已保存")
    expect(page.locator("#unit-findings")).to_contain_text("收入总计 104,734,481.43 元")
    assert budget.revenues.get(code__code="2050101").other == 1000.50
