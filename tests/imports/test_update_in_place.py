"""An update from a workbook keeps what identifies the project's rows and sub-projects:
an edited cell is an edit of that row, the indicators' order on the sheet does not
matter, and sub-projects come back as they were exported."""

import io

from openpyxl import load_workbook

from apps.history.models import Change
from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_commit, import_batch_create
from apps.projects.models import Project, SubProject
from tests import factories
from tests.imports.builders import export_project, official_spec, official_workbook, save


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


def with_sub_projects(project):
    """Sub-projects A (on a line), B (on no row) and C (on an indicator), in that order."""
    a, _b, c = (
        SubProject.objects.create(project=project, name=name, order=i)
        for i, name in enumerate(["A", "B", "C"])
    )
    project.budget_lines.filter(pk=project.budget_lines.order_by("order")[0].pk).update(
        sub_project=a
    )
    project.indicators.filter(pk=project.indicators.order_by("order")[0].pk).update(sub_project=c)
    return project


def test_sub_projects_round_trip_as_new_project(alice, project, unit_b):
    admin = factories.user("root", "admin")
    data = export_project(with_sub_projects(project))
    batch = import_batch_create(user=admin, unit=unit_b, filename="t.xlsx", data=data)
    batch = import_batch_commit(batch=batch, user=admin)
    copy = Project.objects.get(pk=batch.result["created"][0]["pk"])
    assert [sp.name for sp in copy.sub_projects.all()] == ["A", "B", "C"]


def test_update_restores_sub_projects_as_exported(alice, project):
    data = export_project(with_sub_projects(project))
    # Since the export: C moved first, and D was added with a line tagged.
    SubProject.objects.filter(project=project, name="C").update(order=0)
    SubProject.objects.filter(project=project, name="A").update(order=5)
    d = SubProject.objects.create(project=project, name="D", order=9)
    line = project.budget_lines.order_by("order").last()
    line.sub_project = d
    line.save()

    batch = preview(alice, project, data)
    [plan] = batch.plan["projects"]
    assert plan["action"] == "update"
    [change] = [c for c in plan["changes"] if c["key"] == "sub_projects"]
    assert change["old"] == "C、B、A、D"
    assert change["new"].startswith("A、B、C") and "删除子项目“D”" in change["new"]
    import_batch_commit(batch=batch, user=alice)
    assert [sp.name for sp in project.sub_projects.all()] == ["A", "B", "C"]
    line.refresh_from_db()
    assert line.sub_project is None  # as deleting D on the sub-project page does

    again = preview(alice, project, data)
    assert [p["action"] for p in again.plan["projects"]] == ["unchanged"]


def test_official_template_only_adds_sub_projects(alice):
    data = official_workbook(official_spec())
    batch = import_batch_create(user=alice, unit=alice.unit, filename="t.xlsx", data=data)
    import_batch_commit(batch=batch, user=alice)
    project = Project.objects.get()
    SubProject.objects.create(project=project, name="额外", order=7)
    again = import_batch_create(user=alice, unit=alice.unit, filename="t.xlsx", data=data)
    assert [p["action"] for p in again.plan["projects"]] == ["unchanged"]
    assert "额外" in [sp.name for sp in project.sub_projects.all()]


def test_indicators_not_grouped_by_level_are_unchanged_on_a_second_import(alice):
    spec = official_spec(
        indicators=[
            ("影响力目标", "长效管理", "长效管理机制健全性", "建立健全", "计划目标"),
            ("产出目标", "数量", "平台建设计划完成率", "=100%", "计划目标"),
            ("效果目标", "社会效益", "监管效率提升情况", "有提升", ""),
            ("产出目标", "质量", "平台阶段验收通过率", "=100.00%", "计划目标"),
            ("影响力目标", "满意度", "学校安保负责人满意度", "》90%", "计划目标"),
            ("产出目标", "时效", "平台建设进度相符性", "与计划相符", "计划目标"),
        ],
        level1_merges=[],
        level2_merges=[],
    )
    data = official_workbook(spec)
    batch = import_batch_create(user=alice, unit=alice.unit, filename="t.xlsx", data=data)
    assert batch.status == ImportBatch.Status.PREVIEW, batch.plan["projects"][0]["issues"]
    import_batch_commit(batch=batch, user=alice)
    project = Project.objects.get()
    assert [i.name for i in project.indicators.all()][:3] == [
        "平台建设计划完成率",
        "平台阶段验收通过率",
        "平台建设进度相符性",
    ]
    again = import_batch_create(user=alice, unit=alice.unit, filename="t.xlsx", data=data)
    assert [p["action"] for p in again.plan["projects"]] == ["unchanged"]


def test_preview_names_each_changed_column(alice, project, client_a):
    from django.urls import reverse

    doc = project.rule_documents.order_by("order").first()
    doc.measures = "原来的措施"
    doc.save()
    line = project.budget_lines.order_by("order").first()
    line.price_basis = "市场价"
    line.save()
    wb = load_workbook(io.BytesIO(export_project(project)))
    cell_with(wb["制度保障"], doc.measures).value = "新的措施"
    cell_with(wb["绩效目标"], "市场价").value = "合同价"
    batch = preview(alice, project, save(wb))
    [plan] = batch.plan["projects"]
    cells = [(c["label"].rpartition(" · ")[2], c["old"], c["new"]) for c in plan["changes"]]
    assert cells == [("单价依据", "市场价", "合同价"), ("具体措施", "原来的措施", "新的措施")]
    page = client_a.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert '单价依据</td><td class="text-muted">市场价</td><td>合同价</td>' in page
