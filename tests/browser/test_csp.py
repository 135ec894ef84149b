"""Under the strict Content-Security-Policy the pages still work and the browser blocks
nothing: no CSP violation reported while filling a sheet, filtering a list, printing."""

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_no_csp_violation_on_the_sheet_list_and_print_pages(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    violations = []
    page.on(
        "console",
        lambda msg: (
            violations.append(f"{msg.text} @ {msg.location}")
            if "Content Security Policy" in msg.text
            else None
        ),
    )
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    page.fill("#id_line-0-detail", "明细一")
    expect(page.locator("#check-state")).to_contain_text("已实时更新")
    page.click("#add-indicator")
    # Column widths come from classes now: the 目标值 header keeps its 14 %.
    width = page.evaluate(
        "() => { const th = [...document.querySelectorAll('th')].find(t => t.textContent === '目标值');"
        " return th.getBoundingClientRect().width / th.closest('table').getBoundingClientRect().width; }"
    )
    assert 0.10 < width < 0.18
    page.goto(f"{live_server.url}/projects/")
    page.select_option("#list-filter select[name=year]", "2020")  # submits (static/js/app.js)
    page.wait_for_url("**/projects/?*year=2020*")
    page.goto(f"{live_server.url}/exports/projects/{project.pk}/print/")
    col = page.evaluate("() => getComputedStyle(document.querySelector('col')).width")
    assert col != "auto" and col != "0px"
    border = page.evaluate(
        "() => getComputedStyle(document.querySelector('table.grid td')).borderTopStyle"
    )
    assert border == "solid"  # static/css/print.css reached the page
    assert violations == []
