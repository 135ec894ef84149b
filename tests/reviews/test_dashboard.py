"""The reviewers' overview: figures from the database, scoped, in constant queries."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.projects.models import Project
from apps.reviews.dashboard import dashboard_figures
from apps.reviews.models import FilingRound, ReviewEvent
from tests import factories
from tests.reviews.helpers import set_status

S = Project.Status
URL = "reviews:dashboard"


def make(unit, name, amount, status, *, grade="", errors=0, waiting_days=None, year=2020):
    p = factories.ready_project(
        unit=unit, name=name, year=year, lines=((Decimal(amount), None, None),)
    )
    set_status(p, status)
    Project.objects.filter(pk=p.pk).update(grade=grade, error_count=errors)
    if waiting_days is not None:
        ReviewEvent.objects.create(
            project=p,
            actor=User.objects.filter(role=User.Role.FILLER).first(),
            action="submit",
            from_status=S.DRAFT,
            to_status=status,
            created_at=timezone.now() - timedelta(days=waiting_days),
        )
    return p


@pytest.fixture
def year_2020(alice, bob, foreign_unit):
    a, b = alice.unit, bob.unit
    make(a, "学院一", "100", S.DRAFT, errors=3)
    make(a, "学院二", "200", S.SUBMITTED, waiting_days=4)
    make(a, "学院三", "300", S.SUBMITTED, waiting_days=10)
    make(a, "学院四", "400", S.APPROVED, grade="A")
    make(b, "中心一", "1000", S.DEPT_PASSED, waiting_days=6)
    make(b, "中心二", "2000", S.APPROVED, grade="B")
    make(b, "中心三", "3000", S.RETURNED, errors=1)
    make(foreign_unit, "外局一", "99999", S.APPROVED, grade="D")
    make(a, "学院旧", "5", S.APPROVED, grade="C", year=2019)


def test_figures_per_unit_and_state(charlie, alice, bob, year_2020):
    figures = dashboard_figures(user=charlie, budget_year=BudgetYear.objects.get(year=2020))
    by_name = {u.name: u for u in figures.units}
    assert set(by_name) == {alice.unit.name, bob.unit.name}  # not the other department's
    a, b = by_name[alice.unit.name], by_name[bob.unit.name]
    assert a.by_state == {S.DRAFT: 1, S.SUBMITTED: 2, S.APPROVED: 1}
    assert (a.total, a.budget, a.errors, a.not_ready) == (4, Decimal("1000"), 3, 1)
    assert (a.waiting, a.oldest_wait_days, a.average_wait_days) == (2, 10, 7.0)
    assert b.by_state == {S.DEPT_PASSED: 1, S.APPROVED: 1, S.RETURNED: 1}
    assert (b.total, b.budget, b.waiting, b.oldest_wait_days) == (3, Decimal("6000"), 1, 6)
    assert figures.grades == {"A": 1, "B": 1}
    assert (figures.totals.total, figures.totals.budget) == (7, Decimal("7000"))
    assert figures.submitted == 6 and figures.submitted_percent == 86


def test_finance_sees_every_unit_and_one_unit_filter(year_2020, foreign_unit, alice):
    fiona = factories.user("fiona", User.Role.FINANCE_REVIEWER)
    year = BudgetYear.objects.get(year=2020)
    assert dashboard_figures(user=fiona, budget_year=year).totals.total == 8
    one = dashboard_figures(user=fiona, budget_year=year, unit=alice.unit)
    assert [u.name for u in one.units] == [alice.unit.name]
    assert dashboard_figures(user=fiona, budget_year=year).grades == {"A": 1, "B": 1, "D": 1}


def test_page_prints_the_tables_and_the_chart_data(client, charlie, year_2020, alice):
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2020),
        opens_on=today - timedelta(days=15),
        closes_on=today + timedelta(days=14),
    )
    client.force_login(charlie)
    response = client.get(reverse(URL), {"year": 2020})
    assert response.status_code == 200
    body = response.content.decode()
    assert "外局一" not in body and "99,999.00" not in body
    totals = body.split('id="dash-totals"')[1].split("</tr>")[0]
    assert "7,000.00" in totals
    assert "还剩 14 天" in body
    assert "已提交 6 / 7（86%）" in body
    assert "时间已过 53%" in body  # day 16 of 30
    data = response.context["chart_data"]
    assert data["grade_counts"] == [1, 1, 0, 0]
    assert sorted(data["budget"]) == ["1000.00", "6000.00"]
    assert 'src="/static/vendor/chartjs/chart.umd.min.js"' in body
    assert "cdn" not in body.lower()


def test_default_year_is_the_latest_round(client, charlie, year_2020):
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2019),
        opens_on=timezone.localdate(),
        closes_on=timezone.localdate(),
    )
    client.force_login(charlie)
    response = client.get(reverse(URL))
    assert response.context["figures"].year == 2019


def test_query_count_is_constant(client, charlie, alice, bob, year_2020, django_assert_num_queries):
    client.force_login(charlie)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse(URL), {"year": 2020})
    for i in range(6):
        make(alice.unit if i % 2 else bob.unit, f"又{i}", "7", S.SUBMITTED, waiting_days=i)
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse(URL), {"year": 2020})
    assert response.context["figures"].totals.total == 13


@pytest.mark.parametrize("who", ["alice", "bob"])
def test_fillers_may_not_see_it(request, client, year_2020, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse(URL)).status_code == 403


def test_other_departments_unit_is_404(client, charlie, outsider, year_2020, foreign_unit, alice):
    client.force_login(charlie)
    assert client.get(reverse(URL), {"unit": foreign_unit.pk}).status_code == 404
    assert client.get(reverse(URL), {"year": 1999}).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse(URL), {"unit": alice.unit.pk}).status_code == 404
    body = client.get(reverse(URL), {"year": 2020}).content.decode()
    assert "学院一" not in body and alice.unit.name not in body.split('id="dash-units"')[1]


def test_anonymous_goes_to_login(client):
    response = client.get(reverse(URL))
    assert response.status_code == 302 and "/login/" in response["Location"]


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (User.Role.FILLER, 403),
        (User.Role.UNIT_HEAD, 403),
        (User.Role.DEPT_REVIEWER, 200),
        (User.Role.FINANCE_REVIEWER, 200),
        (User.Role.ADMIN, 200),
    ],
)
def test_each_role(client, alice, role, status):
    unit = alice.unit if role in (User.Role.FILLER, User.Role.UNIT_HEAD) else None
    if role == User.Role.DEPT_REVIEWER:
        unit = alice.unit.parent
    client.force_login(factories.user(f"u_{role}", role, unit))
    assert client.get(reverse(URL), {"year": 2020}).status_code == status
