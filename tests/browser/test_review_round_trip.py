"""The review round trip in real Chromium: submit → return with a comment on a row → the
filler sees it in place and fixes the row → resubmit → the reviewer sees what changed →
pass → approve."""

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.projects.models import Project
from apps.units.models import Unit
from tests import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, user):
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}/projects/")


def logout(page):
    page.click("button:has-text('退出')")


def test_submit_return_with_row_comment_fix_resubmit_pass_approve(
    page, live_server, alice, charlie
):
    base = live_server.url
    finance = factories.user("fiona", User.Role.FINANCE_REVIEWER)
    project = factories.ready_project(unit=alice.unit)
    indicator = project.indicators.order_by("order")[1]
    detail = f"{base}/projects/{project.pk}/"
    goals = f"{detail}sheets/goals/"

    # The filler submits.
    login(page, base, alice)
    page.goto(detail)
    page.click("#action-submit")
    expect(page.locator(".alert-success")).to_contain_text("已提交")
    expect(page.locator("#project-status")).to_have_text("已提交")
    expect(page.locator("#action-submit")).to_be_disabled()
    logout(page)

    # The department reviewer sees it waiting, comments on one indicator row, returns it.
    login(page, base, charlie)
    expect(page.locator("#unread-count")).to_have_text("1")
    page.click("nav >> text=待办")
    expect(page.locator("#queue-list")).to_contain_text(project.name)
    page.goto(goals)
    row = page.locator(f'tr[data-row-anchor="indicator:{indicator.pk}"]')
    row.locator("button.comment-row").click()
    expect(page.locator("#id_anchor")).to_have_value(f"indicator:{indicator.pk}")
    page.fill("#id_text", "目标值应量化，请写明比例。")
    page.click("button:has-text('记录意见')")
    expect(page.locator(".alert-success")).to_contain_text("意见已记录")
    page.goto(detail)
    page.fill("#id_return-reason", "质量指标不够具体，见批注。")
    page.click("#action-return")
    expect(page.locator("#project-status")).to_have_text("已退回")
    logout(page)

    # The filler sees the comment inside that row, fixes the target and resubmits.
    login(page, base, alice)
    page.goto(goals)
    row = page.locator(f'tr[data-row-anchor="indicator:{indicator.pk}"]')
    expect(row.locator(".review-comment")).to_contain_text("目标值应量化，请写明比例。")
    row.locator("#id_ind-1-target_raw").fill("≥95%")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    page.goto(detail)
    page.click("#action-submit")
    expect(page.locator("#project-status")).to_have_text("已提交")
    logout(page)

    # The reviewer compares version 2 with version 1, sees exactly that change, passes it.
    login(page, base, charlie)
    page.goto(detail)
    page.click("#diff-latest")
    changed = page.locator(f'tr[data-key="indicators.{indicator.pk}.target_raw"]')
    expect(changed.locator(".diff-new")).to_have_text("≥95%")
    expect(changed.locator(".diff-old")).to_have_text(indicator.target_raw)
    expect(page.locator("h1")).to_contain_text("1 处不同")
    page.goto(detail)
    page.click("#action-pass")
    expect(page.locator("#project-status")).to_have_text("主管部门已审核")
    logout(page)

    # Finance approves with a grade; the filler's sheet is now read-only.
    login(page, base, finance)
    page.goto(detail)
    page.select_option("#id_approve-grade", label="良")
    page.click("#action-approve")
    expect(page.locator("#project-status")).to_have_text("已批复")
    expect(page.locator("#project-grade")).to_contain_text("良")
    logout(page)

    login(page, base, alice)
    page.goto(goals)
    expect(page.locator("#save-button")).to_have_count(0)
    expect(page.locator("#id_ind-1-target_raw")).to_be_disabled()

    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED and project.grade == "B"
    assert [e.action for e in project.events.order_by("id")] == [
        "submit",
        "return",
        "submit",
        "pass",
        "approve",
    ]
    assert Unit.objects.get(pk=alice.unit_id).projects.filter(pk=project.pk).exists()
