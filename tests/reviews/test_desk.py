"""The reviewer's desk: filtered and sorted lists and queue, batch decisions, segregation of
duties, deadlines, and the project page once approved."""

import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.projects.models import Project
from apps.reviews import services
from apps.reviews.models import FilingRound, Notification, ReviewEvent
from tests import factories
from tests.reviews.helpers import message_texts, set_status

S = Project.Status


def make(unit, name, amount, status=S.DRAFT, year=2020):
    p = factories.ready_project(
        unit=unit, name=name, year=year, lines=((Decimal(amount), None, None),)
    )
    return set_status(p, status)


def submitted(project, actor, days_ago=0):
    """Submit ``project`` through the service, dated ``days_ago`` days back."""
    set_status(project, S.DRAFT)
    services.project_submit(project=project, actor=actor)
    ReviewEvent.objects.filter(project=project).update(
        created_at=timezone.now() - timedelta(days=days_ago)
    )
    project.refresh_from_db()
    return project


def rows_of(body: str, table_id: str) -> str:
    return body.split(f'id="{table_id}"')[1].split("</tbody>")[0]


def order_in(body, table_id, names):
    rows = rows_of(body, table_id)
    return sorted(names, key=lambda n: rows.index(f">{n}</a>"))


@pytest.fixture
def desk(alice, bob, foreign_unit):
    return {
        "big": make(alice.unit, "学院大项目", "900000"),
        "small": make(alice.unit, "学院小项目", "1000"),
        "mid": make(bob.unit, "中心平台项目", "50000"),
        "foreign": make(foreign_unit, "外局项目", "7000000"),
    }


# --- Lists: search, filters, sort, 提交时间 and waiting days -------------------------------


def test_list_search_filters_and_totals_over_the_whole_filtered_list(client, charlie, desk):
    Project.objects.filter(pk=desk["small"].pk).update(error_count=2)
    client.force_login(charlie)
    url = reverse("projects:list")

    body = client.get(url, {"q": "学院 项目"}).content.decode()
    rows = rows_of(body, "project-list")
    assert "学院大项目" in rows and "学院小项目" in rows and "中心平台项目" not in rows
    assert "合计：2 个项目，1 个未就绪" in body
    assert "901,000.00" in body.split('id="list-totals"')[1]

    body = client.get(url, {"ready": "0"}).content.decode()
    assert "学院小项目" in rows_of(body, "project-list")
    assert "学院大项目" not in rows_of(body, "project-list")

    body = client.get(url, {"ready": "1", "unit": desk["mid"].unit_id}).content.decode()
    assert "中心平台项目" in rows_of(body, "project-list")
    assert "合计：1 个项目，0 个未就绪" in body

    # The filter bar is the crispy-rendered django-filter form.
    assert 'name="q"' in body and 'name="status"' in body and 'name="ready"' in body


def test_list_out_of_scope_or_bogus_filters_show_nothing_with_a_reason(client, charlie, desk):
    client.force_login(charlie)
    for params in ({"unit": desk["foreign"].unit_id}, {"year": "1999"}, {"status": "nonsense"}):
        body = client.get(reverse("projects:list"), params).content.decode()
        assert "合计：0 个项目" in body, params
        assert "外局项目" not in body
        assert "invalid-feedback" in body or "有效" in body, params


def test_list_sorts_by_column_both_ways(client, charlie, desk):
    client.force_login(charlie)
    names = ["学院大项目", "学院小项目", "中心平台项目"]
    url = reverse("projects:list")
    up = client.get(url, {"sort": "current_budget"}).content.decode()
    assert order_in(up, "project-list", names) == ["学院小项目", "中心平台项目", "学院大项目"]
    down = client.get(url, {"sort": "-current_budget"}).content.decode()
    assert order_in(down, "project-list", names) == ["学院大项目", "中心平台项目", "学院小项目"]
    by_name = client.get(url, {"sort": "name"}).content.decode()
    assert order_in(by_name, "project-list", names) == sorted(names)
    # The header links toggle the direction and keep the filters.
    assert "sort=-current_budget" in up
    filtered = client.get(url, {"q": "学院", "sort": "name"}).content.decode()
    assert "q=%E5%AD%A6%E9%99%A2&amp;sort=-name" in filtered or "q=学院&amp;sort=-name" in filtered


def test_queue_shows_submission_time_and_waiting_days_and_sorts_by_wait(
    client, alice, charlie, desk
):
    submitted(desk["big"], alice, days_ago=9)
    submitted(desk["small"], alice, days_ago=2)
    client.force_login(charlie)
    body = client.get(reverse("reviews:queue")).content.decode()
    rows = rows_of(body, "queue-list")
    big_row = rows.split(">学院大项目</a>")[1].split("</tr>")[0]
    submitted_at = timezone.localtime(desk["big"].events.get().created_at)
    assert f"{submitted_at:%Y-%m-%d %H:%M}" in big_row
    assert "9 天" in big_row
    # Ascending by the days shown: the shortest wait first; reversed, the longest first.
    longest = client.get(reverse("reviews:queue"), {"sort": "-waiting"}).content.decode()
    assert order_in(longest, "queue-list", ["学院大项目", "学院小项目"]) == [
        "学院大项目",
        "学院小项目",
    ]
    shortest = client.get(reverse("reviews:queue"), {"sort": "waiting"}).content.decode()
    assert order_in(shortest, "queue-list", ["学院大项目", "学院小项目"]) == [
        "学院小项目",
        "学院大项目",
    ]


def test_list_export_uses_the_same_filters_and_order(client, charlie, desk):
    client.force_login(charlie)
    response = client.get(
        reverse("projects:list_export"), {"format": "xlsx", "q": "学院", "sort": "current_budget"}
    )
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert names == ["学院小项目", "学院大项目"]
    assert sheet.cell(1, sheet.max_column).value == "提交时间"


def _more(alice, bob, n, start):
    for i in range(start, start + n):
        p = make(alice.unit if i % 2 else bob.unit, f"批量{i}", "100")
        services.project_submit(project=p, actor=alice if i % 2 else bob)


@pytest.mark.parametrize("url_name", ["projects:list", "reviews:queue"])
def test_list_and_queue_query_counts_are_constant(
    client, alice, bob, charlie, django_assert_num_queries, url_name
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(charlie)
    _more(alice, bob, 2, 0)
    params = {"q": "批量", "sort": "waiting", "ready": "1"}
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(url_name), params).status_code == 200
    _more(alice, bob, 6, 2)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get(reverse(url_name), params).content.decode()
    assert "合计：8 个项目" in body


# --- Batch decisions ------------------------------------------------------------------------


def batch(client, action, ids, **data):
    return client.post(reverse("reviews:batch"), {"action": action, "ids": ids, **data})


def test_batch_return_each_its_own_transition_with_a_summary(client, alice, bob, charlie, desk):
    for key in ("big", "small", "mid"):
        submitted(desk[key], alice if key != "mid" else bob)
    set_status(desk["foreign"], S.SUBMITTED)
    Project.objects.filter(pk=desk["small"].pk).update(status=S.DEPT_PASSED)  # not charlie's stage
    Notification.objects.all().delete()
    client.force_login(charlie)

    ids = [desk["big"].pk, desk["small"].pk, desk["mid"].pk, desk["foreign"].pk, 999999]
    response = batch(client, "return", ids, reason="请补充测算依据。")

    assert response.status_code == 200
    body = response.content.decode()
    assert "完成 2 个，未办理 3 个" in body
    done = body.split('id="batch-done"')[1].split("</ul>")[0]
    refused = body.split('id="batch-refused"')[1].split("</ul>")[0]
    assert "学院大项目" in done and "中心平台项目" in done
    assert "学院小项目" in refused and "不在主管部门审核环节" in refused
    # Another department's project and a missing id: refused alike, nothing about them leaks.
    assert "外局项目" not in body
    assert refused.count(services.NOT_IN_SCOPE) == 2
    for key in ("big", "mid"):
        desk[key].refresh_from_db()
        assert desk[key].status == S.RETURNED
        event = desk[key].events.order_by("-id").first()
        assert (event.action, event.actor, event.reason) == ("return", charlie, "请补充测算依据。")
    desk["foreign"].refresh_from_db()
    assert desk["foreign"].status == S.SUBMITTED
    assert set(Notification.objects.values_list("project_id", "recipient__username")) == {
        (desk["big"].pk, "alice"),
        (desk["mid"].pk, "bob"),
    }


def test_batch_pass_refuses_what_the_reviewer_filled(client, alice, charlie, desk):
    from apps.history.models import Change

    for key in ("big", "small"):
        submitted(desk[key], alice)
    Change.objects.create(
        project=desk["small"], actor=charlie, revision=1, sheet="overview", key="x", label="x"
    )
    client.force_login(charlie)
    body = batch(client, "pass", [desk["big"].pk, desk["small"].pk]).content.decode()
    assert "完成 1 个，未办理 1 个" in body
    assert "不相容岗位分离" in body.split('id="batch-refused"')[1]


def test_batch_approve_with_one_grade(client, alice, desk):
    fiona = factories.user("fiona2", User.Role.FINANCE_REVIEWER)
    for key in ("big", "small"):
        set_status(desk[key], S.DEPT_PASSED)
    client.force_login(fiona)
    body = batch(client, "approve", [desk["big"].pk, desk["small"].pk], grade="B").content.decode()
    assert "完成 2 个，未办理 0 个" in body
    assert set(Project.objects.filter(grade="B").values_list("name", flat=True)) == {
        "学院大项目",
        "学院小项目",
    }
    assert ReviewEvent.objects.filter(action="approve", grade="B").count() == 2


@pytest.mark.parametrize(
    ("action", "data", "message"),
    [
        ("return", {"reason": " "}, "批量退回须填写退回理由。"),
        ("approve", {}, "批量批复须评定等级（优、良、中、差）。"),
    ],
)
def test_batch_without_reason_or_grade_is_refused_whole(client, desk, action, data, message):
    fiona = factories.user("fiona3", User.Role.FINANCE_REVIEWER)
    set_status(desk["big"], S.DEPT_PASSED)
    client.force_login(fiona)
    response = batch(client, action, [desk["big"].pk], **data)
    assert response.status_code == 302
    assert message in message_texts(response)
    desk["big"].refresh_from_db()
    assert desk["big"].status == S.DEPT_PASSED


def test_batch_with_nothing_ticked_says_so(client, charlie, desk):
    client.force_login(charlie)
    response = batch(client, "pass", [])
    assert "请先勾选要处理的项目。" in message_texts(response)


def test_batch_action_not_of_the_role_is_refused(client, charlie, alice, desk):
    submitted(desk["big"], alice)
    client.force_login(charlie)
    response = batch(client, "approve", [desk["big"].pk], grade="A")
    assert "没有这种批量操作。" in message_texts(response)
    desk["big"].refresh_from_db()
    assert desk["big"].status == S.SUBMITTED


def test_batch_export_only_what_is_in_scope(client, charlie, desk):
    client.force_login(charlie)
    response = batch(client, "export", [desk["big"].pk, desk["foreign"].pk])
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [r[0] for r in sheet.iter_rows(min_row=2, values_only=True)] == ["学院大项目"]


@pytest.mark.parametrize("who", ["alice", "bob", "adam"])
def test_batch_is_for_reviewers_only(request, client, desk, who):
    user = (
        request.getfixturevalue(who) if who != "adam" else factories.user("adam2", User.Role.ADMIN)
    )
    client.force_login(user)
    set_status(desk["big"], S.SUBMITTED)
    assert batch(client, "pass", [desk["big"].pk]).status_code == 404
    assert client.get(reverse("reviews:batch")).status_code == 405
    desk["big"].refresh_from_db()
    assert desk["big"].status == S.SUBMITTED


def test_queue_offers_the_batch_bar_to_reviewers_only(client, alice, charlie, desk):
    submitted(desk["big"], alice)
    client.force_login(charlie)
    body = client.get(reverse("reviews:queue")).content.decode()
    assert 'id="batch-pass"' in body and 'id="batch-return"' in body
    assert 'id="batch-approve"' not in body
    assert f'name="ids" value="{desk["big"].pk}"' in body
    client.force_login(alice)
    body = client.get(reverse("reviews:queue")).content.decode()
    assert "batch-form" not in body and 'name="ids"' not in body


# --- Segregation of duties ----------------------------------------------------------------


def test_submitter_who_became_finance_reviewer_cannot_approve(client, alice, charlie, project):
    services.project_submit(project=project, actor=alice)
    services.project_pass(project=project, actor=charlie)
    User.objects.filter(pk=alice.pk).update(role=User.Role.FINANCE_REVIEWER, unit=None)
    alice.refresh_from_db()
    client.force_login(alice)
    body = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="action-approve" disabled' in body
    reason = body.split('data-action="approve">')[1].split("</div>")[0]
    assert "您提交过本项目" in reason and "不能审核通过或批复" in reason
    response = client.post(reverse("reviews:approve", args=[project.pk]), {"approve-grade": "A"})
    assert "您提交过本项目，按不相容岗位分离的要求，不能审核通过或批复本项目。" in message_texts(
        response
    )
    project.refresh_from_db()
    assert project.status == S.DEPT_PASSED


def test_filler_who_became_dept_reviewer_cannot_pass_but_may_return(client, alice, project):
    from apps.history.models import Change

    Change.objects.create(
        project=project, actor=alice, revision=1, sheet="overview", key="k", label="l"
    )
    hank = factories.user("hank2", User.Role.UNIT_HEAD, alice.unit)
    services.project_submit(project=project, actor=hank)
    from apps.units.models import Unit

    User.objects.filter(pk=alice.pk).update(
        role=User.Role.DEPT_REVIEWER, unit=Unit.objects.get(code="001")
    )
    alice.refresh_from_db()
    client.force_login(alice)
    body = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="action-pass" disabled' in body
    assert "您填报（修改）过本项目的申报表" in body
    assert 'id="action-return" ' in body and 'id="action-return" disabled' not in body


# --- After approval: only what can still be done ----------------------------------------


def test_approved_project_page_shows_no_dead_buttons(client, alice, charlie, project):
    fiona = factories.user("fiona4", User.Role.FINANCE_REVIEWER)
    services.project_submit(project=project, actor=alice)
    services.project_pass(project=project, actor=charlie)
    services.project_approve(project=project, actor=fiona, grade="A")
    url = reverse("projects:detail", args=[project.pk])

    client.force_login(alice)
    body = client.get(url).content.decode()
    panel = body.split('id="workflow"')[1]
    assert 'id="action-adjust"' in panel and 'id="action-adjust" disabled' not in panel
    assert "action-submit" not in panel and "action-reason" not in panel

    for reviewer in (charlie, fiona):
        client.force_login(reviewer)
        panel = client.get(url).content.decode().split('id="workflow"')[1]
        for dead in (
            "action-pass",
            "action-return",
            "action-approve",
            "action-submit",
            "action-reason",
        ):
            assert dead not in panel, (reviewer, dead)
        assert "审核流程已结束" in panel and "由填报单位申请调整" in panel


# --- Deadlines on the pages ----------------------------------------------------------------


def test_close_date_and_days_left_on_list_queue_and_project_page(client, alice, project):
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2020),
        opens_on=today - timedelta(days=10),
        closes_on=today + timedelta(days=5),
    )
    client.force_login(alice)
    close = f"{today + timedelta(days=5):%Y年%m月%d日}"
    for url in (
        reverse("projects:list"),
        reverse("projects:list") + "?year=2020",
        reverse("reviews:queue"),
        reverse("projects:detail", args=[project.pk]),
    ):
        body = client.get(url).content.decode()
        assert f"2020 年度申报 {close} 截止，还剩 5 天" in body, url
        assert 'data-days-left="5"' in body


def test_closed_round_says_so(client, alice, project):
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2020),
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
    )
    client.force_login(alice)
    body = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert f"2020 年度申报已于 {today - timedelta(days=1):%Y年%m月%d日} 截止" in body
