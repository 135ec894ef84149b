"""The seed (a common framework for every taxonomy, the demo projects' indicators) and the
library in and out of the admin as a spreadsheet."""

import io

import openpyxl
import pytest
from django.urls import reverse

from apps.indicators.models import Taxonomy
from apps.library.models import LibraryIndicator, Tier
from apps.library.reference import library_common_load, library_from_projects
from apps.library.resources import LibraryResource
from apps.projects.models import Project
from tests import factories


def test_common_framework_for_every_taxonomy(reference):
    library_common_load()
    for taxonomy in Taxonomy.objects.all():
        names = set(
            LibraryIndicator.objects.filter(level2__level1__taxonomy=taxonomy).values_list(
                "level2__level1__name", "name"
            )
        )
        level1s = {l1 for l1, _ in names}
        assert len(level1s) >= 3, taxonomy  # 产出, 效益/效果, 满意度/影响力
        assert any(name == "服务对象满意度" for _, name in names)
    entry = LibraryIndicator.objects.filter(name="服务对象满意度").first()
    assert entry.target_text == "≥90%" and entry.tier == Tier.COMMON
    before = LibraryIndicator.objects.count()
    library_common_load()  # again: updated, not doubled
    assert LibraryIndicator.objects.count() == before


def test_demo_indicators_become_their_departments_entries(alice):
    project = factories.ready_project(unit=alice.unit)
    library_from_projects(Project.objects.all())
    entry = LibraryIndicator.objects.get(name="学校安保负责人满意度")
    assert entry.owner == alice.unit.parent and entry.origin_indicator.project == project
    row = project.indicators.get(name="学校安保负责人满意度")
    assert row.library_entry == entry


def test_a_saved_row_links_to_the_entry_it_names(client_a, project, reference):
    from apps.projects.rows import rows_sync
    from apps.sheets import schema
    from apps.sheets.snapshot import project_snapshot

    level = project.indicators.get(name="学校安保负责人满意度").level2
    entry = LibraryIndicator.objects.create(level2=level, name="服务对象满意度", tier=Tier.COMMON)
    rows = project_snapshot(project)["indicators"]
    rows[-1]["name"] = "服务对象满意度"
    rows_sync(project=project, table=schema.INDICATORS, rows=rows, subs={})
    assert project.indicators.get(name="服务对象满意度").library_entry == entry
    rows[-1]["name"] = "服务对象满意度（改）"
    rows_sync(project=project, table=schema.INDICATORS, rows=rows, subs={})
    assert project.indicators.get(name="服务对象满意度（改）").library_entry is None


def test_spreadsheet_round_trip(reference):
    library_common_load()
    exported = LibraryResource().export()
    book = openpyxl.load_workbook(io.BytesIO(exported.xlsx))
    sheet = book.active
    header = [c.value for c in sheet[1]]
    assert header[:5] == ["指标体系代码", "一级指标", "二级指标", "主管部门编码", "三级指标"]
    count = LibraryIndicator.objects.count()
    assert sheet.max_row == count + 1
    # Import it back: nothing new; a changed value updates its entry.
    import tablib

    data = tablib.Dataset().load(io.BytesIO(exported.xlsx), format="xlsx")
    name_col = data.headers.index("典型指标值")
    row = list(data[0])
    row[name_col] = "77"
    data[0] = row
    result = LibraryResource().import_data(data, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert LibraryIndicator.objects.count() == count
    assert LibraryIndicator.objects.filter(typical_value="77").count() == 1


def test_spreadsheet_bad_rows_say_why(reference):
    import tablib

    data = tablib.Dataset(
        headers=["指标体系代码", "一级指标", "二级指标", "主管部门编码", "三级指标"]
    )
    data.append(["minhang-2018", "产出目标", "不存在", "", "某指标"])
    data.append(["minhang-2018", "产出目标", "数量", "999", "某指标"])
    result = LibraryResource().import_data(data, dry_run=True)
    errors = [str(e.error) for row in result.row_errors() for e in row[1]]
    assert any("没有“产出目标 · 不存在”" in e for e in errors)
    assert any("没有编码为“999”的主管部门" in e for e in errors)


@pytest.mark.parametrize("path", ["admin:library_libraryindicator_changelist"])
def test_admin_pages_open(client, path, reference):
    from apps.accounts.models import User

    admin = factories.user("root", User.Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    assert client.get(reverse(path)).status_code == 200
    assert client.get(reverse("admin:library_libraryindicator_export")).status_code == 200
