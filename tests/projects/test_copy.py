"""复制上年 / 复制为新项目 over every demo project: every declared field and column copied or
deliberately cleared, compared snapshot against snapshot, column by column, per row."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.history.models import Change, ProjectState
from apps.indicators.models import Indicator
from apps.indicators.targets import compose_target, parse_target
from apps.projects.copying import (
    ALWAYS_CLEARED,
    AMOUNT_FIELDS,
    LINE_AMOUNT_COLUMNS,
    CopyRefused,
    copy_dates,
    project_copy,
)
from apps.projects.history import project_for_snapshot
from apps.projects.models import Project, SubProject
from apps.projects.services import load_project_file
from apps.sheets import schema
from apps.sheets.snapshot import project_snapshot, row_keys
from apps.sheets.values import to_json
from apps.units.models import Unit
from tests import factories

DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("*.json"))
DERIVED_2021 = {"nature", "target_value", "measure_unit", "target_raw"}


def filler_of(unit: Unit) -> User:
    return User.objects.get_or_create(
        username=f"filler-{unit.code}", defaults={"role": User.Role.FILLER, "unit": unit}
    )[0]


def next_year(year: int) -> BudgetYear:
    return BudgetYear.objects.filter(year__gt=year).order_by("year").first()


def snap(project: Project) -> dict:
    return project_snapshot(project_for_snapshot(project.pk))


def with_sub_projects(project: Project) -> None:
    """Give a demo project two sub-projects (the seeds have none) and tag some rows."""
    subs = [SubProject.objects.create(project=project, name=n, order=i) for i, n in enumerate("AB")]
    for i, table in enumerate((project.indicators, project.budget_lines, project.rule_documents)):
        first = table.order_by("order").first()
        if first is not None:
            table.filter(pk=first.pk).update(sub_project=subs[i % 2])


def assert_copied(source: dict, copy: dict, *, keep_amounts: bool, name: str, result) -> None:
    """Every declared field and column of ``source`` is in ``copy``, or cleared on purpose
    (or, for the dates of a one-year period, moved to the new year)."""
    years = (result.source.budget_year.year, result.project.budget_year.year)
    start, end, _note = copy_dates(source, *years)
    moved = {"start_date": to_json("date", start), "end_date": to_json("date", end)}
    for item in schema.fields():
        got, was = copy["fields"][item.name], source["fields"][item.name]
        if item.name == "name":
            assert got == name
        elif item.name in moved:
            assert got == moved[item.name], item.name
            if years[0] == years[1]:
                assert got == was
        elif item.name in ALWAYS_CLEARED:
            expected = ALWAYS_CLEARED[item.name]
            assert got == (expected if expected is None else str(expected)), item.name
        elif item.name in AMOUNT_FIELDS and not keep_amounts:
            assert got is None, item.name
        else:
            assert got == was, item.name
    assert [s["name"] for s in copy["sub_projects"]] == [s["name"] for s in source["sub_projects"]]
    on_2021 = copy["version"] == schema.NATIONAL_2021
    to_2021 = on_2021 and source["version"] != copy["version"]
    misfit_ids = {i.pk for i in result.misfits}
    for table in schema.TABLES:
        old_rows, new_rows = source[table.key], copy[table.key]
        assert len(new_rows) == len(old_rows), table.key
        for old, new in zip(old_rows, new_rows, strict=True):
            for key in row_keys(table):
                if table is schema.INDICATORS and key == "level2":
                    # Placed in the new taxonomy, or kept as typed and listed.
                    assert (new["level2"] is None) == (new["id"] in misfit_ids)
                    continue
                if table is schema.INDICATORS and key in ("level1_name", "level2_name"):
                    if new["level2"] is None:
                        assert new[key] == old[key], key  # the typed names, kept
                    continue
                if table is schema.LINES and key in LINE_AMOUNT_COLUMNS and not keep_amounts:
                    assert new[key] is None, key
                    continue
                if table is schema.INDICATORS and to_2021 and key in DERIVED_2021:
                    continue  # checked below
                if table is schema.INDICATORS and on_2021 and key == "target_raw":
                    # On the 2021 form the row writer composes 目标值 from the 2021 columns.
                    composes = new["nature"] or new["target_value"]
                    parts = (new["nature"], new["target_value"], new["measure_unit"])
                    assert new[key] == (compose_target(*parts) if composes else old[key])
                    continue
                assert new[key] == old[key], (table.key, key)
            if table is schema.INDICATORS and to_2021:
                assert_derived(old, new)


def assert_derived(old: dict, new: dict) -> None:
    """A 2018 目标值 read into 指标性质 / 指标值 / 度量单位, losing nothing: the 目标值 the 2021
    row composes means what the old one said (or is the old text itself)."""
    composed = compose_target(new["nature"], new["target_value"], new["measure_unit"])
    if old["nature"] or old["target_value"] or old["measure_unit"]:
        # Already on the 2021 columns (kept from a year of that form): taken as they are.
        assert [new[k] for k in ("nature", "target_value", "measure_unit")] == [
            old[k] for k in ("nature", "target_value", "measure_unit")
        ]
        composes = new["nature"] or new["target_value"]
        assert new["target_raw"] == (composed if composes else old["target_raw"])
        return
    assert new["target_raw"] == composed
    before, after = parse_target(old["target_raw"]), parse_target(new["target_raw"])
    if before.kind == "quantitative" and before.comparator in ("=", "≥", "≤"):
        assert after.normalised == before.normalised
    elif before.kind in ("qualitative", "invalid"):
        assert new["target_raw"].strip() == old["target_raw"].strip()
        assert new["nature"] == ("qualitative" if before.kind == "qualitative" else "")


@pytest.fixture
def demo(db):
    """Every demo project, loaded by the demo command (apps/pages/management/commands/demo.py)."""
    call_command("demo", stdout=io.StringIO())
    projects = list(Project.objects.order_by("budget_year__year", "pk"))
    assert len(projects) == len(DEMO)
    with_sub_projects(Project.objects.get(name="德育队伍建设类项目"))
    return projects


@pytest.mark.parametrize("keep_amounts", [True, False])
def test_copy_every_demo_project_into_the_next_year(demo, keep_amounts):
    for source in demo:
        year = next_year(source.budget_year.year)
        before = snap(source)
        result = project_copy(
            source=source,
            year=year,
            actor=filler_of(source.unit),
            keep_amounts=keep_amounts,
            name=source.name,
        )
        copy = result.project
        assert (copy.unit, copy.budget_year, copy.status) == (source.unit, year, "draft")
        assert_copied(
            before, snap(copy), keep_amounts=keep_amounts, name=source.name, result=result
        )
        assert snap(source) == before  # the source is untouched
        sources = list(copy.indicators.order_by("order").values_list("copied_from", flat=True))
        assert sources == [r["id"] for r in before["indicators"]]


def test_copy_every_demo_project_as_a_new_project_of_the_same_year(demo):
    for source in demo:
        before = snap(source)
        result = project_copy(
            source=source,
            year=source.budget_year,
            actor=filler_of(source.unit),
            keep_amounts=True,
            name=f"{source.name}（副本）",
        )
        assert not result.misfits and not result.interpretations and not result.notes
        copy = snap(result.project)
        assert_copied(before, copy, keep_amounts=True, name=f"{source.name}（副本）", result=result)
        # Same taxonomy: the very same levels.
        assert [r["level2"] for r in copy["indicators"]] == [
            r["level2"] for r in before["indicators"]
        ]


def test_2018_form_into_2021_places_by_name_derives_and_lists_the_rest(alice):
    source = factories.ready_project(unit=alice.unit, year=2020)
    Indicator.objects.filter(project=source, name="平台建设进度相符性").update(target_raw="》95%")
    Indicator.objects.filter(project=source, name="平台阶段验收通过率").update(target_raw="4次")
    result = project_copy(
        source=source,
        year=BudgetYear.objects.get(year=2021),
        actor=alice,
        keep_amounts=False,
        name=source.name,
    )
    rows = {i.name: i for i in result.project.indicators.select_related("level2__level1")}
    # 产出目标 · 数量 is 产出指标 · 数量指标 (only 目标/指标 differs): placed, and said so.
    placed = rows["平台建设计划完成率"]
    assert (placed.level2.level1.name, placed.level2.name) == ("产出指标", "数量指标")
    assert (placed.nature, placed.target_value, placed.measure_unit) == ("equal", "100", "%")
    assert placed.target_raw == "=100%" and placed.target_kind == "quantitative"
    assert rows["学校安保负责人满意度"].nature == "positive"
    # 效果目标 · 社会效益 and 影响力目标 · … fit nowhere by name: kept as typed, listed.
    misfits = {(i.level1_text, i.level2_text) for i in result.misfits}
    assert misfits == {
        ("效果目标", "社会效益"),
        ("影响力目标", "长效管理"),
        ("影响力目标", "满意度"),
    }
    assert all(rows[i.name].level2_id is None for i in result.misfits)
    notes = {i.name: " ".join(i.notes) for i in result.interpretations}
    assert "没有比较符号" in notes["平台阶段验收通过率"]
    assert (
        rows["平台阶段验收通过率"].nature == "" and rows["平台阶段验收通过率"].target_value == "4"
    )
    assert "按“≥95%”理解" in notes["平台建设进度相符性"]
    assert "平台建设计划完成率" not in notes  # placed exactly as typed, derived unambiguously
    assert result.notes[0] == (
        "起止日期 2020-01-01 至 2020-12-31 在 2020 年内，已移到 2021 年：2021-01-01 至 2021-12-31。"
    )
    assert "分值" in result.notes[1]
    assert "“产出目标 · 数量”归入新年度指标体系的“产出指标 · 数量指标”" in result.notes[2]
    assert len(result.notes) == 2 + 3  # 数量, 质量, 时效 each said once
    # The misfits are findings the filler sees (the same as an import's unknown level).
    codes = [f.code for f in project_findings_of(result.project)]
    assert codes.count("I_LEVEL_UNKNOWN") == 3
    # Amounts cleared, as chosen; quantity kept.
    project = result.project
    assert project.current_budget is None and project.total_budget is None
    assert all(
        line.amount is None and line.unit_price is None for line in project.budget_lines.all()
    )
    assert [line.quantity for line in project.budget_lines.all()] == [
        line.quantity for line in source.budget_lines.all()
    ]


def project_findings_of(project):
    from apps.projects.selectors import project_findings

    return project_findings(Project.objects.get(pk=project.pk))


def test_2021_into_the_next_2021_year_keeps_every_2021_column(reference):
    source = load_project_file(DEMO[-1])  # 2021a
    result = project_copy(
        source=source,
        year=BudgetYear.objects.get(year=2027),
        actor=filler_of(source.unit),
        keep_amounts=True,
        name=source.name,
    )
    assert not result.misfits and not result.interpretations
    weights = list(result.project.indicators.values_list("weight", "nature", "explanation"))
    assert weights == list(source.indicators.values_list("weight", "nature", "explanation"))


def test_the_name_must_be_new_within_the_unit_and_year(alice, project):
    with pytest.raises(CopyRefused) as exc:
        project_copy(
            source=project,
            year=project.budget_year,
            actor=alice,
            keep_amounts=True,
            name=" " + project.name,
        )
    assert exc.value.field == "name" and str(exc.value) == "本单位该年度已有同名项目。"
    with pytest.raises(CopyRefused) as exc:
        project_copy(
            source=project, year=project.budget_year, actor=alice, keep_amounts=True, name="  "
        )
    assert exc.value.field == "name"
    with pytest.raises(CopyRefused) as exc:
        project_copy(
            source=project,
            year=BudgetYear.objects.get(year=2019),
            actor=alice,
            keep_amounts=True,
            name="新",
        )
    assert exc.value.field == "budget_year"
    assert Project.objects.count() == 1


def test_refused_for_reviewers_admins_and_other_units(alice, bob, charlie, project):
    admin = factories.user("root", User.Role.ADMIN)
    for user in (bob, charlie, admin):
        with pytest.raises(CopyRefused):
            project_copy(
                source=project, year=next_year(2020), actor=user, keep_amounts=True, name="x"
            )
    assert Project.objects.count() == 1


def test_an_approved_project_copies_its_saved_approved_content(alice, project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.APPROVED, grade="A")
    project.refresh_from_db()
    result = project_copy(
        source=project, year=next_year(2020), actor=alice, keep_amounts=True, name=project.name
    )
    copy = result.project
    assert (copy.status, copy.grade, copy.revision) == ("draft", "", 0)
    assert copy.indicators.count() == project.indicators.count()


def test_the_copy_starts_its_history_at_the_copied_content(alice, project):
    result = project_copy(
        source=project, year=next_year(2020), actor=alice, keep_amounts=True, name=project.name
    )
    state = ProjectState.objects.get(project=result.project)
    assert state.data == snap(result.project)
    assert not Change.objects.filter(project=result.project).exists()
    assert json.dumps(state.data, ensure_ascii=False).count("平台建设计划完成率") == 1


def every_field_project(unit, year: int) -> Project:
    """A project with a distinct value in every declared field and every column of every
    form version (values as tests/sheets/test_every_field.py makes them)."""
    from tests.sheets.test_every_field import value_for

    budget_year = BudgetYear.objects.get(year=year)
    values = {i.name: value_for(i, n, 1) for n, i in enumerate(schema.fields())}
    project = Project.objects.create(unit=unit, budget_year=budget_year, **values)
    sub = SubProject.objects.create(project=project, name="子甲", order=0)
    level2 = budget_year.taxonomy.level1s.first().level2s.first()
    for table, extra in (
        (schema.INDICATORS, {"level2": level2}),
        (schema.LINES, {}),
        (schema.DOCS, {}),
    ):
        row = {
            c.name: value_for(c, n, 1, f"{c.name}@docs" if table is schema.DOCS else "")
            for n, c in enumerate(table.columns)
            if c.kind not in ("level", "sub")
        }
        getattr(project, table.related).create(sub_project=sub, order=0, **row, **extra)
    return project


@pytest.mark.parametrize(("year", "into"), [(2020, 2020), (2020, 2021), (2021, 2021), (2021, 2027)])
def test_every_declared_field_and_column_is_copied(alice, year, into):
    source = every_field_project(alice.unit, year)
    before = snap(source)
    blanks = [k for k, v in before["fields"].items() if v in (None, "")]
    assert blanks == []  # every field holds a value, so the comparison means something
    for key in ("indicators", "lines", "docs"):
        assert all(v not in (None, "") for v in before[key][0].values()), key
    name = source.name if into != year else "新名称"
    for keep in (True, False):
        result = project_copy(
            source=source,
            year=BudgetYear.objects.get(year=into),
            actor=alice,
            keep_amounts=keep,
            name=name if keep else name + "（清空金额）",
        )
        assert_copied(
            before, snap(result.project), keep_amounts=keep, name=result.project.name, result=result
        )


def test_deleting_the_source_keeps_the_copy(client_a, alice, project):
    copy = project_copy(
        source=project, year=next_year(2020), actor=alice, keep_amounts=True, name=project.name
    ).project
    project.delete()
    assert copy.indicators.count() == 6
    assert not copy.indicators.filter(copied_from__isnull=False).exists()
    page = client_a.get(reverse("projects:sheet", args=[copy.pk, "goals"])).content.decode()
    assert "history-value" not in page


@pytest.mark.parametrize(
    ("start", "end", "moved", "note"),
    [
        ("2020-01-01", "2020-12-31", ("2021-01-01", "2021-12-31"), "已移到 2021 年"),
        ("2020-02-29", None, ("2021-02-28", None), "已移到 2021 年"),
        ("2019-09-01", "2021-08-31", ("2019-09-01", "2021-08-31"), ""),  # covers 2021
        ("2018-01-01", "2020-12-31", ("2018-01-01", "2020-12-31"), "不包含 2021 年"),
        (None, None, (None, None), ""),
    ],
)
def test_dates_of_a_one_year_period_move_to_the_new_year(start, end, moved, note):
    snapshot = {"fields": {"start_date": start, "end_date": end}}
    got = copy_dates(snapshot, 2020, 2021)
    assert tuple(to_json("date", d) for d in got[:2]) == moved
    assert (note in got[2]) if note else got[2] == ""


def test_2021_form_into_a_year_back_on_the_2018_form_keeps_the_2021_columns(reference):
    from apps.indicators.models import Taxonomy

    BudgetYear.objects.filter(year=2027).update(
        form_version=schema.MINHANG_2018, taxonomy=Taxonomy.objects.get(code="minhang-2018")
    )
    source = load_project_file(DEMO[-1])  # 2021a, on the 2021 table
    before = snap(source)
    result = project_copy(
        source=source,
        year=BudgetYear.objects.get(year=2027),
        actor=filler_of(source.unit),
        keep_amounts=True,
        name=source.name,
    )
    after = snap(result.project)
    assert_copied(before, after, keep_amounts=True, name=source.name, result=result)
    assert [r["target_raw"] for r in after["indicators"]] == [
        r["target_raw"] for r in before["indicators"]
    ]  # the 目标值 the 2021 rows composed
    assert any("已原样保留" in n for n in result.notes)
    placed = {(r["level1_name"], r["level2_name"]) for r in after["indicators"] if r["level2"]}
    assert ("产出目标", "数量") in placed
