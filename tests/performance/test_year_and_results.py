"""The project page's year line, and last year's results by approved indicator id."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from apps.performance.selectors import results_for_indicators
from tests.performance.helpers import FULL, filled, indicator_ids

pytestmark = pytest.mark.django_db


def _line(client, project) -> str:
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    start = page.index('id="year-line"')
    return page[start : page.index("</ol>", start)]


def test_year_line_of_a_draft(client_a, project):
    line = _line(client_a, project)
    assert "未提交" in line and "未批复" in line and "开始绩效自评" not in line


def test_year_line_offers_the_start_once_approved(client_a, approved):
    line = _line(client_a, approved)
    assert "批复</span>" in line and "· 优" in line and 'id="evaluation-start"' in line


def test_year_line_shows_the_score(client_a, client, approved, alice, charlie):
    evaluation = filled(approved, alice, [{"actual": "50%", "reason": "延期"}, *FULL[1:]])
    line = _line(client_a, approved)
    assert f"{evaluation.total_score} 分 · 优" in line
    assert reverse("performance:detail", args=[evaluation.pk]) in line
    client.force_login(charlie)  # a reviewer sees the score, is not offered the start
    assert "开始绩效自评" not in _line(client, approved)


def test_results_for_indicators(approved, alice, django_assert_num_queries):
    filled(approved, alice, [{"actual": "50%", "reason": "延期"}, *FULL[1:]])
    ids = indicator_ids(approved)
    with django_assert_num_queries(1):
        results = results_for_indicators([*ids, 999_999, None])
    assert set(results) == set(ids)
    first, qualitative = results[ids[0]], results[ids[2]]
    assert (first.actual, first.score, first.weight, first.year) == (
        "50%",
        D("8.34"),
        D("16.67"),
        2020,
    )
    assert (qualitative.actual, qualitative.score) == ("达成", D("16.66"))
    assert first.status_label == "草稿"


def test_results_for_no_ids_ask_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert results_for_indicators([]) == {}


def test_year_line_shows_the_monitoring_light(client_a, approved, alice, reference):
    from apps.accounts.models import User
    from tests import factories
    from tests.performance.helpers import monitored, open_round

    fiona = factories.user("fiona", User.Role.FINANCE_REVIEWER)
    monitored(open_round(fiona), approved, alice, executed=D("100000"))
    line = _line(client_a, approved)
    assert "1–6月" in line and "执行率 10.98%" in line and 'data-light="red"' in line


def test_next_years_copy_shows_last_years_result_and_score(client_a, approved, alice):
    """One tree, all year: the 2021 copy of an approved, self-evaluated 2020 project shows,
    beside each copied indicator, last year's target, 完成值 and 得分 — for real, not mocked."""
    from apps.budgets.models import BudgetYear
    from apps.projects.copying import project_copy

    reports = [{"actual": "80%", "reason": "设备到货延迟", "measures": "加强采购"}, *FULL[1:]]
    evaluation = filled(approved, alice, reports)
    copy = project_copy(
        source=approved,
        year=BudgetYear.objects.get(year=2021),
        actor=alice,
        keep_amounts=True,
        name=approved.name,
    ).project
    body = client_a.get(reverse("projects:sheet", args=[copy.pk, "goals"])).content.decode()
    first = evaluation.rows.get(indicator_id=indicator_ids(approved)[0])
    expected_score = f"{first.score:,f}/{first.weight:,f}"
    assert "历史值：=100%　上年完成值：80%　得分：" + expected_score in body
    assert body.count("上年完成值") == approved.indicators.count()
