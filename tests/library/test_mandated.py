"""固化指标: new projects get them; the rules report a missing or weakened one as an error;
the filler adds what is missing; they print like any other row."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.budgets.models import BudgetYear
from apps.checks.rules_mandated import weaker
from apps.history.models import ProjectState
from apps.library.models import Mandated
from apps.projects.models import Project
from apps.projects.selectors import project_findings
from apps.projects.services import project_create
from tests import factories


@pytest.fixture
def year2020(reference):
    return BudgetYear.objects.get(year=2020)


@pytest.fixture
def satisfaction(year2020, edu):
    """教育局 mandates 学校安保负责人满意度 ≥90% for its units' one-off projects."""
    return Mandated.objects.create(
        budget_year=year2020,
        owner=edu,
        category=Project.Category.ONE_OFF,
        level2=factories.level2(year2020, "影响力目标", "满意度"),
        name="学校安保负责人满意度",
        target="≥90%",
        mode=Mandated.Mode.MINIMUM,
    )


@pytest.fixture
def on_time(year2020):
    """Finance mandates 项目按期完成率 =100% for every project, not editable."""
    return Mandated.objects.create(
        budget_year=year2020,
        level2=factories.level2(year2020, "产出目标", "时效"),
        name="项目按期完成率",
        target="=100%",
        mode=Mandated.Mode.FIXED,
        editable=False,
    )


def codes(project):
    return [(f.code, f.anchor) for f in project_findings(project) if f.code.startswith("M_")]


@pytest.mark.parametrize(
    ("required", "given", "weak"),
    [
        ("≥90%", "≥90%", False),
        ("≥90%", "≥95%", False),
        ("≥90%", "=100%", False),
        ("≥90%", "≥85%", True),
        ("≥90%", "≤95%", True),  # the other direction is no promise
        ("≥90%", "90", True),  # a number without its unit is not the same target
        ("≥90%", "满意", True),
        ("≤100%", "≤98%", False),
        ("≤100%", "≤105%", True),
        ("=100%", "=100%", False),
        ("=100%", "≥99%", True),
        ("按期完成", "按期完成", False),
        ("按期完成", "基本完成", True),
    ],
)
def test_weaker(required, given, weak):
    assert weaker(required, given) is weak


def test_a_kept_mandated_indicator_passes(project, satisfaction):
    # factories.ready_project has 学校安保负责人满意度 ≥90% and is a one-off project
    assert codes(project) == []


def test_missing_weakened_and_misplaced(project, satisfaction, on_time):
    found = dict(codes(project))
    assert "M_MISSING" in found  # 项目按期完成率 is not in the tree
    row = project.indicators.get(name="学校安保负责人满意度")
    row.target_raw = "≥80%"
    row.save()
    messages = {f.code: f.message for f in project_findings(project) if f.code.startswith("M_")}
    assert "不得低于“≥90%”" in messages["M_WEAKENED"] and "≥80%" in messages["M_WEAKENED"]
    # Under another level it is still missing where it belongs, and the finding says where.
    row.level2 = factories.level2(project.budget_year, "产出目标", "质量")
    row.target_raw = "≥90%"
    row.save()
    missing = [f for f in project_findings(project) if f.code == "M_MISSING"]
    assert any("应放在“影响力目标/满意度”下" in f.message for f in missing)


def test_category_and_department_scope(project, satisfaction, unit_b, foreign_unit_project):
    project.category = Project.Category.RECURRING
    project.save()
    assert codes(project) == []  # the mandate is for one-off projects
    # Another department's unit is not bound by 教育局's mandate.
    assert codes(foreign_unit_project) == []


@pytest.fixture
def foreign_unit_project(reference):
    from apps.units.models import Unit

    unit = Unit.objects.create(
        code="002009", name="机关的单位", kind=Unit.Kind.UNIT, parent=Unit.objects.get(code="002")
    )
    return factories.ready_project(unit=unit, name="机关项目")


def test_fixed_and_not_editable_must_be_equal(project, on_time):
    row = project.indicators.get(name="平台建设计划完成率")
    row.name, row.level2 = (
        "项目按期完成率",
        factories.level2(project.budget_year, "产出目标", "时效"),
    )
    row.target_raw = "=100%"
    row.save()
    assert codes(project) == []
    row.target_raw = "≥100%"  # stronger-looking, but a fixed value must be kept as set
    row.save()
    assert [c for c, _ in codes(project)] == ["M_WEAKENED"]


def test_new_projects_get_them(unit_a, alice, year2020, satisfaction, on_time):
    project = project_create(unit=unit_a, budget_year=year2020, name="新项目", actor=alice)
    assert list(project.indicators.values_list("name", "target_raw")) == [
        ("项目按期完成率", "=100%")
    ]  # the one-off mandate waits for the category
    other = project_create(
        unit=unit_a,
        budget_year=year2020,
        name="一次性项目",
        category=Project.Category.ONE_OFF,
        actor=alice,
    )
    assert set(other.indicators.values_list("name", flat=True)) == {
        "项目按期完成率",
        "学校安保负责人满意度",
    }
    assert codes(other) == []
    # The history's first state holds the rows (the next write compares with them).
    state = ProjectState.objects.get(project=other).data
    assert {r["name"] for r in state["indicators"]} == {"项目按期完成率", "学校安保负责人满意度"}


def test_the_filler_adds_what_is_missing(client_a, project, satisfaction, on_time):
    page = client_a.get(reverse("projects:detail", args=[project.pk]))
    assert "缺少 1 个固化指标" in page.content.decode()
    url = reverse("projects:mandated_apply", args=[project.pk])
    response = client_a.post(url)
    assert response.status_code == 302
    assert codes(project) == []
    assert project.indicators.filter(name="项目按期完成率", target_raw="=100%").exists()
    client_a.post(url)  # twice: nothing more
    assert project.indicators.filter(name="项目按期完成率").count() == 1


def test_apply_scope(client, bob, charlie, project, on_time):
    url = reverse("projects:mandated_apply", args=[project.pk])
    client.force_login(bob)
    assert client.post(url).status_code == 404
    client.force_login(charlie)  # sees it, may not write it
    assert client.post(url).status_code == 302
    assert not project.indicators.filter(name="项目按期完成率").exists()
    client.force_login(bob)
    assert client.get(url).status_code in (404, 405)


def test_2021_rows_carry_nature_value_unit_and_weight(unit_a, alice, reference, edu):
    year = BudgetYear.objects.get(year=2021)
    Mandated.objects.create(
        budget_year=year,
        owner=edu,
        level2=factories.level2(year, "满意度指标", "服务对象满意度指标"),
        name="服务对象满意度",
        target="≥90%",
        weight=Decimal("10"),
    )
    project = project_create(unit=unit_a, budget_year=year, name="2021 项目", actor=alice)
    row = project.indicators.get()
    assert (row.nature, row.target_value, row.measure_unit, row.weight) == (
        "positive",
        "90",
        "%",
        Decimal("10.00"),
    )
    assert codes(project) == []
    row.weight = Decimal("5")
    row.save()
    assert [c for c, _ in codes(project)] == ["M_WEIGHT"]


def test_printed_like_any_row(client_a, project, on_time):
    client_a.post(reverse("projects:mandated_apply", args=[project.pk]))
    html = client_a.get(reverse("exports:project_print", args=[project.pk])).content.decode()
    assert "项目按期完成率" in html


def test_a_copy_into_a_new_year_gets_that_years_mandated_indicators(alice, project, edu):
    from apps.projects.copying import project_copy

    year = BudgetYear.objects.get(year=2027)
    Mandated.objects.create(
        budget_year=year,
        owner=edu,
        level2=factories.level2(year, "满意度指标", "服务对象满意度指标"),
        name="服务对象满意度",
        target="≥90%",
    )
    result = project_copy(
        source=project, year=year, actor=alice, keep_amounts=True, name=project.name
    )
    assert result.mandated_added == 1
    copy = result.project
    assert copy.indicators.filter(name="服务对象满意度", copied_from__isnull=True).exists()
    assert copy.indicators.count() == project.indicators.count() + 1
    assert codes(copy) == []
