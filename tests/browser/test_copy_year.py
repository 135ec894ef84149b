"""复制上年 in a browser: from the project page, through the small form and the result
page, to the goals sheet of the new year with last year's 目标值 beside each row; and
the blank template downloaded from the import page."""

import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from apps.projects.models import Project
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_copy_from_the_project_page_and_see_history_values(logged_in_page, live_server, alice):
    source = factories.ready_project(unit=alice.unit, year=2020)
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{source.pk}/")
    page.click("#copy-year")
    expect(page.locator("h1")).to_contain_text("复制到新年度")
    page.select_option("#id_budget_year", label="2021 年")
    page.check("input[name=amounts][value=keep]")
    page.click("input[type=submit][value=复制]")
    expect(page.locator("h1")).to_have_text("复制结果")
    expect(page.locator("#copy-misfits")).to_contain_text("效果目标")
    expect(page.locator(".alert-info").first).to_contain_text("已移到 2021 年")
    expect(page.locator(".alert-info").nth(1)).to_contain_text("分值")
    expect(page.locator("#copy-no-interpretations")).to_be_visible()  # all derived plainly
    copy = Project.objects.get(budget_year__year=2021)
    page.click("#copy-target")
    page.goto(f"{live_server.url}/projects/{copy.pk}/sheets/goals/")
    values = page.locator(".history-value")
    expect(values).to_have_count(source.indicators.count())
    row = page.locator("tr.sheet-row", has=page.locator("input[value=学校安保负责人满意度]"))
    expect(row.locator(".history-value")).to_have_text("历史值：≥90%")
    # The 2021 row took its 指标性质 and 指标值 from last year's 目标值.
    expect(row.locator("select[name$=nature]")).to_have_value("positive")
    expect(row.locator("input[name$=target_value]")).to_have_value("90")


def test_blank_template_download_from_the_import_page(logged_in_page, live_server):
    page = logged_in_page
    page.goto(f"{live_server.url}/imports/")
    with page.expect_download() as download:
        page.click("#blank-templates a:has-text('2021 年')")
    assert download.value.suggested_filename == "2021年绩效目标申报表-空白模板.xlsx"
    wb = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert wb.sheetnames == ["项目总体情况", "绩效目标", "制度保障"]
