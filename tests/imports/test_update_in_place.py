"""An update from a workbook keeps what identifies the project's rows and sub-projects:
an edited cell is an edit of that row, the indicators' order on the sheet does not
matter, and sub-projects come back as they were exported."""

import io

from openpyxl import load_workbook

from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_commit, import_batch_create
from apps.reviews.models import Change
from tests.imports.builders import export_project, save


def cell_with(ws, value):
    [cell] = [c for row in ws.iter_rows() for c in row if c.value == value]
    return cell


def preview(user, project, data) -> ImportBatch:
    batch = import_batch_create(user=user, unit=project.unit, filename="t.xlsx", data=data)
    assert batch.status == ImportBatch.Status.PREVIEW, batch.plan["projects"][0]["issues"]
    return batch


def test_editing_an_identifying_cell_keeps_the_row(alice, project):
    line = project.budget_lines.order_by("order").first()
    old_detail = line.detail
    indicator = project.indicators.get(name="学校安保负责人满意度")
    indicator_ids = set(project.indicators.values_list("pk", flat=True))
    line_ids = set(project.budget_lines.values_list("pk", flat=True))
    wb = load_workbook(io.BytesIO(export_project(project)))
    ws = wb["绩效目标"]
    cell_with(ws, line.detail).value = "改过的明细"
    cell_with(ws, indicator.name).value = "教师满意度"
    before = Change.objects.filter(project=project).count()

    import_batch_commit(batch=preview(alice, project, save(wb)), user=alice)

    assert set(project.indicators.values_list("pk", flat=True)) == indicator_ids
    assert set(project.budget_lines.values_list("pk", flat=True)) == line_ids
    indicator.refresh_from_db()
    line.refresh_from_db()
    assert (indicator.name, line.detail) == ("教师满意度", "改过的明细")
    new = Change.objects.filter(project=project).order_by("id")[before:]
    assert sorted((c.key, c.old, c.new) for c in new) == sorted(
        [
            (f"indicators.{indicator.pk}.name", "学校安保负责人满意度", "教师满意度"),
            (f"lines.{line.pk}.detail", old_detail, "改过的明细"),
        ]
    )
