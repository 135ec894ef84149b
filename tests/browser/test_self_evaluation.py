"""A filler fills a 绩效自评 in real Chromium: the total and the row scores follow the typing."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from apps.performance.models import SelfEvaluation
from tests import factories
from tests.performance.helpers import approve, indicator_ids

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_fill_self_evaluation_with_live_total(logged_in_page, live_server, alice):
    page = logged_in_page
    project = factories.ready_project(unit=alice.unit)
    approve(project, alice)
    ids = indicator_ids(project)

    page.goto(f"{live_server.url}/projects/{project.pk}/")
    page.click("#evaluation-start")
    expect(page.locator("#evaluation-status")).to_have_text("草稿")
    total = page.locator("#eval-total")
    expect(total).to_have_text("0.00")

    page.fill("#id_executed", "911,000")
    page.fill("#id_actual_goal", "年度目标已完成。")
    expect(total).to_have_text("10.00")  # 预算执行率 100 % of its 10
    page.fill(f"#id_r{ids[0]}-actual", "100%")
    expect(page.locator(f'[data-score="{ids[0]}"]')).to_have_text("16.67")
    page.fill(f"#id_r{ids[1]}-actual", "100%")
    page.select_option(f"#id_r{ids[2]}-level", "达成")
    page.select_option(f"#id_r{ids[3]}-level", "达成")
    page.select_option(f"#id_r{ids[4]}-level", "基本达成")  # 0.8 × 5 = 4
    page.fill(f"#id_r{ids[5]}-actual", "81%")  # 81/90 × 5 = 4.5
    expect(total).to_have_text("98.50")
    expect(page.locator("#eval-grade")).to_have_text("优")
    findings = page.locator("#eval-findings")
    expect(findings).to_contain_text("须填写偏差原因")

    page.fill(f"#id_r{ids[4]}-reason", "机制仍在完善")
    page.fill(f"#id_r{ids[5]}-reason", "部分学校未反馈")
    expect(findings).to_contain_text("没有错误")
    page.click("#evaluation-save")
    expect(page.locator(".alert-success")).to_contain_text("总分 98.50")
    evaluation = SelfEvaluation.objects.get(project=project)
    assert (evaluation.total_score, evaluation.grade, evaluation.error_count) == (
        Decimal("98.50"), "优", 0,
    )  # fmt: skip
    page.click("#action-submit")
    expect(page.locator("#evaluation-status")).to_have_text("已提交")


def test_monitoring_light_follows_the_typing(logged_in_page, live_server, alice):
    from apps.accounts.models import User
    from tests.performance.helpers import open_round

    page = logged_in_page
    project = factories.ready_project(unit=alice.unit)
    approve(project, alice)
    round_ = open_round(factories.user("fiona", User.Role.FINANCE_REVIEWER))
    ids = indicator_ids(project)

    page.goto(f"{live_server.url}/performance/monitoring/{round_.pk}/")
    page.click(f"[data-project='{project.pk}'] button:has-text('填报')")
    light = page.locator("#mon-light [data-light]")
    for pk in ids:
        page.select_option(f"#id_m{pk}-forecast", "yes")
    page.fill("#id_executed", "455,500")  # 50 % = the schedule
    expect(light).to_have_text("绿灯")
    page.fill("#id_executed", "200,000")  # 21.95 %: 28 points behind
    expect(light).to_have_text("红灯")
    expect(page.locator("#mon-rate")).to_have_text("21.95%")
    page.fill("#id_executed", "455,500")
    page.select_option(f"#id_m{ids[0]}-forecast", "no")
    expect(light).to_have_text("红灯")
    expect(page.locator("#eval-findings")).to_contain_text("须填写偏差原因")
    page.click("#evaluation-save")
    expect(page.locator(".alert-success")).to_contain_text("红灯")


def test_a_long_paste_is_kept_whole_and_refused_live(logged_in_page, live_server, alice):
    """Typed or pasted text is never cut by the browser (no ``maxlength``): the live check
    says at the field how long it is, and the box keeps every character."""
    from apps.performance.services import evaluation_start

    page = logged_in_page
    project = factories.ready_project(unit=alice.unit)
    approve(project, alice)
    evaluation = evaluation_start(project=project, actor=alice)
    page.goto(f"{live_server.url}/performance/evaluations/{evaluation.pk}/")
    page.click("#id_actual_goal")
    page.keyboard.insert_text("完" * 12_000)  # as a paste or an input method inserts it
    assert page.eval_on_selector("#id_actual_goal", "e => e.value.length") == 12_000
    expect(page.locator("#eval-live")).to_contain_text("最多 10000 个字（现有 12000 个）")
