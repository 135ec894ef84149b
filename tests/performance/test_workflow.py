"""The report workflow of a self-evaluation: every role × state × action, the edit right,
and scope (other units' ids → 404) on every URL."""

import pytest
from django.urls import reverse
from django.utils.html import escape

from apps.performance.models import EvaluationEvent, SelfEvaluation
from apps.performance.reports import ReportStatus
from tests.performance.helpers import FULL, filled, form_post

pytestmark = pytest.mark.django_db

S = ReportStatus
STATES = [S.DRAFT, S.SUBMITTED, S.DEPT_PASSED, S.RETURNED, S.ACCEPTED]
ACTIONS = ["submit", "pass", "return", "accept"]
RESULT = {"submit": S.SUBMITTED, "pass": S.DEPT_PASSED, "return": S.RETURNED, "accept": S.ACCEPTED}
OUT = 404

# fmt: off
EXPECTED = {
    #                       draft     submitted       dept_passed       returned  accepted
    "filler":              ("submit", "",             "",               "submit", ""),
    "unit_head":           ("submit", "",             "",               "submit", ""),
    "other_unit_filler":   (OUT,      OUT,            OUT,              OUT,      OUT),
    "dept_reviewer":       ("",       "pass return",  "",               "",       ""),
    "other_dept_reviewer": (OUT,      OUT,            OUT,              OUT,      OUT),
    "finance_reviewer":    ("",       "",             "return accept",  "",       ""),
    "admin":               ("",       "",             "",               "",       ""),
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
}


def _expect(role, state, action):
    cell = EXPECTED[role][STATES.index(state)]
    return OUT if cell == OUT else action in cell.split()


@pytest.fixture
def evaluation(approved, alice):
    return filled(approved, alice)


def set_state(evaluation, state):
    SelfEvaluation.objects.filter(pk=evaluation.pk).update(status=state)
    evaluation.refresh_from_db()
    return evaluation


@pytest.mark.parametrize(
    ("role", "state", "action"),
    [pytest.param(r, s, a, id=f"{r}-{s}-{a}") for r in EXPECTED for s in STATES for a in ACTIONS],
)
def test_transition_matrix(request, client, evaluation, role, state, action):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    set_state(evaluation, state)
    client.force_login(user)
    url = reverse("performance:action", args=[evaluation.pk, action])
    response = client.post(url, {f"{action}-reason": "理由"})
    evaluation.refresh_from_db()
    expected = _expect(role, state, action)
    if expected == OUT:
        assert response.status_code == 404
        assert evaluation.status == state
    elif expected:
        assert response.status_code == 302
        assert evaluation.status == RESULT[action]
        event = EvaluationEvent.objects.get(evaluation=evaluation)
        assert (event.actor, event.from_status, event.to_status) == (user, state, RESULT[action])
    else:
        assert response.status_code == 302
        assert evaluation.status == state
        assert not EvaluationEvent.objects.exists()


@pytest.mark.parametrize(
    ("role", "state"),
    [pytest.param(r, s, id=f"{r}-{s}") for r in EXPECTED for s in STATES],
)
def test_edit_matrix(request, client, evaluation, approved, role, state):
    """Only the unit writes, and only while it is a draft or returned."""
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    set_state(evaluation, state)
    client.force_login(user)
    data = form_post(evaluation, approved, FULL, actual_goal="改过的完成情况。")
    response = client.post(reverse("performance:detail", args=[evaluation.pk]), data)
    evaluation.refresh_from_db()
    cell = EXPECTED[role][STATES.index(state)]
    unit = role in ("filler", "unit_head")
    may = unit and state in (S.DRAFT, S.RETURNED)
    if cell == OUT:
        assert response.status_code == 404
    else:  # the unit's refused post comes back with its input kept; others are sent back
        assert response.status_code == (200 if unit and not may else 302)
    assert (evaluation.actual_goal == "改过的完成情况。") is may


def test_return_needs_a_reason(client, evaluation, charlie):
    set_state(evaluation, S.SUBMITTED)
    client.force_login(charlie)
    client.post(
        reverse("performance:action", args=[evaluation.pk, "return"]), {"return-reason": " "}
    )
    evaluation.refresh_from_db()
    assert evaluation.status == S.SUBMITTED


def test_the_submitter_may_not_pass(client, evaluation, charlie):
    """Segregation of duties: whoever submitted decides nothing on it."""
    set_state(evaluation, S.SUBMITTED)
    EvaluationEvent.objects.create(
        evaluation=evaluation,
        actor=charlie,
        action="submit",
        from_status="draft",
        to_status="submitted",
    )
    client.force_login(charlie)
    response = client.post(reverse("performance:action", args=[evaluation.pk, "pass"]))
    evaluation.refresh_from_db()
    assert evaluation.status == S.SUBMITTED
    page = client.get(response.url).content.decode()
    assert "不相容岗位" in page


def test_full_round_with_history(client, evaluation, alice, charlie, fiona):
    for user, action in [(alice, "submit"), (charlie, "pass"), (fiona, "return"), (alice, "submit"),
                         (charlie, "pass"), (fiona, "accept")]:  # fmt: skip
        client.force_login(user)
        client.post(
            reverse("performance:action", args=[evaluation.pk, action]),
            {f"{action}-reason": "请补充"},
        )
    evaluation.refresh_from_db()
    assert evaluation.status == S.ACCEPTED
    events = list(evaluation.events.order_by("id").values_list("action", "to_status"))
    assert [a for a, _ in events] == ["submit", "pass", "return", "submit", "pass", "accept"]
    page = client.get(reverse("performance:detail", args=[evaluation.pk])).content.decode()
    assert "请补充" in page and "财政已审核" in page


def test_unknown_action_refused(client_a, evaluation):
    response = client_a.post(reverse("performance:action", args=[evaluation.pk, "approve"]))
    assert response.status_code == 302
    evaluation.refresh_from_db()
    assert evaluation.status == S.DRAFT


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize(
    ("name", "method"),
    [("detail", "get"), ("detail", "post"), ("check", "post"), ("print", "get"),
     ("pdf", "get"), ("xlsx", "get")],
)  # fmt: skip
def test_other_units_ids_are_404(request, client, evaluation, who, name, method):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(reverse(f"performance:{name}", args=[evaluation.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["bob", "outsider"])
def test_start_on_another_units_project_is_404(request, client, approved, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("performance:start", args=[approved.pk]))
    assert response.status_code == 404
    assert not SelfEvaluation.objects.exists()


@pytest.mark.parametrize("who", ["charlie", "fiona", "adam"])
def test_only_the_unit_starts(request, client, approved, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("performance:start", args=[approved.pk]))
    assert response.status_code == 302
    assert not SelfEvaluation.objects.exists()


def test_start_is_post_only(client_a, approved):
    assert client_a.get(reverse("performance:start", args=[approved.pk])).status_code == 405


@pytest.mark.parametrize("who", ["alice", "hank"])
def test_unit_starts(request, client, approved, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("performance:start", args=[approved.pk]))
    evaluation = SelfEvaluation.objects.get()
    assert response.url == reverse("performance:detail", args=[evaluation.pk])


def test_list_is_scoped(client, evaluation, bob, charlie, outsider):
    for user, sees in [(bob, False), (outsider, False), (charlie, True)]:
        client.force_login(user)
        page = client.get(reverse("performance:list")).content.decode()
        assert (evaluation.project.name in page) is sees


def test_each_step_notifies_the_next(evaluation, alice, hank, charlie, outsider, fiona):
    from apps.performance.services import evaluation_act
    from apps.reviews.models import Notification

    def inbox(user):
        return list(Notification.objects.filter(recipient=user).values_list("message", flat=True))

    evaluation_act(evaluation=evaluation, actor=alice, action="submit")
    assert any("绩效自评已提交，等待您审核" in m for m in inbox(charlie))
    assert inbox(outsider) == [] and inbox(fiona) == []
    evaluation_act(evaluation=evaluation, actor=charlie, action="pass")
    assert any("已通过主管部门审核" in m for m in inbox(fiona))
    evaluation_act(evaluation=evaluation, actor=fiona, action="return", reason="请补充佐证")
    assert any("绩效自评被财政审核人退回：请补充佐证" in m for m in inbox(hank))


def test_waiting_for_me(client, evaluation, charlie, fiona):
    url = reverse("performance:list")
    name = evaluation.project.name
    client.force_login(charlie)
    assert name not in client.get(url, {"waiting": "1"}).content.decode()  # a draft
    set_state(evaluation, S.SUBMITTED)
    assert name in client.get(url, {"waiting": "1"}).content.decode()
    client.force_login(fiona)
    assert name not in client.get(url, {"waiting": "1"}).content.decode()
    assert name in client.get(url).content.decode()


@pytest.mark.parametrize(
    ("reason", "message"),
    [("请\x00改正", "空字符"), ("理" * 30_000, "意见最多 2000 个字（现有 30000 个）")],
)
def test_a_reason_that_cannot_be_kept_is_refused_in_chinese(
    client, evaluation, charlie, fiona, approved, alice, reason, message
):
    """意见 with a NUL character (PostgreSQL refuses it in text) was a 500; a too long one was
    refused and dropped (and the box cut a longer paste silently). Now both are refused with
    the reason in Chinese and the text kept whole, on the 自评 and the 运行监控 report."""
    from tests.performance.helpers import monitored, open_round

    set_state(evaluation, S.SUBMITTED)
    report = monitored(open_round(fiona), approved, alice)
    report.status = S.SUBMITTED
    report.save(update_fields=["status"])
    client.force_login(charlie)
    for name, obj in (("performance:action", evaluation), ("performance:report_action", report)):
        response = client.post(
            reverse(name, args=[obj.pk, "return"]), {"return-reason": reason}, follow=True
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert message in html
        assert escape(reason) in html  # kept whole in its box, to shorten and send again
        obj.refresh_from_db()
        assert obj.status == S.SUBMITTED and not obj.events.filter(action="return").exists()


def test_an_action_from_a_page_older_than_the_last_step_is_refused(
    client, evaluation, alice, charlie
):
    """Tab 1 shows the draft; the unit submits in tab 2 and the department returns it. 提交
    from tab 1 re-submitted without the return reason ever shown; now it is refused until
    the page is reloaded (its form says which step it saw), and double 提交 stays refused."""
    import re

    url = reverse("performance:detail", args=[evaluation.pk])
    client.force_login(alice)
    old_tab = client.get(url).content.decode()
    seen = re.search(r'name="submit-seen" value="(\d+)"', old_tab).group(1)
    submit = reverse("performance:action", args=[evaluation.pk, "submit"])
    assert client.post(submit, {"submit-seen": seen}).status_code == 302
    client.force_login(charlie)
    back = reverse("performance:action", args=[evaluation.pk, "return"])
    client.post(back, {"return-reason": "请补充偏差原因。", "return-seen": "999999"})
    assert SelfEvaluation.objects.get(pk=evaluation.pk).status == S.SUBMITTED  # stale too
    fresh = re.search(r'name="return-seen" value="(\d+)"', client.get(url).content.decode())
    client.post(back, {"return-reason": "请补充偏差原因。", "return-seen": fresh.group(1)})
    assert SelfEvaluation.objects.get(pk=evaluation.pk).status == S.RETURNED
    client.force_login(alice)
    html = client.post(submit, {"submit-seen": seen}, follow=True).content.decode()
    assert "已有新的审核操作" in html and "当前状态：已退回" in html
    assert SelfEvaluation.objects.get(pk=evaluation.pk).status == S.RETURNED
    assert EvaluationEvent.objects.filter(evaluation=evaluation, action="submit").count() == 1
    reloaded = re.search(r'name="submit-seen" value="(\d+)"', client.get(url).content.decode())
    assert client.post(submit, {"submit-seen": reloaded.group(1)}).status_code == 302
    assert SelfEvaluation.objects.get(pk=evaluation.pk).status == S.SUBMITTED
