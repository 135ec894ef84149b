"""Deadline reminders: units with unsubmitted projects, N days before the round closes."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from apps.budgets.models import BudgetYear
from apps.projects.models import Project
from apps.reviews.models import DeadlineReminder, FilingRound, Notification
from apps.reviews.services import deadline_reminders_send
from tests import factories
from tests.reviews.helpers import set_status

S = Project.Status


@pytest.fixture
def closing_in_3_days(reference):
    today = timezone.localdate()
    return FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2020),
        opens_on=today - timedelta(days=20),
        closes_on=today + timedelta(days=3),
    )


@pytest.fixture
def units_with_drafts(alice, bob, hank, charlie):
    for u in (alice, bob, hank, charlie):
        u.email = f"{u.username}@example.org"
        u.save(update_fields=["email"])
    factories.ready_project(unit=alice.unit, name="学院草稿一")
    factories.ready_project(unit=alice.unit, name="学院草稿二")
    set_status(factories.ready_project(unit=bob.unit, name="中心已提交"), S.SUBMITTED)
    factories.ready_project(unit=bob.unit, name="中心2019草稿", year=2019)


def run(days=3) -> str:
    out = StringIO()
    call_command("remind_deadlines", days=days, stdout=out)
    return out.getvalue()


def test_reminds_units_with_drafts_once_a_day(
    closing_in_3_days, units_with_drafts, alice, hank, bob, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        out = run()
    assert "2020 年度 · 上海市闵行区教育学院：2 个项目未提交，已提醒 2 人" in out
    assert "共提醒 1 个单位。" in out
    close = f"{closing_in_3_days.closes_on:%Y年%m月%d日}"
    expected = (
        f"2020 年度申报将于 {close} 截止（还有 3 天），上海市闵行区教育学院还有 2 个项目未提交。"
    )
    for user in (alice, hank):
        (notice,) = Notification.objects.filter(recipient=user)
        assert (notice.verb, notice.message, notice.project_id) == ("deadline", expected, None)
    assert not Notification.objects.filter(recipient=bob).exists()  # bob's unit submitted
    (message,) = mail.outbox  # one mail to the unit's people
    assert sorted(message.to) == ["alice@example.org", "hank@example.org"]
    assert expected in mail.outbox[0].body
    assert "/projects/?year=2020&status=draft" in mail.outbox[0].body

    with django_capture_on_commit_callbacks(execute=True):
        again = run()
    assert "共提醒 0 个单位。" in again
    assert len(mail.outbox) == 1 and Notification.objects.count() == 2
    assert DeadlineReminder.objects.get().recipients == 2


def test_next_day_reminds_again(closing_in_3_days, units_with_drafts):
    deadline_reminders_send(days_before=3)
    tomorrow = timezone.localdate() + timedelta(days=1)
    sent = deadline_reminders_send(days_before=3, today=tomorrow)
    assert [(r.unit, r.unsubmitted) for r in sent] == [("上海市闵行区教育学院", 2)]
    assert DeadlineReminder.objects.count() == 2


@pytest.mark.parametrize("days", [0, 2])
def test_not_yet_when_the_close_is_further_than_n_days(closing_in_3_days, units_with_drafts, days):
    assert "共提醒 0 个单位。" in run(days)
    assert not Notification.objects.exists()


def test_closed_round_sends_nothing(units_with_drafts):
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2020),
        opens_on=today - timedelta(days=20),
        closes_on=today - timedelta(days=1),
    )
    assert "共提醒 0 个单位。" in run(7)


def test_close_day_says_today(units_with_drafts, alice):
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2020), opens_on=today, closes_on=today
    )
    run(0)
    assert "（今天）" in Notification.objects.get(recipient=alice).message


def test_reminder_notice_opens_the_unsubmitted_list(
    client, closing_in_3_days, units_with_drafts, alice
):
    run()
    notice = Notification.objects.get(recipient=alice)
    client.force_login(alice)
    page = client.get(reverse("reviews:notifications")).content.decode()
    assert "截止提醒" in page
    response = client.post(reverse("reviews:notification", args=[notice.pk]))
    assert response["Location"] == reverse("projects:list") + "?status=draft"
    notice.refresh_from_db()
    assert notice.read_at is not None
