"""Starting, filling and scoring a self-evaluation on the approved indicator tree."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.indicators.models import Indicator
from apps.performance.models import EvaluationRow, SelfEvaluation
from apps.performance.reports import ReportRefused
from apps.performance.services import evaluation_act, evaluation_start
from tests.performance.helpers import FULL, filled, form_post, indicator_ids

pytestmark = pytest.mark.django_db


def test_start_needs_an_approved_version(project, alice):
    with pytest.raises(ReportRefused, match="尚未批复"):
        evaluation_start(project=project, actor=alice)
    assert not SelfEvaluation.objects.exists()


def test_start_makes_one_row_per_approved_indicator_with_default_weights(approved, alice):
    evaluation = evaluation_start(project=approved, actor=alice)
    rows = list(evaluation.rows.order_by("id"))
    assert [r.indicator_id for r in rows] == indicator_ids(approved)
    # Minhang: 产出目标 (3) 50, 效果目标 (1) 30, 影响力目标 (2) 10 of 90 → 50/90 share etc.
    assert [r.weight for r in rows] == [
        D("16.67"),
        D("16.67"),
        D("16.66"),
        D("30.00"),
        D("5.00"),
        D("5.00"),
    ]
    assert (evaluation.budget_full, evaluation.budget_initial) == (D("911000"), D("911000"))
    assert evaluation.error_count > 0  # nothing reported yet
    with pytest.raises(ReportRefused, match="已有绩效自评"):
        evaluation_start(project=approved, actor=alice)


def test_full_marks(approved, alice):
    evaluation = filled(approved, alice)
    assert (evaluation.total_score, evaluation.grade, evaluation.error_count) == (
        D("100.00"),
        "优",
        0,
    )


def test_scores_stored_per_row_and_reason_needed_below_weight(approved, alice):
    reports = [{"actual": "80%"}, *FULL[1:]]
    evaluation = filled(approved, alice, reports, executed=D("455500"))
    first = evaluation.rows.get(indicator_id=indicator_ids(approved)[0])
    # 80/100 × 16.67 = 13.336 → 13.34; budget 455,500/911,000 = 50 % of 10 → 5
    assert (first.weight, first.score) == (D("16.67"), D("13.34"))
    assert evaluation.budget_score == D("5.00")
    assert evaluation.total_score == D("100.00") - D("3.33") - D("5.00")
    assert evaluation.error_count == 1  # 偏差原因 missing on row 1
    with pytest.raises(ReportRefused, match="1 处错误") as refused:
        evaluation_act(evaluation=evaluation, actor=alice, action="submit")
    assert [f.code for f in refused.value.findings] == ["EV_REASON_MISSING"]


def test_the_tree_is_the_approved_one_not_the_live_rows(approved, alice):
    """An adjustment may change the live rows; the evaluation keeps the approved tree."""
    first = approved.indicators.order_by("order").first()
    Indicator.objects.filter(pk=first.pk).update(name="调整后的名称", target_raw="=50%")
    Indicator.objects.create(project=approved, name="新增指标", target_raw="=1", order=99)
    evaluation = filled(approved, alice)
    assert evaluation.rows.count() == 6
    assert evaluation.total_score == D("100.00")


def test_page_save_and_findings_at_their_rows(client_a, approved, alice):
    evaluation = evaluation_start(project=approved, actor=alice)
    url = reverse("performance:detail", args=[evaluation.pk])
    data = form_post(evaluation, approved, [{"actual": "50%", "reason": ""}, *FULL[1:]])
    response = client_a.post(url, data)
    assert response.status_code == 302
    page = client_a.get(url).content.decode()
    assert "须填写偏差原因" in page and 'data-code="EV_REASON_MISSING"' in page
    evaluation.refresh_from_db()
    assert evaluation.rows.get(indicator_id=indicator_ids(approved)[0]).actual == "50%"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("executed", "九十一万", "请填写金额"),
        ("executed", "-5", "不能为负数"),
        ("actual_goal", "字" * 10_001, "最多 10000 个字"),
        ("reason", "字" * 1001, "最多 1000 个字"),
        ("level", "很好", "请选择列出的完成等级"),
    ],
)
def test_bad_input_refused_at_its_field_nothing_saved(
    client_a, approved, alice, field, value, message
):
    evaluation = evaluation_start(project=approved, actor=alice)
    ids = indicator_ids(approved)
    data = form_post(evaluation, approved, FULL)
    if field == "reason":
        data[f"r{ids[0]}-reason"] = value
    elif field == "level":
        data[f"r{ids[2]}-level"] = value
    else:
        data[field] = value
    response = client_a.post(reverse("performance:detail", args=[evaluation.pk]), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.actual_goal == "" and evaluation.executed is None
    assert not EvaluationRow.objects.filter(evaluation=evaluation).exclude(actual="").exists()


def test_live_check_scores_what_is_typed_and_writes_nothing(client_a, approved, alice):
    evaluation = evaluation_start(project=approved, actor=alice)
    data = form_post(evaluation, approved, FULL, executed="455,500")
    response = client_a.post(reverse("performance:check", args=[evaluation.pk]), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert 'id="eval-total">95.00<' in body and 'id="eval-grade">优<' in body
    assert "50.00%" in body
    evaluation.refresh_from_db()
    assert evaluation.total_score == D("0.00")


def test_live_check_of_invalid_input_says_so(client_a, approved, alice):
    evaluation = evaluation_start(project=approved, actor=alice)
    data = form_post(evaluation, approved, FULL, executed="abc")
    body = client_a.post(reverse("performance:check", args=[evaluation.pk]), data).content.decode()
    assert 'data-code="FORM_INVALID"' in body and "请填写金额" in body


def test_filing_weights_used_on_the_2021_form(reference, alice):
    from tests.factories import ready_project
    from tests.performance.helpers import approve

    project = ready_project(unit=alice.unit)
    Indicator.objects.filter(project=project).update(weight=D("15"))
    approve(project, alice)
    evaluation = evaluation_start(project=project, actor=alice)
    assert set(evaluation.rows.values_list("weight", flat=True)) == {D("15.00")}


def test_a_save_from_an_older_page_is_refused_with_the_input_kept(
    client_a, client, approved, alice, hank
):
    from tests.performance.helpers import form_post

    evaluation = evaluation_start(project=approved, actor=alice)
    url = reverse("performance:detail", args=[evaluation.pk])
    old = form_post(evaluation, approved, FULL, actual_goal="alice 的版本。")
    old["revision"] = "0"
    client.force_login(hank)
    hank_data = {**old, "actual_goal": "hank 先保存。"}
    assert client.post(url, hank_data).status_code == 302
    response = client_a.post(url, old)
    page = response.content.decode()
    assert response.status_code == 200 and "已有他人修改" in page and "alice 的版本。" in page
    evaluation.refresh_from_db()
    assert (evaluation.actual_goal, evaluation.revision) == ("hank 先保存。", 1)
    assert 'name="revision" value="1"' in page  # saving again is a deliberate overwrite
    again = {**old, "revision": "1"}
    assert client_a.post(url, again).status_code == 302
    evaluation.refresh_from_db()
    assert (evaluation.actual_goal, evaluation.revision) == ("alice 的版本。", 2)


def test_funding_rows_prefilled_and_checked_against_the_total(client_a, approved, alice):
    evaluation = evaluation_start(project=approved, actor=alice)
    assert (evaluation.fiscal_initial, evaluation.fiscal_full, evaluation.other_full) == (
        D("911000"), D("911000"), D("0"),
    )  # fmt: skip
    data = form_post(evaluation, approved, FULL, fiscal_executed="900,000", other_executed="1,000")
    body = client_a.post(reverse("performance:check", args=[evaluation.pk]), data).content.decode()
    assert 'data-code="EV_FUNDING_SUM"' in body and "901,000.00" in body
    data["other_executed"] = "11,000"
    body = client_a.post(reverse("performance:check", args=[evaluation.pk]), data).content.decode()
    assert "EV_FUNDING_SUM" not in body


def test_an_empty_post_saves_nothing(client_a, approved, alice):
    evaluation = filled(approved, alice)
    response = client_a.post(reverse("performance:detail", args=[evaluation.pk]), {})
    assert response.status_code == 200 and "缺少修订号" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.actual_goal == "年度目标已完成。" and evaluation.total_score == D("100.00")


def test_long_texts_are_kept_whole_and_refused_at_their_field(client_a, approved, alice):
    """No ``maxlength`` on the page (a browser cuts a longer paste there silently): a
    30,000-character text comes back whole with its count, and nothing is saved."""
    import re

    evaluation = evaluation_start(project=approved, actor=alice)
    url = reverse("performance:detail", args=[evaluation.pk])
    assert "maxlength" not in client_a.get(url).content.decode()
    first = indicator_ids(approved)[0]
    long = "字" * 30_000
    for name, message in [
        ("actual_goal", "年度总体目标实际完成情况最多 10000 个字（现有 30000 个）"),
        (f"r{first}-reason", "偏差原因最多 1000 个字（现有 30000 个）"),
        (f"r{first}-actual", "实际完成值最多 200 个字"),
    ]:
        data = form_post(evaluation, approved, FULL)
        data[name] = long
        html = client_a.post(url, data).content.decode()
        assert message in html
        assert re.search(f'>\\s*{long}</textarea>|value="{long}"', html), name
        evaluation.refresh_from_db()
        assert evaluation.revision == 0


def test_another_units_row_ids_in_the_post_change_nothing_of_theirs(
    client_a, approved, alice, bob, unit_b
):
    """The page's fields are named by the approved indicators of this evaluation; fields
    named by another unit's evaluation rows (or any other id) are ignored, never saved."""
    from tests import factories
    from tests.performance.helpers import approve

    theirs = factories.ready_project(unit=unit_b, name="信息中心项目")
    approve(theirs, bob)
    their_evaluation = evaluation_start(project=theirs, actor=bob)
    mine = evaluation_start(project=approved, actor=alice)
    data = form_post(mine, approved, FULL)
    ids = {*indicator_ids(theirs), *their_evaluation.rows.values_list("pk", flat=True)}
    foreign = ids - set(indicator_ids(approved))  # (row pks may equal our indicator ids)
    for pk in foreign:
        data.update({f"r{pk}-actual": "篡改", f"r{pk}-reason": "篡改", f"r{pk}-level": "达成"})
    response = client_a.post(reverse("performance:detail", args=[mine.pk]), data)
    assert response.status_code == 302
    assert not EvaluationRow.objects.filter(actual="篡改").exists()
    assert not EvaluationRow.objects.filter(reason="篡改").exists()
    assert sorted(mine.rows.values_list("indicator_id", flat=True)) == sorted(
        indicator_ids(approved)
    )
    their_evaluation.refresh_from_db()
    assert their_evaluation.revision == 0


def test_a_double_click_on_save_saves_once_and_says_saved(client_a, approved, alice):
    """The second post of a double click carries the same (now older) revision: it was
    refused as “已有他人修改” though nobody else had changed anything. The evaluation
    already holds what it sends, so it is taken as saved; a different text stays refused."""
    evaluation = evaluation_start(project=approved, actor=alice)
    url = reverse("performance:detail", args=[evaluation.pk])
    data = form_post(evaluation, approved, FULL)
    assert client_a.post(url, data).status_code == 302
    second = client_a.post(url, data, follow=True).content.decode()
    assert "已有他人修改" not in second and "已保存" in second
    evaluation.refresh_from_db()
    assert evaluation.revision == 1
    changed = client_a.post(url, {**data, "actual_goal": "另一个版本。"}).content.decode()
    assert "已有他人修改" in changed


def test_a_save_after_a_submit_in_another_tab_keeps_the_input_on_the_page(
    client_a, client, approved, alice, hank
):
    """Alice types; meanwhile the unit head submits in another tab. Her 保存 was refused by a
    redirect that dropped everything she typed; now the page comes back with her input
    (read-only, to copy from) and says nothing was saved."""
    from apps.performance.services import evaluation_act
    from tests.performance.helpers import filled

    evaluation = filled(approved, alice)
    url = reverse("performance:detail", args=[evaluation.pk])
    data = form_post(evaluation, approved, FULL, actual_goal="alice 刚写的一大段完成情况。")
    evaluation_act(evaluation=evaluation, actor=hank, action="submit")
    response = client_a.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "审核期间不能修改" in html and "您的输入仍在页面上" in html
    assert "alice 刚写的一大段完成情况。" in html and "readonly" in html
    assert 'id="evaluation-save"' not in html
    evaluation.refresh_from_db()
    assert evaluation.actual_goal == "年度目标已完成。" and evaluation.status == "submitted"
