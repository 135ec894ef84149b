"""The reviewer's desk in real Chromium: a batch return from the queue, and the overview's
charts drawn with the same figures as the table beside them — at 1366 and 768 px."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.accounts.models import User
from apps.projects.models import Project
from apps.reviews import services
from apps.reviews.models import ReviewEvent
from tests import factories
from tests.reviews.helpers import set_status

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
S = Project.Status
WIDTHS = [1366, 768]


def login(page, base, user):
    page.goto(f"{base}/login/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", factories.PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"{base}/projects/")


def no_sideways_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", WIDTHS)
def test_batch_return_from_the_queue(page, live_server, alice, bob, charlie, width):
    page.set_viewport_size({"width": width, "height": 900})
    base = live_server.url
    projects = {}
    for name, filler in (("学院甲", alice), ("学院乙", alice), ("中心丙", bob)):
        p = factories.ready_project(
            unit=filler.unit, name=name, lines=((Decimal("1000"), None, None),)
        )
        projects[name] = services.project_submit(project=p, actor=filler)

    login(page, base, charlie)
    page.goto(f"{base}/reviews/")
    expect(page.locator("#queue-totals")).to_contain_text("合计：3 个项目")
    assert no_sideways_scroll(page)
    page.check(f'#queue-list tr[data-project="{projects["学院甲"].pk}"] input[name="ids"]')
    page.check(f'#queue-list tr[data-project="{projects["中心丙"].pk}"] input[name="ids"]')
    page.fill("#batch-bar textarea[name='reason']", "请补充测算依据。")
    expect(page.locator("#batch-return")).to_be_visible()
    page.click("#batch-return")

    expect(page.locator("h1")).to_contain_text("完成 2 个，未办理 0 个")
    expect(page.locator("#batch-done")).to_contain_text("学院甲")
    expect(page.locator("#batch-done")).to_contain_text("中心丙")
    expect(page.locator("#batch-done")).not_to_contain_text("学院乙")
    page.click("#batch-back")
    expect(page.locator("#queue-totals")).to_contain_text("合计：1 个项目")
    expect(page.locator("#queue-list")).to_contain_text("学院乙")

    for name, status in (("学院甲", S.RETURNED), ("学院乙", S.SUBMITTED), ("中心丙", S.RETURNED)):
        project = Project.objects.get(pk=projects[name].pk)
        assert project.status == status, name
    returns = ReviewEvent.objects.filter(action="return").order_by("project__name")
    assert [(e.project.name, e.reason, e.actor) for e in returns] == [
        ("中心丙", "请补充测算依据。", charlie),
        ("学院甲", "请补充测算依据。", charlie),
    ]


def test_batch_return_without_reason_stays_on_the_queue(page, live_server, alice, charlie):
    base = live_server.url
    p = factories.ready_project(unit=alice.unit, name="学院甲")
    services.project_submit(project=p, actor=alice)
    login(page, base, charlie)
    page.goto(f"{base}/reviews/")
    page.check(f'#queue-list tr[data-project="{p.pk}"] input[name="ids"]')
    page.click("#batch-return")
    expect(page.locator(".alert-danger")).to_contain_text("批量退回须填写退回理由。")
    p.refresh_from_db()
    assert p.status == S.SUBMITTED


CHART_STATE = """() => {
  const read = (id) => {
    const canvas = document.getElementById(id);
    const chart = Chart.getChart(canvas);
    const ctx = canvas.getContext("2d");
    const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) drawn++;
    return {drawn, labels: chart.data.labels, data: chart.data.datasets.map((d) => d.data)};
  };
  return {states: read("chart-states"), budget: read("chart-budget"), grades: read("chart-grades")};
}"""


@pytest.mark.parametrize("width", WIDTHS)
def test_dashboard_draws_its_charts_with_the_tables_figures(
    page, live_server, alice, bob, charlie, width
):
    page.set_viewport_size({"width": width, "height": 1000})
    for i, (unit, status, grade, amount) in enumerate(
        [
            (alice.unit, S.DRAFT, "", "100"),
            (alice.unit, S.SUBMITTED, "", "200"),
            (alice.unit, S.APPROVED, "A", "300"),
            (bob.unit, S.APPROVED, "B", "4000"),
            (bob.unit, S.APPROVED, "B", "5000"),
        ]
    ):
        p = factories.ready_project(
            unit=unit, name=f"项目{i}", lines=((Decimal(amount), None, None),)
        )
        set_status(p, status)
        Project.objects.filter(pk=p.pk).update(grade=grade)

    login(page, base := live_server.url, charlie)
    page.click("#nav-dashboard")
    page.wait_for_function("() => window.Chart && Chart.getChart('chart-grades')")
    state = page.evaluate(CHART_STATE)
    for key in ("states", "budget", "grades"):
        assert state[key]["drawn"] > 500, (key, "canvas left blank")

    names = page.locator("#dash-units tbody .unit-name").all_inner_texts()
    assert state["states"]["labels"] == names == [alice.unit.name, bob.unit.name]
    # Each stack of the state chart is a column of the table.
    rows = page.locator("#dash-units tbody tr")
    table_counts = [
        [int(x) for x in rows.nth(r).locator(".state-count").all_inner_texts()]
        for r in range(rows.count())
    ]
    by_state = [list(col) for col in zip(*table_counts, strict=True)]
    assert state["states"]["data"] == by_state
    budgets = [
        float(v)
        for v in page.locator("#dash-units .unit-budget").evaluate_all(
            "cells => cells.map((c) => c.dataset.value)"
        )
    ]
    assert state["budget"]["data"] == [budgets] == [[600.0, 9000.0]]
    grade_counts = [int(x) for x in page.locator("#dash-grades .grade-count").all_inner_texts()]
    assert state["grades"]["data"] == [grade_counts] == [[1, 2, 0, 0]]
    assert no_sideways_scroll(page)
    assert base


def test_fillers_have_no_overview_link(page, live_server, alice):
    login(page, live_server.url, alice)
    expect(page.locator("#nav-dashboard")).to_have_count(0)
    User.objects.filter(pk=alice.pk).update(role=User.Role.FINANCE_REVIEWER)
    page.reload()
    expect(page.locator("#nav-dashboard")).to_have_count(1)
