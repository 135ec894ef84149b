"""Sheet page behaviour only a browser shows: section findings, money formatting, refusals."""

import pytest
from playwright.sync_api import expect

from apps.budget_lines.models import BudgetLine
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_section_findings_stay_inline_after_live_checks(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit, indicators=[])
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    slot = page.locator("[data-anchor-slot=indicators]")
    expect(slot).to_contain_text("尚未填写任何绩效指标")
    page.fill("#id_line-0-detail", "明细一")  # any input triggers a live check
    expect(page.locator("#check-state")).to_contain_text("已实时更新")
    expect(slot).to_contain_text("尚未填写任何绩效指标")
    page.click("#add-indicator")
    page.select_option("#id_ind-0-level2", label="数量")
    expect(slot).to_contain_text("缺少二级目标“产出目标 · 质量”下的指标")


def test_amounts_are_grouped_as_typed_never_rounded(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    page.fill("#id_line-0-amount", "9999999999999999.99")
    page.locator("#id_line-0-detail").focus()
    expect(page.locator("#id_line-0-amount")).to_have_value("9,999,999,999,999,999.99")
    page.fill("#id_line-0-amount", "1.005")
    page.locator("#id_line-0-detail").focus()
    expect(page.locator("#id_line-0-amount")).to_have_value("1.005")
    expect(page.locator("tr[data-prefix='line-0']")).to_contain_text("小数")  # Django's error


def test_refused_save_keeps_removed_rows_removed(logged_in_page, live_server, alice):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    page.locator("tr[data-prefix='line-0'] .row-remove").click()
    page.fill("#id_line-1-amount", "abc")
    page.click("#save-button")
    expect(page.locator(".alert-danger")).to_contain_text("有输入无法保存")
    expect(page.locator("tr[data-prefix='line-0']")).to_be_hidden()
    expect(page.locator("#id_line-1-amount")).to_have_value("abc")
    page.fill("#id_line-1-amount", "911,000")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert list(BudgetLine.objects.filter(project=project).values_list("detail", flat=True)) == [
        "明细2"
    ]


def test_live_check_posts_the_changed_rows_and_names_the_others_saved(
    logged_in_page, live_server, alice
):
    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    with page.expect_request(lambda r: r.url.endswith("/check/")) as sent:
        page.fill("#id_line-1-amount", "九十一万")
    body = sent.value.post_data
    assert "line-1-amount" in body and "line-1-detail" in body  # the changed row, whole
    assert "line-0-detail" not in body and "ind-0-name" not in body  # the others by id
    assert "line-0-id" in body and "line-SAME" in body and "ind-SAME" in body
    expect(page.locator("tr[data-prefix='line-1']")).to_contain_text("请输入金额（元）")
    expect(page.locator("#check-state")).to_contain_text("已实时更新")
    # A removed saved row is named as saved with its DELETE; the sum follows.
    page.fill("#id_line-1-amount", "1,000")
    expect(page.locator("tr[data-prefix='line-1']")).not_to_contain_text("请输入金额（元）")
    with page.expect_request(lambda r: r.url.endswith("/check/")) as sent:
        page.locator("tr[data-prefix='line-0'] .row-remove").click()
    assert "line-0-DELETE" in sent.value.post_data
    expect(page.locator("#lines-total")).to_have_text("1,000.00")


def test_live_check_after_a_save_elsewhere_posts_the_page_whole(logged_in_page, live_server, alice):
    from apps.projects.models import Project

    project = factories.ready_project(unit=alice.unit)
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    Project.objects.filter(pk=project.pk).update(revision=project.revision + 5)
    posts = []
    page.on("request", lambda r: posts.append(r.post_data) if r.url.endswith("/check/") else 0)
    page.fill("#id_line-1-amount", "九十一万")
    expect(page.locator("tr[data-prefix='line-1']")).to_contain_text("请输入金额（元）")
    assert len(posts) == 2 and "line-SAME" in posts[0] and "line-SAME" not in posts[1]
    assert "line-0-detail" in posts[1]
