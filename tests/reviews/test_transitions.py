"""The review flow's transition matrix: every role × every state × every action.

The expected table is written out from the business rules (DOMAIN.md, 财预〔2015〕88号):
the unit submits (also after a return and during an adjustment) and opens an adjustment of
an approved project; the supervising department passes or returns what was submitted; the
finance bureau returns or approves what the department passed; the administrator takes no
part; whoever cannot see the project gets 404.
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.projects.models import Project
from apps.projects.services import project_refresh_findings
from apps.reviews.models import FilingRound, ProjectVersion, ReviewEvent
from tests.reviews.helpers import RESULT, act, message_texts, set_status

S = Project.Status
STATES = [S.DRAFT, S.SUBMITTED, S.DEPT_PASSED, S.RETURNED, S.APPROVED, S.ADJUSTING]
ACTIONS = ["submit", "pass", "return", "approve", "adjust"]
OUT = 404  # the project is outside the user's scope

# fmt: off
# Allowed actions per role and state ("" = none allowed; 404 = not even visible).
EXPECTED = {
    #                        draft     submitted        dept_passed        returned  approved  adjusting
    "filler":              ("submit", "",              "",                "submit", "adjust", "submit"),
    "unit_head":           ("submit", "",              "",                "submit", "adjust", "submit"),
    "other_unit_filler":   (OUT,      OUT,             OUT,               OUT,      OUT,      OUT),
    "dept_reviewer":       ("",       "pass return",   "",                "",       "",       ""),
    "other_dept_reviewer": (OUT,      OUT,             OUT,               OUT,      OUT,      OUT),
    "finance_reviewer":    ("",       "",              "return approve",  "",       "",       ""),
    "admin":               ("",       "",              "",                "",       "",       ""),
    # Segregation of duties: whoever filled the project (a recorded change) decides nothing.
    "dept_reviewer_who_filled":    ("", "return",     "",                "",       "",       ""),
    "finance_reviewer_who_filled": ("", "",           "return",          "",       "",       ""),
}
# fmt: on
ROLE_FIXTURES = {
    "filler": "alice",
    "unit_head": "hank",
    "other_unit_filler": "bob",
    "dept_reviewer": "charlie",
    "other_dept_reviewer": "outsider",
    "finance_reviewer": "fiona",
    "admin": "adam",
    "dept_reviewer_who_filled": "dora",
    "finance_reviewer_who_filled": "fred",
}


def expectation(role: str, state: str, action: str):
    cell = EXPECTED[role][STATES.index(state)]
    if cell == OUT:
        return OUT
    return action in cell.split()


CASES = [
    pytest.param(role, state, action, id=f"{role}-{state}-{action}")
    for role in EXPECTED
    for state in STATES
    for action in ACTIONS
]


@pytest.mark.parametrize(("role", "state", "action"), CASES)
def test_transition_matrix(request, client, project, role, state, action):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    set_status(project, state)
    client.force_login(user)
    expected = expectation(role, state, action)

    response = act(client, project, action)

    project.refresh_from_db()
    events = list(ReviewEvent.objects.filter(project=project))
    if expected == OUT:
        assert response.status_code == 404
        assert project.status == state
        assert events == []
    elif expected:
        assert response.status_code == 302
        assert response["Location"] == reverse("projects:detail", args=[project.pk])
        assert project.status == RESULT[action]
        assert len(events) == 1
        event = events[0]
        assert (event.action, event.from_status, event.to_status, event.actor) == (
            action,
            state,
            RESULT[action],
            user,
        )
    else:
        assert response.status_code == 302
        assert project.status == state
        assert events == []
        assert message_texts(response), "a refusal must tell the user why"
    if action == "submit" and expected is not True:
        assert not ProjectVersion.objects.filter(project=project).exists()


def test_the_table_covers_every_role_and_state():
    assert len(EXPECTED) == 9
    assert all(len(row) == len(STATES) for row in EXPECTED.values())
    assert len(CASES) == 9 * 6 * 5


def test_return_without_reason_is_refused_in_chinese(client, charlie, project):
    set_status(project, S.SUBMITTED)
    client.force_login(charlie)
    response = act(client, project, "return", reason="  ")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED
    assert not ReviewEvent.objects.exists()
    assert message_texts(response) == ["请填写退回理由。"]


def test_finance_return_without_reason_is_refused(client, fiona, project):
    set_status(project, S.DEPT_PASSED)
    client.force_login(fiona)
    response = client.post(reverse("reviews:return", args=[project.pk]), {})
    project.refresh_from_db()
    assert project.status == S.DEPT_PASSED
    assert not ReviewEvent.objects.exists()
    assert "请填写退回理由。" in message_texts(response)


def test_adjust_without_reason_is_refused(client, alice, project):
    set_status(project, S.APPROVED)
    client.force_login(alice)
    response = act(client, project, "adjust", reason="")
    project.refresh_from_db()
    assert project.status == S.APPROVED
    assert "请填写调整理由。" in message_texts(response)


@pytest.mark.parametrize("grade", ["", "E", "优"])
def test_approve_without_a_grade_is_refused(client, fiona, project, grade):
    set_status(project, S.DEPT_PASSED)
    client.force_login(fiona)
    response = act(client, project, "approve", grade=grade)
    project.refresh_from_db()
    assert project.status == S.DEPT_PASSED
    assert project.grade == ""
    assert not ReviewEvent.objects.exists()
    messages = " ".join(message_texts(response))
    if grade:
        assert messages, "an invalid grade is refused with a message"
    else:
        assert "请评定等级（优、良、中、差）。" in messages


def test_approve_records_the_grade(client, fiona, project):
    set_status(project, S.DEPT_PASSED)
    client.force_login(fiona)
    act(client, project, "approve", grade="B", reason="同意")
    project.refresh_from_db()
    assert (project.status, project.grade) == (S.APPROVED, "B")
    assert project.approved_at is not None
    event = ReviewEvent.objects.get(project=project)
    assert (event.grade, event.reason) == ("B", "同意")


def break_current_budget(project):
    """当年预算 no longer equal to 财政拨款 + 其他资金, nor to 金额合计: two errors."""
    project.current_budget = Decimal("900000")
    project.save(update_fields=["current_budget"])
    project_refresh_findings(project=project)
    assert project.error_count >= 1


def test_submit_is_refused_while_the_project_has_errors(client_a, project):
    break_current_budget(project)
    response = act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert not ReviewEvent.objects.exists()
    assert not ProjectVersion.objects.exists()
    messages = message_texts(response)
    assert f"项目还有 {project.error_count} 处错误，改正后才能提交。" in messages

    body = client_a.get(response["Location"]).content.decode()
    assert 'data-code="F_CURRENT_SUM"' in body
    assert "当年预算 900,000.00 不等于财政拨款与其他资金之和 911,000.00" in body
    assert 'data-code="L_TOTAL_VS_BUDGET"' in body
    assert "项目还有" in body  # the disabled button says why


def test_submit_refuses_errors_even_when_stored_counts_lag(client_a, project):
    """The stored error count may be stale (e.g. a taxonomy change): submit re-checks."""
    Project.objects.filter(pk=project.pk).update(current_budget=Decimal("900000"))
    assert Project.objects.get(pk=project.pk).error_count == 0
    response = act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert not ProjectVersion.objects.exists()
    assert "处错误，改正后才能提交" in " ".join(message_texts(response))


def filing_round(project, *, closes_in_days: int, reopened=False):
    today = timezone.localdate()
    return FilingRound.objects.create(
        budget_year=project.budget_year,
        opens_on=today - timedelta(days=30),
        closes_on=today + timedelta(days=closes_in_days),
        reopened=reopened,
    )


def test_submit_is_refused_after_the_filing_round_closed(client_a, project):
    closed = filing_round(project, closes_in_days=-1)
    response = act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert not ReviewEvent.objects.exists()
    (message,) = message_texts(response)
    assert "已于" in message and "截止" in message
    assert f"{closed.closes_on:%Y年%m月%d日}" in message

    closed.reopened = True
    closed.save()
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


def test_submit_is_allowed_on_the_closing_day(client_a, project):
    filing_round(project, closes_in_days=0)
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


def test_submit_is_refused_before_the_filing_round_opens(client_a, project):
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=project.budget_year,
        opens_on=today + timedelta(days=1),
        closes_on=today + timedelta(days=30),
    )
    response = act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert "尚未开放提交" in " ".join(message_texts(response))


@pytest.mark.parametrize("status", [S.RETURNED, S.ADJUSTING])
def test_resubmit_after_return_or_adjustment_is_allowed_after_close(client_a, project, status):
    """The round bounds the first submission; a returned project must be fixable, and an
    adjustment happens during the budget year, long after the filing round."""
    set_status(project, status)
    filing_round(project, closes_in_days=-3)
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


def test_first_submission_after_close_is_refused(client_a, project):
    filing_round(project, closes_in_days=-3)
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.DRAFT


def test_submit_is_allowed_when_no_filing_round_exists(client_a, project):
    assert not FilingRound.objects.filter(budget_year=project.budget_year).exists()
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED
    assert ProjectVersion.objects.get(project=project).number == 1


def test_a_closed_round_of_another_year_does_not_block(client_a, project):
    from apps.budgets.models import BudgetYear

    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=BudgetYear.objects.get(year=2019),
        opens_on=today - timedelta(days=30),
        closes_on=today - timedelta(days=1),
    )
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED


@pytest.mark.parametrize("action", ACTIONS)
def test_actions_are_post_only(client_a, project, action):
    response = client_a.get(reverse(f"reviews:{action}", args=[project.pk]))
    assert response.status_code == 405


@pytest.mark.parametrize("action", ACTIONS)
def test_anonymous_cannot_act(client, project, action):
    response = act(client, project, action)
    project.refresh_from_db()
    assert project.status == S.DRAFT
    assert response.status_code in (302, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    assert not ReviewEvent.objects.exists()


def test_the_full_flow_in_order(client, alice, charlie, fiona, project):
    for user, action, status in [
        (alice, "submit", S.SUBMITTED),
        (charlie, "return", S.RETURNED),
        (alice, "submit", S.SUBMITTED),
        (charlie, "pass", S.DEPT_PASSED),
        (fiona, "return", S.RETURNED),
        (alice, "submit", S.SUBMITTED),
        (charlie, "pass", S.DEPT_PASSED),
        (fiona, "approve", S.APPROVED),
        (alice, "adjust", S.ADJUSTING),
    ]:
        client.force_login(user)
        act(client, project, action)
        project.refresh_from_db()
        assert project.status == status, (user, action)
    assert ReviewEvent.objects.filter(project=project).count() == 9
    assert list(project.versions.values_list("number", flat=True)) == [1, 2, 3]
    assert project.adjustment == 1
