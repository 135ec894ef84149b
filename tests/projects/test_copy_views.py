"""The copy pages for every role: the unit's own filler and unit head copy; another unit's
filler and an outside reviewer get 404; reviewers who see the unit and admins get 403;
nothing is written by a refused request. The goals sheet shows 历史值."""

from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.checks.findings import Sheet
from apps.projects.copying import project_copy
from apps.projects.models import Project
from tests import factories


def copy_url(project, same=False):
    return reverse("projects:copy", args=[project.pk]) + ("?same=1" if same else "")


def post_data(year=2021, name="新项目", amounts="clear"):
    return {"budget_year": BudgetYear.objects.get(year=year).pk, "name": name, "amounts": amounts}


@pytest.fixture
def head_a(unit_a):
    return factories.user("hank", User.Role.UNIT_HEAD, unit_a)


@pytest.fixture
def admin(reference):
    return factories.user("root", User.Role.ADMIN)


@pytest.fixture
def finance(reference):
    return factories.user("fiona", User.Role.FINANCE_REVIEWER)


def test_filler_copies_into_the_next_year_and_sees_the_result(client_a, project):
    page = client_a.get(copy_url(project)).content.decode()
    assert "复制到新年度" in page and 'value="安全集成管理平台"' in page
    response = client_a.post(copy_url(project), post_data(name=project.name, amounts="keep"))
    copy = Project.objects.get(budget_year__year=2021)
    assert response.status_code == 302
    assert (
        response["Location"] == reverse("projects:copied", args=[copy.pk]) + f"?from={project.pk}"
    )
    body = client_a.get(response["Location"]).content.decode()
    assert "复制结果" in body and "待归类的指标" in body and "系统的解读" in body
    assert "效果目标" in body and 'id="copy-misfits"' in body  # listed to be placed
    assert "分值、指标解释" in body
    assert copy.current_budget == project.current_budget


def test_unit_head_may_copy_too(client, head_a, project):
    client.force_login(head_a)
    response = client.post(copy_url(project, same=True), post_data(year=2020, name="第二期"))
    assert response.status_code == 302
    assert Project.objects.filter(name="第二期", budget_year__year=2020).exists()


def test_project_page_shows_the_copy_buttons_only_to_whoever_may_copy(
    client, alice, charlie, project
):
    client.force_login(alice)
    assert (
        'id="copy-year"'
        in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    )
    client.force_login(charlie)
    assert (
        'id="copy-year"'
        not in client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    )


def test_same_name_in_the_same_year_is_an_error_at_the_name_field(client_a, project):
    initial = client_a.get(copy_url(project, same=True)).context["form"].initial
    assert initial == {"budget_year": project.budget_year, "name": ""}  # a new name to type
    response = client_a.post(copy_url(project, same=True), post_data(year=2020, name=project.name))
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"name": ["本单位该年度已有同名项目。"]}
    assert "本单位该年度已有同名项目。" in response.content.decode()
    response = client_a.post(copy_url(project, same=True), post_data(year=2020, name="   "))
    assert response.context["form"].errors == {"name": ["请填写新项目的名称。"]}
    assert Project.objects.count() == 1


def test_an_earlier_year_is_not_offered(client_a, project):
    response = client_a.post(copy_url(project), post_data(year=2019))
    assert "budget_year" in response.context["form"].errors
    assert Project.objects.count() == 1


def test_other_units_filler_and_outside_reviewer_get_404(client, bob, outsider, project):
    for user in (bob, outsider):
        client.force_login(user)
        assert client.get(copy_url(project)).status_code == 404
        assert client.post(copy_url(project), post_data()).status_code == 404
    assert Project.objects.count() == 1


@pytest.mark.parametrize("who", ["charlie", "finance", "admin"])
def test_reviewers_and_admins_may_see_but_not_copy(client, request, project, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("projects:detail", args=[project.pk])).status_code == 200
    assert client.get(copy_url(project)).status_code == 403
    assert client.post(copy_url(project), post_data()).status_code == 403
    assert Project.objects.count() == 1


def test_anonymous_is_sent_to_the_login(client, project):
    response = client.get(copy_url(project))
    assert response.status_code == 302 and "login" in response["Location"]


def test_result_page_scope(client, alice, bob, project):
    copy = project_copy(
        source=project,
        year=BudgetYear.objects.get(year=2021),
        actor=alice,
        keep_amounts=True,
        name="x",
    ).project
    url = reverse("projects:copied", args=[copy.pk])
    client.force_login(bob)
    assert client.get(f"{url}?from={project.pk}").status_code == 404
    other = factories.ready_project(unit=bob.unit, name="B 的项目")
    client.force_login(alice)
    assert client.get(f"{url}?from={other.pk}").status_code == 404
    assert client.get(url).status_code == 404
    assert client.get(f"{url}?from=abc").status_code == 404
    assert client.get(f"{url}?from={project.pk}").status_code == 200


def goals(client, project):
    return client.get(reverse("projects:sheet", args=[project.pk, Sheet.GOALS]))


def test_goals_sheet_shows_last_years_target_beside_each_copied_row(client_a, alice, project):
    copy = project_copy(
        source=project,
        year=BudgetYear.objects.get(year=2021),
        actor=alice,
        keep_amounts=True,
        name="x",
    ).project
    body = goals(client_a, copy).content.decode()
    assert body.count('class="history-value') == project.indicators.count()
    assert "历史值：≥90%" in body and "历史值：与计划相符" in body
    assert "history-value" not in goals(client_a, project).content.decode()
    assert 'title="2020 年的目标值"' in body
    # A copy within the year keeps its source rows, but they are no history.
    sibling = project_copy(
        source=project, year=project.budget_year, actor=alice, keep_amounts=True, name="y"
    ).project
    assert sibling.indicators.filter(copied_from__isnull=False).count() == 6
    assert "history-value" not in goals(client_a, sibling).content.decode()


def test_history_values_cost_one_query_whatever_the_rows(client_a, alice):
    year = BudgetYear.objects.get(year=2021)
    small = factories.ready_project(unit=alice.unit, name="小项目")
    big = factories.ready_project(
        unit=alice.unit,
        name="大项目",
        indicators=factories.MINHANG_ROWS * 10,
        lines=[(Decimal("100"), Decimal("50"), Decimal("2"))] * 40,
    )
    counts = []
    for source in (small, big):
        copy = project_copy(
            source=source, year=year, actor=alice, keep_amounts=True, name=source.name + "2"
        ).project
        with CaptureQueriesContext(connection) as ctx:
            assert goals(client_a, copy).status_code == 200
        counts.append(len(ctx.captured_queries))
        with CaptureQueriesContext(connection) as plain:
            assert goals(client_a, source).status_code == 200
        # The source rows' 目标值, and last year's 完成值 (self-evaluation).
        assert len(ctx.captured_queries) == len(plain.captured_queries) + 2
    assert counts[0] == counts[1]


def test_last_years_result_shows_beside_the_history_value(client_a, alice, project, monkeypatch):
    from apps.pages import copy_views

    copy = project_copy(
        source=project,
        year=BudgetYear.objects.get(year=2021),
        actor=alice,
        keep_amounts=True,
        name="x",
    ).project
    source_row = project.indicators.get(name="学校安保负责人满意度")
    asked = []

    def results(ids):
        asked.append(sorted(ids))
        return {source_row.pk: SimpleNamespace(actual="93%")}

    monkeypatch.setattr(copy_views, "results_for_indicators", results)
    body = goals(client_a, copy).content.decode()
    assert asked == [sorted(project.indicators.values_list("pk", flat=True))]
    assert body.count("上年完成值") == 1
    assert "历史值：≥90%　上年完成值：93%" in body
