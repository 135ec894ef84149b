"""No lost updates: a save from a page read before someone else's save is refused (input
kept, the other person's changes listed), and two people moving one project along at the
same moment produce exactly one transition."""

import threading
import time

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.checks.findings import Sheet
from apps.history.models import Change
from apps.projects.models import Project
from apps.reviews import services
from apps.reviews.models import ProjectVersion, ReviewEvent
from tests import factories
from tests.formdata import form_data
from tests.reviews.helpers import RESULT, set_status, sheet_data, sheet_url

S = Project.Status


def test_the_second_of_two_concurrent_saves_is_refused_and_keeps_its_input(
    client_a, client_h, alice, project
):
    url = sheet_url(project, Sheet.OVERVIEW)
    alices = sheet_data(client_a, project, Sheet.OVERVIEW)
    hanks = sheet_data(client_h, project, Sheet.OVERVIEW)
    alices["leader"] = "李四"
    hanks["leader"] = "王五"
    hanks["annual_goal"] = "单位负责人改写的年度目标。"

    first = client_a.post(url, alices)
    assert first.status_code == 302

    second = client_h.post(url, hanks)
    assert second.status_code == 200
    body = second.content.decode()
    assert "没有保存：在您打开本页之后，有人保存了本项目" in body
    kept = form_data(body)
    assert kept["leader"] == "王五"
    assert kept["annual_goal"] == "单位负责人改写的年度目标。"
    project.refresh_from_db()
    assert project.leader == "李四"
    assert project.annual_goal == "年度目标。"
    meanwhile = body.split('id="changed-meanwhile"')[1].split("</div>")[0]
    assert "alice" in meanwhile and "项目负责人" in meanwhile
    assert "周硕青 → 李四" in meanwhile
    assert Change.objects.filter(actor__username="hank").count() == 0

    # The page as returned now carries the current revision: saving it again succeeds.
    assert int(kept["revision"]) == Project.objects.get(pk=project.pk).revision
    again = client_h.post(url, kept)
    assert again.status_code == 302
    project.refresh_from_db()
    assert project.leader == "王五"
    assert project.annual_goal == "单位负责人改写的年度目标。"
    assert set(Change.objects.filter(actor__username="hank").values_list("key", flat=True)) == {
        "f.leader",
        "f.annual_goal",
    }


def test_stale_save_on_the_goals_sheet_keeps_the_rows_typed(client_a, client_h, project):
    url = sheet_url(project, Sheet.GOALS)
    alices = sheet_data(client_a, project, Sheet.GOALS)
    hanks = sheet_data(client_h, project, Sheet.GOALS)
    alices["ind-0-target_raw"] = "=99%"
    hanks["ind-1-target_raw"] = "≥98%"
    hanks["ind-5-DELETE"] = "on"
    assert client_a.post(url, alices).status_code == 302

    second = client_h.post(url, hanks)
    assert second.status_code == 200
    kept = form_data(second.content.decode())
    assert kept["ind-1-target_raw"] == "≥98%"
    assert kept.get("ind-5-DELETE") == "on"
    assert project.indicators.count() == 6
    assert project.indicators.get(order=0).target_raw == "=99%"
    assert client_h.post(url, kept).status_code == 302
    assert project.indicators.count() == 5


def test_a_page_read_before_submission_cannot_save_after_it(client_a, project):
    """The filler's open page must not write into a submitted (frozen) project."""
    data = sheet_data(client_a, project, Sheet.OVERVIEW)
    set_status(project, S.SUBMITTED)
    data["leader"] = "提交后偷改"
    client_a.post(sheet_url(project, Sheet.OVERVIEW), data)
    project.refresh_from_db()
    assert project.leader == "周硕青"


def test_a_post_without_a_revision_is_refused(client_a, project):
    data = sheet_data(client_a, project, Sheet.OVERVIEW)
    del data["revision"]
    data["leader"] = "无修订号"
    response = client_a.post(sheet_url(project, Sheet.OVERVIEW), data)
    assert response.status_code == 200
    project.refresh_from_db()
    assert project.leader == "周硕青"


# --- Two people at once, in two threads (real transactions, real row locks) -------------


def _race(monkeypatch, calls):
    """Run ``calls`` (client, url, data) at the same moment; each transition is slowed
    down after its permission check, so that without the row lock both would pass."""
    original = services._check

    def slow_check(*args, **kwargs):
        original(*args, **kwargs)
        time.sleep(0.3)

    monkeypatch.setattr(services, "_check", slow_check)
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(i, client, url, data):
        try:
            barrier.wait(timeout=10)
            results[i] = client.post(url, data).status_code
        except Exception as exc:  # noqa: BLE001 - reported by the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, *call)) for i, call in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not errors, errors
    return results


def _client(user):
    c = Client()
    c.force_login(user)
    return c


@pytest.mark.django_db(transaction=True)
def test_two_fillers_submitting_at_once_make_one_submission(monkeypatch, alice, project):
    hank = factories.user("hank", User.Role.UNIT_HEAD, alice.unit)
    url = reverse("reviews:submit", args=[project.pk])
    results = _race(
        monkeypatch,
        [(_client(alice), url, {"submit-reason": ""}), (_client(hank), url, {"submit-reason": ""})],
    )
    assert results == [302, 302]
    assert ReviewEvent.objects.filter(project=project, action="submit").count() == 1
    assert ProjectVersion.objects.filter(project=project).count() == 1
    assert Project.objects.get(pk=project.pk).status == RESULT["submit"]


@pytest.mark.django_db(transaction=True)
def test_two_finance_reviewers_approving_at_once_make_one_approval(monkeypatch, project):
    set_status(project, S.DEPT_PASSED)
    one = factories.user("fiona", User.Role.FINANCE_REVIEWER)
    two = factories.user("frank", User.Role.FINANCE_REVIEWER)
    url = reverse("reviews:approve", args=[project.pk])
    results = _race(
        monkeypatch,
        [
            (_client(one), url, {"approve-grade": "A", "approve-reason": ""}),
            (_client(two), url, {"approve-grade": "D", "approve-reason": ""}),
        ],
    )
    assert results == [302, 302]
    (event,) = ReviewEvent.objects.filter(project=project)
    assert event.action == "approve"
    project.refresh_from_db()
    assert project.status == S.APPROVED
    assert project.grade == event.grade  # the grade of the one approval that happened


@pytest.mark.django_db(transaction=True)
def test_return_and_pass_at_once_make_one_transition(monkeypatch, alice, charlie, project):
    set_status(project, S.SUBMITTED)
    dora = factories.user("dora", User.Role.DEPT_REVIEWER, charlie.unit)
    results = _race(
        monkeypatch,
        [
            (_client(charlie), reverse("reviews:pass", args=[project.pk]), {"pass-reason": ""}),
            (
                _client(dora),
                reverse("reviews:return", args=[project.pk]),
                {"return-reason": "退回"},
            ),
        ],
    )
    assert results == [302, 302]
    (event,) = ReviewEvent.objects.filter(project=project)
    assert Project.objects.get(pk=project.pk).status == event.to_status


@pytest.mark.django_db(transaction=True)
def test_a_save_racing_a_submission_is_either_in_the_version_or_refused(
    monkeypatch, alice, project
):
    hank = factories.user("hank", User.Role.UNIT_HEAD, alice.unit)
    alices = _client(alice)
    data = form_data(alices.get(sheet_url(project, Sheet.OVERVIEW)).content.decode())
    data["leader"] = "并发修改"
    _race(
        monkeypatch,
        [
            (alices, sheet_url(project, Sheet.OVERVIEW), data),
            (_client(hank), reverse("reviews:submit", args=[project.pk]), {"submit-reason": ""}),
        ],
    )
    project.refresh_from_db()
    version = ProjectVersion.objects.get(project=project)
    assert project.status == S.SUBMITTED
    # What was submitted is what is in the database: no write slipped in after the freeze.
    assert version.data["fields"]["leader"] == project.leader
