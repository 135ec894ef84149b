"""The reading view in real Chromium: a comment's link in the panel lands on its row, for
the reviewer reading the printed sheet and for the filler editing it."""

import pytest
from playwright.sync_api import expect

from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.reviews.models import ReviewComment
from tests import factories
from tests.reviews.helpers import set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def login(page, base, user):
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}/projects/")


def in_view(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + 10 <= page.viewport_size["height"]


@pytest.fixture
def commented(alice, charlie):
    rows = [*factories.MINHANG_ROWS] * 3  # long enough that the last rows are off screen
    project = factories.ready_project(unit=alice.unit, indicators=rows)
    target = project.indicators.order_by("order").last()
    note = ReviewComment.objects.create(
        project=project,
        author=charlie,
        version_number=1,
        sheet=Sheet.GOALS,
        anchor=f"indicator:{target.pk}",
        anchor_label="最后一行指标",
        text="满意度调查方法请说明。",
    )
    return project, target, note


def test_reviewer_comment_link_lands_on_its_printed_row(page, live_server, charlie, commented):
    project, target, note = commented
    set_status(project, Project.Status.SUBMITTED)
    login(page, live_server.url, charlie)
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    row = page.locator(f"#row-indicator-{target.pk}")
    expect(row).to_contain_text("满意度调查方法请说明。")
    assert not in_view(page, row)
    page.click(f"#panel-comment-{note.pk} a.panel-comment-link")
    expect(page).to_have_url(
        f"{live_server.url}/projects/{project.pk}/sheets/goals/#comment-{note.pk}"
    )
    page.wait_for_timeout(800)  # Bootstrap's smooth scrolling
    assert in_view(page, row)
    # The comment box stays in view while reading far down the sheet.
    assert in_view(page, page.locator("#comment-form"))


def test_filler_comment_link_lands_on_the_row_being_edited(page, live_server, alice, commented):
    project, target, note = commented
    set_status(project, Project.Status.RETURNED)
    login(page, live_server.url, alice)
    page.goto(f"{live_server.url}/projects/{project.pk}/sheets/goals/")
    row = page.locator(f'tr[data-row-anchor="indicator:{target.pk}"]')
    assert not in_view(page, row)
    page.click(f"#panel-comment-{note.pk} a.panel-comment-link")
    page.wait_for_timeout(800)
    assert in_view(page, row.locator(f"#comment-{note.pk}"))
    # Marking it resolved folds it away in its row; it stays in the panel's 已处理 list.
    page.click(f"#panel-comment-{note.pk} button:has-text('已处理')")
    expect(page.locator(".alert-success")).to_contain_text("已标记为已处理")
    expect(row.locator(f"details#comment-{note.pk}")).to_be_visible()
    expect(page.locator("#resolved-comments")).to_contain_text("满意度调查方法请说明。")
