"""Export → import gives back every field, indicator, budget line, rule document and
sub-project: as new projects in another unit and year, and as an update of the project."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_commit, import_batch_create
from apps.indicators.models import Indicator
from apps.projects.models import Project, SubProject
from apps.projects.services import load_project_file
from apps.units.models import Unit
from tests import factories
from tests.imports.builders import export_project, export_unit
from tests.imports.pictures import picture

DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("*.json"))
TOTAL = ("total_source", "declared_total")


@pytest.fixture
def admin(reference):
    return factories.user("root", User.Role.ADMIN)


def import_into(data: bytes, *, user, unit, year=None) -> ImportBatch:
    batch = import_batch_create(
        user=user, unit=unit, filename="t.xlsx", data=data, budget_year=year
    )
    assert batch.status == ImportBatch.Status.PREVIEW, [
        i for p in batch.plan["projects"] for i in p["issues"]
    ]
    return import_batch_commit(batch=batch, user=user)


def rich_project(unit) -> Project:
    """A project with every field filled, sub-projects on all three tables, text with
    newlines, quantities with decimals and a typed 金额合计 that disagrees."""
    project = factories.ready_project(unit=unit, name="类项目（含子项目）")
    paths = SubProject.objects.create(project=project, name="PATHS", order=0)
    wap = SubProject.objects.create(project=project, name="WAP课程", order=1)
    first = project.indicators.order_by("order").first()
    first.sub_project = paths
    first.save()
    Indicator.objects.filter(pk=project.indicators.order_by("order").last().pk).update(
        sub_project=wap
    )
    line = project.budget_lines.order_by("order").first()
    line.sub_project, line.price_basis, line.quantity_basis = wap, "市场价", "按人次"
    line.quantity, line.unit_price, line.amount = (
        Decimal("2.50"),
        Decimal("224000"),
        Decimal("560000"),
    )
    line.save()
    doc = project.rule_documents.order_by("order").first()
    doc.sub_project, doc.stage_closing = paths, False
    doc.save()
    Project.objects.filter(pk=project.pk).update(
        category=Project.Category.MID_TERM,
        overview="第一段。\n第二段，含“引号”与 ≥90% 等符号。",
        other_issues="无。",
        resources="资源投入。",
        unit_head_name="王五",
        filler_name="张三",
        filing_date=date(2020, 3, 1),
        total_source=Project.TotalSource.TYPED,
        declared_total=Decimal("911000.40"),
        fiscal_upper=Decimal("1000.50"),
        fiscal_local=Decimal("909999.50"),
    )
    return Project.objects.get(pk=project.pk)


@pytest.mark.parametrize("path", DEMO, ids=[p.stem for p in DEMO])
def test_demo_project_as_new_project_in_another_unit_and_year(path, admin):
    original = load_project_file(path)
    other_unit = Unit.objects.exclude(pk=original.unit_id).get(
        code="001002" if original.unit.code != "001002" else "001001"
    )
    year = BudgetYear.objects.get(year=2019)
    batch = import_into(export_project(original), user=admin, unit=other_unit, year=year)

    [created] = batch.result["created"]
    copy = Project.objects.get(pk=created["pk"])
    assert (copy.unit, copy.budget_year, copy.status) == (other_unit, year, Project.Status.DRAFT)
    # Every field, 金额合计来源 and 原表金额合计 included (they travel in the metadata).
    assert picture(copy) == picture(original)


@pytest.mark.parametrize("path", DEMO, ids=[p.stem for p in DEMO])
def test_demo_project_restored_by_importing_its_export(path, reference):
    project = load_project_file(path)
    filler = factories.user("filler", User.Role.FILLER, project.unit)
    before = picture(project)
    data = export_project(project)

    # Unchanged: nothing to write.
    batch = import_batch_create(user=filler, unit=project.unit, filename="t.xlsx", data=data)
    assert [p["action"] for p in batch.plan["projects"]] == ["unchanged"]
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportBatch.Status.CANCELLED)

    # Changed in the system since the export: the import brings every value back.
    Project.objects.filter(pk=project.pk).update(leader="另一人", current_budget=Decimal("1"))
    project.indicators.order_by("order").first().delete()
    project.budget_lines.update(detail="改过")
    project.rule_documents.update(stage_planning=False)
    batch = import_into(data, user=filler, unit=project.unit)
    assert [p["pk"] for p in batch.result["updated"]] == [project.pk]
    assert picture(project) == before


def test_rich_project_round_trip_both_ways(admin, unit_a, unit_b):
    original = rich_project(unit_a)
    data = export_project(original)
    before = picture(original)
    assert before["sub_projects"] == ["PATHS", "WAP课程"]

    copy_batch = import_into(data, user=admin, unit=unit_b)
    copy = Project.objects.get(pk=copy_batch.result["created"][0]["pk"])
    assert picture(copy, skip=TOTAL) == picture(original, skip=TOTAL)

    Project.objects.filter(pk=original.pk).update(overview="改了", filing_date=None)
    original.sub_projects.get(name="WAP课程").delete()
    import_into(data, user=admin, unit=unit_a)
    assert picture(original) == before  # the typed 金额合计 kept, WAP课程 back


def test_whole_unit_workbook_round_trip(admin, unit_a, unit_b):
    projects = [load_project_file(p) for p in DEMO if p.stem.startswith("004")]
    year = projects[0].budget_year
    data = export_unit(unit_a, year, Project.objects.filter(unit=unit_a, budget_year=year))
    batch = import_into(data, user=admin, unit=unit_b)
    assert len(batch.result["created"]) == len(projects) == 4
    for original in projects:
        copy = Project.objects.get(unit=unit_b, budget_year=year, name=original.name)
        assert picture(copy, skip=TOTAL) == picture(original, skip=TOTAL)


def test_changed_cell_in_excel_shows_old_and_new_then_updates(unit_a, alice):
    from openpyxl import load_workbook

    from tests.imports.builders import save

    project = factories.ready_project(unit=unit_a)
    wb = load_workbook(__import__("io").BytesIO(export_project(project)))
    ws = wb["绩效目标"]
    target = next(c for row in ws.iter_rows() for c in row if c.value == "≥90%")
    target.value = "≥95%"
    ws = wb["项目总体情况"]
    leader = next(c for row in ws.iter_rows() for c in row if c.value == "周硕青")
    leader.value = "李四"
    batch = import_batch_create(user=alice, unit=unit_a, filename="t.xlsx", data=save(wb))
    [plan] = batch.plan["projects"]
    assert plan["action"] == "update"
    # The one diff of the history: each changed field or row cell, old → new.
    assert [(c["label"], c["old"], c["new"]) for c in plan["changes"]] == [
        ("项目负责人", "周硕青", "李四"),
        ("第 6 行指标「学校安保负责人满意度」 · 目标值", "≥90%", "≥95%"),
    ]
    import_batch_commit(batch=batch, user=alice)
    project.refresh_from_db()
    assert project.leader == "李四"
    assert project.indicators.get(name="学校安保负责人满意度").target_raw == "≥95%"
    assert project.indicators.get(name="学校安保负责人满意度").target_number == Decimal("95")


def test_an_update_edits_rows_in_place_so_comments_and_history_stay_precise(alice, project):
    """Changing one 目标值 in Excel changes that cell of that row: the row keeps its id (a
    reviewer's comment on it stays in place) and the history records one change."""
    from openpyxl import load_workbook

    from apps.history.models import Change

    indicator_ids = set(project.indicators.values_list("pk", flat=True))
    line_ids = set(project.budget_lines.values_list("pk", flat=True))
    target = project.indicators.get(name="学校安保负责人满意度")
    wb = load_workbook(io.BytesIO(export_project(project)))
    ws = wb["绩效目标"]
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == target.target_raw]
    cell.value = "≥95%"
    out = io.BytesIO()
    wb.save(out)
    changes_before = Change.objects.filter(project=project).count()

    import_into(out.getvalue(), user=alice, unit=project.unit, year=project.budget_year)

    assert set(project.indicators.values_list("pk", flat=True)) == indicator_ids
    assert set(project.budget_lines.values_list("pk", flat=True)) == line_ids
    target.refresh_from_db()
    assert target.target_raw == "≥95%" and target.target_number == Decimal("95")
    new = Change.objects.filter(project=project).order_by("id")[changes_before:]
    assert [(c.key, c.old, c.new, c.source) for c in new] == [
        (f"indicators.{target.pk}.target_raw", "≥90%", "≥95%", "导入")
    ]
