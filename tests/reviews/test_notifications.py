"""Notifications: in the app and by e-mail (sent once the decision is committed)."""

import pytest
from django.core import mail
from django.urls import reverse

from apps.accounts.models import User
from apps.projects.models import Project
from apps.reviews.models import Notification
from tests import factories
from tests.reviews.helpers import act, set_status

S = Project.Status


@pytest.fixture
def mailboxes(alice, bob, charlie, outsider, hank, fiona):
    """Everyone gets an e-mail address; plus a second reviewer at 教育局."""
    dora = factories.user("dora", User.Role.DEPT_REVIEWER, charlie.unit)
    for u in (alice, bob, charlie, outsider, hank, fiona, dora):
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])
    return dora


def received(user) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user))


def mailed_to(address) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_submit_notifies_the_departments_reviewers_in_app_and_by_mail(
    client_a, project, mailboxes, charlie, outsider, fiona, bob, django_capture_on_commit_callbacks
):
    dora = mailboxes
    with django_capture_on_commit_callbacks(execute=True):
        act(client_a, project, "submit")
    for reviewer in (charlie, dora):
        (notice,) = received(reviewer)
        assert notice.verb == Notification.Verb.SUBMITTED
        assert notice.project_id == project.pk
        assert "安全集成管理平台" in notice.message and "上海市闵行区教育学院" in notice.message
        assert notice.read_at is None
        (message,) = mailed_to(reviewer.email)
        assert "安全集成管理平台" in message.subject
        assert reverse("projects:detail", args=[project.pk]) in message.body
    for nobody in (outsider, fiona, bob):
        assert received(nobody) == [] and mailed_to(nobody.email) == []


def test_no_mail_before_the_transaction_commits(client_a, project, mailboxes):
    before = mail.outbox[:]
    act(client_a, project, "submit")
    assert mail.outbox == before  # the commit never came in this test
    assert Notification.objects.count() == 2  # but the in-app notices are there


def test_a_refused_submit_notifies_nobody(
    client_a, project, mailboxes, django_capture_on_commit_callbacks
):
    set_status(project, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        act(client_a, project, "submit")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


def test_return_notifies_the_units_fillers_with_the_reason(
    client_c, project, mailboxes, alice, hank, bob, django_capture_on_commit_callbacks
):
    set_status(project, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        act(client_c, project, "return", reason="绩效指标不够具体")
    for filler in (alice, hank):
        (notice,) = received(filler)
        assert notice.verb == Notification.Verb.RETURNED
        assert "绩效指标不够具体" in notice.message
        (message,) = mailed_to(filler.email)
        assert "绩效指标不够具体" in message.body
    assert received(bob) == [] and mailed_to(bob.email) == []


def test_finance_return_notifies_the_unit(
    client_f, project, mailboxes, alice, django_capture_on_commit_callbacks
):
    set_status(project, S.DEPT_PASSED)
    with django_capture_on_commit_callbacks(execute=True):
        act(client_f, project, "return", reason="预算依据不足")
    (notice,) = received(alice)
    assert "预算依据不足" in notice.message
    assert mailed_to(alice.email)


def test_pass_notifies_finance_and_the_unit(
    client_c, project, mailboxes, alice, fiona, django_capture_on_commit_callbacks
):
    set_status(project, S.SUBMITTED)
    with django_capture_on_commit_callbacks(execute=True):
        act(client_c, project, "pass")
    assert [n.verb for n in received(fiona)] == [Notification.Verb.SUBMITTED]
    assert [n.verb for n in received(alice)] == [Notification.Verb.PASSED]
    assert mailed_to(fiona.email) and mailed_to(alice.email)


def test_approve_notifies_the_unit_with_the_grade(
    client_f, project, mailboxes, alice, hank, django_capture_on_commit_callbacks
):
    set_status(project, S.DEPT_PASSED)
    with django_capture_on_commit_callbacks(execute=True):
        act(client_f, project, "approve", grade="B")
    for filler in (alice, hank):
        (notice,) = received(filler)
        assert notice.verb == Notification.Verb.APPROVED
        assert "评定等级：良" in notice.message
        (message,) = mailed_to(filler.email)
        assert "良" in message.body


def test_users_without_an_address_get_the_notice_but_no_mail(
    client_a, project, charlie, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        act(client_a, project, "submit")
    assert len(received(charlie)) == 1
    assert mail.outbox == []


def test_inactive_reviewers_are_not_notified(
    client_a, project, mailboxes, charlie, django_capture_on_commit_callbacks
):
    charlie.is_active = False
    charlie.save(update_fields=["is_active"])
    with django_capture_on_commit_callbacks(execute=True):
        act(client_a, project, "submit")
    assert received(charlie) == [] and mailed_to(charlie.email) == []


def unread_badge(client) -> str | None:
    body = client.get(reverse("reviews:notifications")).content.decode()
    start = body.find('id="unread-count">')
    if start == -1:
        return None
    return body[start + len('id="unread-count">') :].split("<")[0]


def test_navbar_shows_the_unread_count_and_opening_marks_read(client_a, client_c, project, charlie):
    assert unread_badge(client_c) is None
    act(client_a, project, "submit")
    act(client_c, project, "return", reason="第一次")
    act(client_a, project, "submit")
    assert unread_badge(client_c) == "2"
    assert unread_badge(client_a) == "1"

    first = Notification.objects.filter(recipient=charlie).order_by("id").first()
    response = client_c.post(reverse("reviews:notification", args=[first.pk]))
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(recipient=charlie, read_at__isnull=True).count() == 1
    assert unread_badge(client_c) == "1"

    client_c.post(reverse("reviews:notifications_read"))
    assert unread_badge(client_c) is None
    assert unread_badge(client_a) == "1"  # alice's own notices are untouched


def test_navbar_badge_is_on_every_page(client_a, client_c, project):
    act(client_a, project, "submit")
    body = client_c.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="unread-count">1<' in body
