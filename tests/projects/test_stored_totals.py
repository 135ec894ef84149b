"""金额合计 (Σ 明细金额) and the finding counts are stored on the project for the lists.
After every way rows reach the database — sheet save, autosave, import commit (new and
update), the demo loader, the row writer with the refresh that follows it — the stored
values equal what the budget lines and the rules give when recomputed from scratch."""

import io
from decimal import Decimal

from django.core.management import call_command
from django.db.models import Sum
from django.urls import reverse
from openpyxl import load_workbook

from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.checks.findings import Sheet
from apps.checks.rules import count
from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_commit, import_batch_create
from apps.projects.models import Project
from apps.projects.rows import rows_sync
from apps.projects.selectors import project_findings, project_list_totals
from apps.projects.services import project_create, project_refresh_findings
from apps.sheets import schema
from apps.sheets.snapshot import project_snapshot
from tests.formdata import form_data
from tests.imports.builders import export_project, official_spec, official_workbook, save


def assert_stored_right() -> int:
    """Every project's stored 金额合计 and counts against a recomputation; returns how
    many projects were compared."""
    projects = list(Project.objects.all())
    assert projects
    sums = dict(
        BudgetLine.objects.values("project").annotate(s=Sum("amount")).values_list("project", "s")
    )
    for p in projects:
        assert p.lines_total == (sums.get(p.pk) or Decimal("0")), p.name
        assert (p.error_count, p.warning_count) == count(project_findings(p)), p.name
    return len(projects)


def test_a_new_project_totals_zero(alice):
    project = project_create(
        unit=alice.unit, budget_year=BudgetYear.objects.get(year=2020), name="新项目"
    )
    project.refresh_from_db()
    assert project.lines_total == Decimal("0")
    assert_stored_right()


def test_sheet_save_adding_editing_and_deleting_lines(client_a, project):
    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    data = form_data(client_a.get(url).content.decode())
    data["line-0-DELETE"] = "on"
    data["line-1-amount"] = "1,000.50"
    data.update(
        {
            "line-TOTAL_FORMS": "3",
            "line-2-item_name": "新增",
            "line-2-content": "新增",
            "line-2-detail": "监理费",
            "line-2-amount": "560,000",
        }
    )
    assert client_a.post(url, data).status_code == 302
    project.refresh_from_db()
    assert project.lines_total == Decimal("561000.50")
    assert_stored_right()
    # The list shows the stored total and sums it over the whole filtered list.
    assert project_list_totals(Project.objects.all())["lines_total"] == Decimal("561000.50")
    body = client_a.get(reverse("projects:list")).content.decode()
    assert "561,000.50" in body


def test_autosave_keeps_the_total(client_a, project):
    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    data = form_data(client_a.get(url).content.decode())
    data["line-0-amount"] = "1"
    response = client_a.post(url, data, headers={"X-Sheet-Autosave": "1"})
    assert response.status_code == 200 and response.json()["saved"]
    assert_stored_right()


def test_import_commit_new_and_update(alice, project):
    wb = load_workbook(io.BytesIO(export_project(project)))
    ws = wb["绩效目标"]
    line = project.budget_lines.order_by("order").first()
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == line.detail]
    amount = ws.cell(row=cell.row, column=cell.column + 1)
    amount.value = 12345.67
    batch = import_batch_create(user=alice, unit=project.unit, filename="t.xlsx", data=save(wb))
    assert batch.status == ImportBatch.Status.PREVIEW, batch.plan["projects"][0]["issues"]
    import_batch_commit(batch=batch, user=alice)
    project.refresh_from_db()
    assert project.lines_total == sum(
        project.budget_lines.values_list("amount", flat=True), Decimal("0")
    )
    assert Decimal("12345.67") in set(project.budget_lines.values_list("amount", flat=True))

    new = import_batch_create(
        user=alice,
        unit=alice.unit,
        filename="new.xlsx",
        data=official_workbook(official_spec(name="导入的新项目")),
    )
    import_batch_commit(batch=new, user=alice)
    created = Project.objects.get(name="导入的新项目")
    assert created.lines_total > 0
    assert assert_stored_right() == 2


def test_demo_loader(db):
    call_command("demo")
    assert assert_stored_right() == 9


def test_row_writer_then_refresh(project):
    """The row writer and the refresh every service calls after it (e.g. a copy of a
    project's rows: rows of another project, snapshot-shaped, written as new)."""
    rows = project_snapshot(project)["lines"]
    copied = [{**row, "id": None, "amount": "7.00"} for row in rows]
    rows_sync(project=project, table=schema.LINES, rows=copied, subs={})
    project_refresh_findings(project=project)
    project.refresh_from_db()
    assert project.lines_total == Decimal("7.00") * len(rows)
    assert_stored_right()


def test_refresh_findings_command_repairs_a_stale_total(project):
    Project.objects.filter(pk=project.pk).update(lines_total=Decimal("1"))
    call_command("refresh_findings")
    assert_stored_right()
