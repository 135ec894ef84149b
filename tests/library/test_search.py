"""The type-ahead search: library entries and the unit's earlier indicators, in Chinese."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from apps.budgets.models import BudgetYear
from apps.library.selectors import suggestions
from tests import factories
from tests.library.conftest import entry


@pytest.fixture
def year2020(reference):
    return BudgetYear.objects.get(year=2020)


@pytest.fixture
def levels(year2020):
    return {
        "数量": factories.level2(year2020, "产出目标", "数量"),
        "满意度": factories.level2(year2020, "影响力目标", "满意度"),
        "质量": factories.level2(year2020, "产出目标", "质量"),
    }


@pytest.fixture
def library(levels, edu, other_department):
    entry(levels["满意度"], "服务对象满意度", comparator="≥", typical_value="90", unit="%")
    entry(levels["满意度"], "受训学员满意度", comparator="≥", typical_value="90", unit="%")
    entry(levels["数量"], "培训人次", comparator="≥", unit="人次", explanation="参训人次合计。")
    entry(levels["质量"], "教师培训合格率", owner=edu, comparator="≥", typical_value="95", unit="%")
    entry(
        levels["质量"],
        "机关培训合格率",
        owner=other_department,
        comparator="≥",
        typical_value="95",
        unit="%",
    )
    entry(
        levels["数量"],
        "停用的培训指标",
        valid_to=date.today() - timedelta(days=1),
    )


def names(items):
    return [s.name for s in items]


def test_prefix_and_middle_of_a_word(project, library):
    assert names(suggestions(project=project, q="服务"))[:1] == ["服务对象满意度"]
    # 满意 is in the middle of both names; both come.
    found = names(suggestions(project=project, q="满意"))
    assert {"服务对象满意度", "受训学员满意度"} <= set(found)
    # A prefix ranks before a match in the middle.
    found = names(suggestions(project=project, q="培训"))
    assert found.index("培训人次") < found.index("教师培训合格率")


def test_only_the_units_department_and_common_tiers_and_active_entries(project, library):
    found = names(suggestions(project=project, q="培训"))
    assert "教师培训合格率" in found  # 教育局's entry for its unit
    assert "机关培训合格率" not in found  # another department's
    assert "停用的培训指标" not in found  # stopped yesterday


def test_the_rows_level_comes_first(project, library, levels):
    found = names(suggestions(project=project, q="培训", level2_id=levels["质量"].id))
    assert found[0] == "教师培训合格率"


def test_the_units_earlier_indicators(project, library, unit_b):
    earlier = factories.ready_project(unit=project.unit, year=2019, name="往年的项目")
    earlier.indicators.filter(name="学校安保负责人满意度").update(target_raw="≥95%")
    factories.ready_project(unit=unit_b, year=2019, name="别的单位")
    found = suggestions(project=project, q="安保")
    mine = [s for s in found if s.source == "earlier"]
    assert [s.name for s in mine] == ["学校安保负责人满意度"]  # once, not per project
    assert mine[0].target == "≥95%" and "2019 年 · 往年的项目" in mine[0].origin
    # The project's own rows are not suggested to it, other units' never.
    assert all("别的单位" not in s.origin for s in found)


def test_blank_and_long_queries(project, library):
    assert suggestions(project=project, q="   ") == []
    assert suggestions(project=project, q="满" * 500) == []


def test_the_fragment_view_scope(client, alice, bob, charlie, project, library):
    url = reverse("projects:library_suggest", args=[project.pk])
    client.force_login(alice)
    response = client.get(url, {"q": "满意"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-name="服务对象满意度"' in html and 'data-target="≥90%"' in html
    for user in (bob, charlie):  # another unit's filler; a reviewer does not fill
        client.force_login(user)
        assert client.get(url, {"q": "满意"}).status_code == 404
    client.force_login(alice)
    assert (
        client.get(reverse("projects:library_suggest", args=[999999]), {"q": "x"}).status_code
        == 404
    )
    assert client.get(url, {"q": "满意", "level2": "abc"}).status_code == 200


def test_the_fragment_costs_a_fixed_number_of_queries(
    client, alice, project, library, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("projects:library_suggest", args=[project.pk])
    with django_assert_max_num_queries(9):
        assert client.get(url, {"q": "培训"}).status_code == 200


@pytest.mark.parametrize("q", ["培训\x00", "\x00", "满\x00意度"])
def test_a_nul_character_in_the_query_is_dropped_not_a_server_error(client_a, project, library, q):
    """PostgreSQL refuses NUL in a text parameter; a pasted or crafted one was a 500."""
    url = reverse("projects:library_suggest", args=[project.pk])
    response = client_a.get(url, {"q": q})
    assert response.status_code == 200
    wanted = q.replace("\x00", "")
    if wanted:
        assert all(wanted in s.name for s in suggestions(project=project, q=q))
        assert suggestions(project=project, q=q)
