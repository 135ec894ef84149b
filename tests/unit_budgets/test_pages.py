import pytest
from django.urls import reverse

from apps.projects.services import load_project_file
from tests.unit_budgets.conftest import SEED_004

PROJECTS = SEED_004.parent.parent / "projects"


@pytest.fixture
def demo_projects(unit_a, reference):
    return [load_project_file(PROJECTS / f"004{x}.json") for x in "abcd"]


def test_unit_page_shows_tables_explanation_tie_and_findings(
    client_a, book_004, demo_projects, django_assert_max_num_queries
):
    url = reverse("unit_budgets:detail", args=[book_004.unit.pk, 2020])
    with django_assert_max_num_queries(12):
        response = client_a.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    # The eight tables, in the printed layout
    for title in [
        "2020年单位财务收支预算总表",
        "2020年单位收入预算总表",
        "2020年单位支出预算总表",
        "2020年单位财政拨款收支预算总表",
        "2020年单位一般公共预算支出功能分类预算表",
        "2020年单位政府性基金预算支出功能分类预算表",
        "2020年单位一般公共预算基本支出部门预算经济分类预算表",
        "2020年单位“三公”经费和机关运行经费预算表",
    ]:
        assert title in body
    assert "104,733,480.93" in body and "54,233,577.33" in body
    assert "2020年本单位无政府性基金预算" in body
    # The explanation, computed
    assert "预算支出总额为10473.35万元" in body
    assert "本单位编报绩效目标的项目共4个，涉及项目预算资金235.91万元" in body
    # The tie: 4 of the 22 projects are in the demo; the rest is the difference
    assert "2,359,100.00 元" in body
    assert "48,140,803.60 元" in body
    for p in demo_projects:
        assert reverse("projects:detail", args=[p.pk]) in body
    assert 'data-code="UB_PROJECTS_TIE"' in body


def test_unit_page_without_a_budget_invites_filing(client_a, unit_a, codes):
    body = client_a.get(reverse("unit_budgets:detail", args=[unit_a.pk, 2020])).content.decode()
    assert "本单位尚未填报 2020 年单位预算" in body
    assert reverse("unit_budgets:edit", args=[unit_a.pk, 2020]) in body


def test_index_lists_units_and_years(client, charlie, budget_004):
    client.force_login(charlie)
    body = client.get(reverse("unit_budgets:index")).content.decode()
    assert "上海市闵行区教育学院" in body and "上海市闵行区教育信息中心" in body
    assert (
        "已填报" in body and reverse("unit_budgets:detail", args=[budget_004.unit_id, 2020]) in body
    )


def test_print_preview_is_the_tables(client_a, book_004):
    body = client_a.get(
        reverse("unit_budgets:print", args=[book_004.unit.pk, 2020])
    ).content.decode()
    assert body.count('class="sheet sheet-t') == 8
    assert "88,951,768.35" in body


def test_edit_page_renders_every_row(client_a, book_004, django_assert_max_num_queries):
    url = reverse("unit_budgets:edit", args=[book_004.unit.pk, 2020])
    with django_assert_max_num_queries(12):
        body = client_a.get(url).content.decode()
    assert 'name="exp-TOTAL_FORMS" value="27"' in body  # 24 rows + 3 blank
    assert 'name="eco-TOTAL_FORMS" value="48"' in body
    assert "31,539,982.89" in body
