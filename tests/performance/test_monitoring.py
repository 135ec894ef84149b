"""运行监控: rounds, reports on the approved tree, lights, workflow and scope."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.performance.models import MonitoringEvent, MonitoringReport, MonitoringRound
from apps.performance.monitoring import monitoring_act
from apps.performance.reports import ReportRefused, ReportStatus
from tests.performance.helpers import indicator_ids, monitored, open_round
from tests.performance.test_workflow import (
    ACTIONS,
    EXPECTED,
    RESULT,
    ROLE_FIXTURES,
    STATES,
    _expect,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_(fiona):
    return open_round(fiona)


@pytest.fixture
def report(round_, approved, alice):
    return monitored(round_, approved, alice)


def test_only_finance_opens_a_round(client, alice, charlie, adam, fiona, reference):
    data = {"budget_year": "", "label": "1–6月", "due_on": "2020-07-15", "expected_rate": "50",
            "yellow_lag": "10", "red_lag": "20", "unmet_light": "red", "blank_reason_light": "yellow"}  # fmt: skip
    from apps.budgets.models import BudgetYear

    data["budget_year"] = BudgetYear.objects.get(year=2020).pk
    for user in (alice, charlie, adam):
        client.force_login(user)
        client.post(reverse("performance:rounds"), data)
    assert not MonitoringRound.objects.exists()
    client.force_login(fiona)
    response = client.post(reverse("performance:rounds"), data)
    assert MonitoringRound.objects.get().label == "1–6月"
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("expected_rate", "120", "0 到 100"),
        ("red_lag", "5", "不能小于黄灯"),
        ("due_on", "七月", "请填写日期"),
    ],
)
def test_round_form_refuses_at_the_field(client, fiona, reference, field, value, message):
    from apps.budgets.models import BudgetYear

    data = {"budget_year": BudgetYear.objects.get(year=2020).pk, "label": "1–8月", "due_on": "2020-09-15",
            "expected_rate": "66.67", "yellow_lag": "10", "red_lag": "20", "unmet_light": "red",
            "blank_reason_light": "yellow", field: value}  # fmt: skip
    client.force_login(fiona)
    response = client.post(reverse("performance:rounds"), data)
    assert response.status_code == 200 and message in response.content.decode()
    assert not MonitoringRound.objects.exists()


def test_report_rate_and_light_stored(report):
    assert (report.budget, report.execution_rate, report.light, report.error_count) == (
        D("911000.00"), D("50.00"), "green", 0,
    )  # fmt: skip


def test_behind_schedule_and_unmet(round_, approved, alice):
    report = monitored(
        round_, approved, alice, forecasts=("no",) + ("yes",) * 5, executed=D("300000")
    )
    # 300,000 / 911,000 = 32.93 %: 17.07 points behind → yellow; predicted unmet → red
    assert (report.execution_rate, report.light) == (D("32.93"), "red")
    assert report.error_count == 2  # 偏差原因 and 纠偏措施 missing
    with pytest.raises(ReportRefused, match="2 处错误"):
        monitoring_act(report=report, actor=alice, action="submit")


def test_report_reads_the_approved_tree(report, approved):
    assert sorted(report.rows.values_list("indicator_id", flat=True)) == sorted(
        indicator_ids(approved)
    )


def test_one_report_per_round_and_project(round_, approved, alice, report):
    from apps.performance.monitoring import monitoring_start

    with pytest.raises(ReportRefused, match="已填报"):
        monitoring_start(round_=round_, project=approved, actor=alice)


def test_unapproved_project_cannot_report(round_, project, alice):
    from apps.performance.monitoring import monitoring_start

    with pytest.raises(ReportRefused, match="尚未批复"):
        monitoring_start(round_=round_, project=project, actor=alice)


def test_round_page_lists_projects_and_unit_lights(client, report, alice, bob, charlie, approved):
    for user, sees in [(charlie, True), (alice, True), (bob, False)]:
        client.force_login(user)
        page = client.get(reverse("performance:round", args=[report.round_id])).content.decode()
        assert (approved.name in page) is sees
        assert ('data-light="green"' in page) is sees


def test_page_save_and_live_check(client_a, round_, approved, alice):
    from apps.performance.monitoring import monitoring_start

    report = monitoring_start(round_=round_, project=approved, actor=alice)
    ids = indicator_ids(approved)
    data = {"executed": "91,100", "revision": "0"}
    for pk in ids:
        data.update({f"m{pk}-progress": "10%", f"m{pk}-forecast": "yes"})
    body = client_a.post(
        reverse("performance:report_check", args=[report.pk]), data
    ).content.decode()
    assert 'data-light="red"' in body and "10.00%" in body  # 40 points behind
    data[f"m{ids[0]}-forecast"] = "maybe"
    body = client_a.post(
        reverse("performance:report_check", args=[report.pk]), data
    ).content.decode()
    assert "FORM_INVALID" in body
    data[f"m{ids[0]}-forecast"] = "yes"
    assert client_a.post(reverse("performance:report", args=[report.pk]), data).status_code == 302
    report.refresh_from_db()
    assert (report.execution_rate, report.light, report.error_count) == (D("10.00"), "red", 0)


@pytest.mark.parametrize(
    ("role", "state", "action"),
    [pytest.param(r, s, a, id=f"{r}-{s}-{a}") for r in EXPECTED for s in STATES for a in ACTIONS],
)
def test_transition_matrix(request, client, report, role, state, action):
    user = request.getfixturevalue(ROLE_FIXTURES[role])
    MonitoringReport.objects.filter(pk=report.pk).update(status=state)
    client.force_login(user)
    response = client.post(
        reverse("performance:report_action", args=[report.pk, action]), {f"{action}-reason": "理由"}
    )
    report.refresh_from_db()
    expected = _expect(role, state, action)
    if expected == 404:
        assert response.status_code == 404 and report.status == state
    elif expected:
        assert report.status == RESULT[action]
        assert MonitoringEvent.objects.get(report=report).to_status == RESULT[action]
    else:
        assert response.status_code == 302 and report.status == state
        assert not MonitoringEvent.objects.exists()


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize(
    "state", [ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.RETURNED]
)
def test_edit_matrix(request, client, report, approved, role, state):
    MonitoringReport.objects.filter(pk=report.pk).update(status=state)
    client.force_login(request.getfixturevalue(ROLE_FIXTURES[role]))
    data = {"executed": "1", "revision": str(report.revision)}
    for pk in indicator_ids(approved):
        data.update({f"m{pk}-progress": "60%", f"m{pk}-forecast": "yes"})
    response = client.post(reverse("performance:report", args=[report.pk]), data)
    report.refresh_from_db()
    hidden = EXPECTED[role][0] == 404
    unit = role in ("filler", "unit_head")
    may = unit and state != ReportStatus.SUBMITTED
    kept = unit and not may  # the unit's refused post comes back with its input kept
    assert response.status_code == (404 if hidden else 200 if kept else 302)
    assert (report.executed == D("1")) is may


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize(
    ("name", "method"), [("report", "get"), ("report", "post"), ("report_check", "post")]
)
def test_other_units_ids_are_404(request, client, report, who, name, method):
    client.force_login(request.getfixturevalue(who))
    response = getattr(client, method)(reverse(f"performance:{name}", args=[report.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("who", ["bob", "outsider"])
def test_start_on_another_units_project_is_404(request, client, round_, approved, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("performance:report_start", args=[round_.pk, approved.pk]))
    assert response.status_code == 404
    assert not MonitoringReport.objects.exists()


def test_round_pages_constant_queries(client, round_, fiona, alice, charlie, approved):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests import factories
    from tests.performance.helpers import approve

    monitored(round_, approved, alice)
    client.force_login(charlie)
    url = reverse("performance:round", args=[round_.pk])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for i in range(4):
        p = factories.ready_project(unit=alice.unit, name=f"项目{i}")
        approve(p, alice)
        monitored(round_, p, alice)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    assert len(one.captured_queries) == len(five.captured_queries)


def test_an_absurd_execution_is_kept_within_the_column(round_, project, alice):
    from apps.projects.models import Project
    from tests.performance.helpers import approve

    Project.objects.filter(pk=project.pk).update(current_budget=D("0.01"))
    project.refresh_from_db()
    approve(project, alice)
    report = monitored(round_, project, alice, executed=D("9999999999999999.99"))
    assert report.execution_rate == D("9999999.99")
    report.refresh_from_db()
    assert report.light == "green"  # far ahead of the schedule; the over-budget warning says why


def test_monitoring_save_from_an_older_page_is_refused(client_a, report, approved):
    data = {"executed": "1", "revision": str(report.revision - 1)}
    for pk in indicator_ids(approved):
        data.update({f"m{pk}-progress": "60%", f"m{pk}-forecast": "yes"})
    response = client_a.post(reverse("performance:report", args=[report.pk]), data)
    assert response.status_code == 200 and "已有他人修改" in response.content.decode()
    report.refresh_from_db()
    assert report.executed == D("455500")


def test_a_post_without_revision_saves_nothing(client_a, report):
    response = client_a.post(reverse("performance:report", args=[report.pk]), {})
    assert response.status_code == 200 and "缺少修订号" in response.content.decode()
    report.refresh_from_db()
    assert report.executed == D("455500")


def test_long_texts_are_kept_whole_and_refused_at_their_field(client_a, report, approved):
    """No ``maxlength`` on the report or the round form (a browser cuts a longer paste
    silently): a 30,000-character 偏差原因 comes back whole with its count, nothing saved."""
    url = reverse("performance:report", args=[report.pk])
    assert "maxlength" not in client_a.get(url).content.decode()
    ids = indicator_ids(approved)
    data = {"executed": "455,500", "revision": str(report.revision)}
    for pk in ids:
        data.update({f"m{pk}-progress": "50%", f"m{pk}-forecast": "yes"})
    long = "因" * 30_000
    data[f"m{ids[0]}-reason"] = long
    html = client_a.post(url, data).content.decode()
    assert "偏差原因最多 1000 个字（现有 30000 个）" in html and long in html
    before = report.revision
    report.refresh_from_db()
    assert report.revision == before


def test_the_round_form_has_no_maxlength(client, fiona):
    client.force_login(fiona)
    assert "maxlength" not in client.get(reverse("performance:rounds")).content.decode()


def test_a_round_opened_twice_at_once_is_refused_in_chinese(client, fiona, reference):
    """Two tabs open the same period: both forms pass validate_unique, the second create
    hit the constraint as a 500; now it is refused at the form, one round made."""
    from apps.budgets.models import BudgetYear
    from apps.performance.forms import RoundForm
    from apps.performance.monitoring import monitoring_round_open

    data = {
        "budget_year": BudgetYear.objects.get(year=2020).pk,
        "label": "1–6月",
        "due_on": "2020-07-15",
        "expected_rate": "50",
        "yellow_lag": "10",
        "red_lag": "20",
        "unmet_light": "yellow",
        "blank_reason_light": "yellow",
    }
    tabs = [RoundForm(data) for _ in range(2)]
    assert all(tab.is_valid() for tab in tabs)
    monitoring_round_open(actor=fiona, **tabs[0].cleaned_data)
    with pytest.raises(ReportRefused, match="已有同名的监控期间"):
        monitoring_round_open(actor=fiona, **tabs[1].cleaned_data)
    assert MonitoringRound.objects.count() == 1


def test_a_monitoring_action_from_a_stale_page_is_refused(client_a, report):
    """The same guard as the 自评's (reports.check_seen): a page that showed no step yet
    may not act once one happened."""
    from apps.performance.models import MonitoringEvent

    MonitoringEvent.objects.create(
        report=report, actor=report.created_by, action="submit", from_status="draft",
        to_status="submitted",
    )  # fmt: skip
    MonitoringReport.objects.filter(pk=report.pk).update(status=ReportStatus.RETURNED)
    submit = reverse("performance:report_action", args=[report.pk, "submit"])
    html = client_a.post(submit, {"submit-seen": "0"}, follow=True).content.decode()
    assert "已有新的审核操作" in html
    assert MonitoringReport.objects.get(pk=report.pk).status == ReportStatus.RETURNED


def test_a_double_click_on_save_of_a_report_saves_once(client_a, report, approved):
    url = reverse("performance:report", args=[report.pk])
    data = {"executed": "455,500", "revision": str(report.revision)}
    for pk in indicator_ids(approved):
        data.update({f"m{pk}-progress": "60%", f"m{pk}-forecast": "yes"})
    assert client_a.post(url, data).status_code == 302
    second = client_a.post(url, data, follow=True).content.decode()
    assert "已有他人修改" not in second and "已保存" in second
    before = report.revision
    report.refresh_from_db()
    assert report.revision == before + 1
    changed = client_a.post(url, {**data, "executed": "1"}).content.decode()
    assert "已有他人修改" in changed


def test_a_report_save_after_a_submit_elsewhere_keeps_the_input(client_a, report, approved):
    from apps.performance.monitoring import monitoring_act

    ids = indicator_ids(approved)
    data = {"executed": "455,500", "revision": str(report.revision)}
    for pk in ids:
        data.update({f"m{pk}-progress": "50%", f"m{pk}-forecast": "yes"})
    data[f"m{ids[0]}-measures"] = "刚写的纠偏措施"
    monitoring_act(report=report, actor=report.created_by, action="submit")
    html = client_a.post(reverse("performance:report", args=[report.pk]), data).content.decode()
    assert "您的输入仍在页面上" in html and "刚写的纠偏措施" in html
    assert not report.rows.filter(measures="刚写的纠偏措施").exists()
