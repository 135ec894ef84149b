"""Whoever may not see a project gets 404 on every URL of its review workflow, and nothing
changes; the review queue lists only projects in scope, with totals over the filter."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.history.models import Change
from apps.projects.history import history_record
from apps.projects.models import Project
from apps.reviews import services
from apps.reviews.models import (
    Notification,
    ProjectVersion,
    ReviewComment,
    ReviewEvent,
)
from tests import factories
from tests.formdata import form_data
from tests.reviews.helpers import set_status

S = Project.Status


@pytest.fixture
def reviewed(project, alice, charlie):
    """A project with a history: submitted, commented, returned, changed, resubmitted."""
    services.project_submit(project=project, actor=alice)
    services.comment_add(
        project=project,
        actor=charlie,
        sheet=Sheet.OVERVIEW,
        anchor="leader",
        anchor_label="项目负责人",
        text="负责人请核实。",
    )
    services.project_return(project=project, actor=charlie, reason="请核实负责人。")
    project.refresh_from_db()
    project.leader = "王五"
    project.save(update_fields=["leader"])
    history_record(project=project, actor=alice, source="测试")
    services.project_submit(project=project, actor=alice)
    project.refresh_from_db()
    assert project.versions.count() == 2
    return project


GET_URLS = [
    ("projects:detail", ()),
    ("projects:sub_projects", ()),
    *[("projects:sheet", (s.value,)) for s in Sheet],
    ("reviews:history", ()),
    ("reviews:versions", ()),
    ("reviews:version", (1,)),
    ("reviews:version", (2,)),
    ("reviews:diff", ()),
    ("exports:project_print", ()),
    ("exports:project_pdf", ()),
    ("exports:project_xlsx", ()),
]

# Each write in the state where the rightful user could make it.
POST_URLS = [
    ("reviews:submit", (), S.RETURNED),
    ("reviews:pass", (), S.SUBMITTED),
    ("reviews:return", (), S.SUBMITTED),
    ("reviews:approve", (), S.DEPT_PASSED),
    ("reviews:adjust", (), S.APPROVED),
    ("reviews:comment_add", (), S.SUBMITTED),
    ("projects:sub_projects", (), S.RETURNED),
    *[("projects:sheet", (s.value,), S.RETURNED) for s in Sheet],
    *[("projects:sheet_check", (s.value,), S.RETURNED) for s in Sheet],
]

POSTED = {
    "submit-reason": "越权提交",
    "pass-reason": "越权通过",
    "return-reason": "越权退回",
    "approve-reason": "越权批复",
    "approve-grade": "A",
    "adjust-reason": "越权调整",
    "sheet": "overview",
    "anchor": "",
    "text": "越权意见",
}


def url(name, project, extra):
    return reverse(name, args=[project.pk, *extra])


def snapshot(project):
    """Everything a workflow write could change."""
    return {
        "project": Project.objects.values().get(pk=project.pk),
        "events": ReviewEvent.objects.count(),
        "comments": ReviewComment.objects.count(),
        "changes": Change.objects.count(),
        "notifications": Notification.objects.count(),
        "unread": Notification.objects.filter(read_at__isnull=True).count(),
        "versions": ProjectVersion.objects.count(),
    }


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize(("name", "extra"), GET_URLS)
def test_outside_scope_get_is_404(request, client, reviewed, who, name, extra):
    client.force_login(request.getfixturevalue(who))
    before = snapshot(reviewed)
    assert client.get(url(name, reviewed, extra)).status_code == 404
    assert snapshot(reviewed) == before


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize(("name", "extra", "state"), POST_URLS)
def test_outside_scope_post_is_404_and_changes_nothing(
    request, client, alice, reviewed, who, name, extra, state
):
    set_status(reviewed, state)
    data = dict(POSTED)
    if name in ("projects:sheet", "projects:sheet_check"):
        # The form the rightful filler sees, with a change: a real write, posted by a stranger.
        owner = Client()
        owner.force_login(alice)
        data = form_data(owner.get(url(name, reviewed, extra)).content.decode())
        data.update(name="篡改的名字", leader="篡改", composition="篡改")
    client.force_login(request.getfixturevalue(who))
    before = snapshot(reviewed)
    response = client.post(url(name, reviewed, extra), data)
    assert response.status_code == 404
    assert snapshot(reviewed) == before


@pytest.mark.parametrize(("name", "extra"), [u for u in GET_URLS if u[0] != "exports:project_pdf"])
def test_the_urls_answer_for_the_reviewer_in_scope(client, charlie, reviewed, name, extra):
    """The 404s above are about scope, not about broken URLs."""
    client.force_login(charlie)
    assert client.get(url(name, reviewed, extra)).status_code == 200


@pytest.mark.parametrize("who", ["bob", "outsider", "fiona"])
def test_another_users_notification_is_404_and_stays_unread(request, client, reviewed, who):
    notice = Notification.objects.filter(recipient__username="charlie").first()
    assert notice is not None and notice.read_at is None
    client.force_login(request.getfixturevalue(who))
    response = client.get(reverse("reviews:notification", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_marking_read_with_another_users_ids_changes_nothing(client, bob, reviewed):
    ids = list(Notification.objects.values_list("pk", flat=True))
    client.force_login(bob)
    client.post(reverse("reviews:notifications_read"), {"id": ids})
    assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_notification_list_shows_only_ones_own(client, alice, charlie, reviewed):
    client.force_login(alice)
    body = client.get(reverse("reviews:notifications")).content.decode()
    assert "请核实负责人。" in body  # the return, sent to alice
    assert "等待您审核" not in body  # charlie's


# --- The review queue --------------------------------------------------------------------


@pytest.fixture
def queue_projects(alice, bob, foreign_unit):
    """Projects of several units, years and states, with distinct 当年预算."""

    def make(unit, name, amount, status, year=2020):
        p = factories.ready_project(
            unit=unit, name=name, year=year, lines=((Decimal(amount), None, None),)
        )
        return set_status(p, status)

    return {
        "a_submitted": make(alice.unit, "学院平台", "100000", S.SUBMITTED),
        "a_2019": make(alice.unit, "学院旧项目", "20000", S.SUBMITTED, year=2019),
        "a_draft": make(alice.unit, "学院草稿", "3000", S.DRAFT),
        "a_passed": make(alice.unit, "学院已审", "400", S.DEPT_PASSED),
        "b_submitted": make(bob.unit, "中心平台", "500000", S.SUBMITTED),
        "foreign": make(foreign_unit, "外局项目", "7000000", S.SUBMITTED),
    }


def queue(client, **params):
    response = client.get(reverse("reviews:queue"), params)
    assert response.status_code == 200
    body = response.content.decode()
    rows = body.split('id="queue-list"')[1].split("</tbody>")[0]
    totals = body.split('id="queue-totals"')[1].split("</tr>")[0]
    return rows, totals


def names_in(rows, projects):
    return {key for key, p in projects.items() if f">{p.name}</a>" in rows}


def test_queue_waits_on_what_charlie_must_review(client, charlie, queue_projects):
    client.force_login(charlie)
    rows, totals = queue(client)
    assert names_in(rows, queue_projects) == {"a_submitted", "a_2019", "b_submitted"}
    assert "合计：3 个项目" in totals
    assert "620,000.00" in totals  # 100,000 + 20,000 + 500,000


@pytest.mark.parametrize(
    ("params", "expected", "total"),
    [
        ({"status": "all"}, {"a_submitted", "a_2019", "a_draft", "a_passed", "b_submitted"}, None),
        ({"status": "submitted", "year": "2020"}, {"a_submitted", "b_submitted"}, "600,000.00"),
        ({"year": "2019"}, {"a_2019"}, "20,000.00"),
        ({"status": "dept_passed"}, {"a_passed"}, "400.00"),
        ({"status": "draft"}, {"a_draft"}, "3,000.00"),
        (
            {"status": "all", "year": "2020"},
            {"a_submitted", "a_draft", "a_passed", "b_submitted"},
            "603,400.00",
        ),
    ],
)
def test_queue_filters_and_totals(client, charlie, queue_projects, params, expected, total):
    client.force_login(charlie)
    rows, totals = queue(client, **params)
    assert names_in(rows, queue_projects) == expected
    assert f"合计：{len(expected)} 个项目" in totals
    if total:
        assert total in totals


def test_queue_filter_by_unit(client, charlie, unit_b, queue_projects):
    client.force_login(charlie)
    rows, totals = queue(client, status="all", unit=str(unit_b.pk))
    assert names_in(rows, queue_projects) == {"b_submitted"}
    assert "合计：1 个项目" in totals and "500,000.00" in totals


def test_queue_filter_by_a_unit_out_of_scope_shows_nothing(
    client, charlie, foreign_unit, queue_projects
):
    client.force_login(charlie)
    rows, totals = queue(client, status="all", unit=str(foreign_unit.pk))
    assert names_in(rows, queue_projects) == set()
    assert "合计：0 个项目" in totals
    assert "7,000,000.00" not in totals


@pytest.mark.parametrize("status", ["", "all", "submitted", "draft", "dept_passed"])
def test_foreign_department_project_never_in_charlies_queue(
    client, charlie, queue_projects, status
):
    client.force_login(charlie)
    rows, totals = queue(client, status=status)
    assert "外局项目" not in rows
    assert "7,000,000.00" not in totals


def test_outsider_sees_only_the_foreign_project(client, outsider, queue_projects):
    client.force_login(outsider)
    rows, totals = queue(client, status="all")
    assert names_in(rows, queue_projects) == {"foreign"}
    assert "合计：1 个项目" in totals and "7,000,000.00" in totals


def test_filler_queue_is_own_unit_only(client, bob, queue_projects):
    client.force_login(bob)
    rows, _ = queue(client, status="all")
    assert names_in(rows, queue_projects) == {"b_submitted"}


def test_finance_queue_waits_on_dept_passed(client, fiona, queue_projects):
    client.force_login(fiona)
    rows, totals = queue(client)
    assert names_in(rows, queue_projects) == {"a_passed"}
    assert "合计：1 个项目" in totals
