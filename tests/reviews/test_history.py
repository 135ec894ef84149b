"""Change history: every sheet save records who changed what (old → new); the revision
goes up once per save that changes something."""

from django.urls import reverse

from apps.checks.findings import Sheet
from apps.history.models import Change
from apps.projects.models import Project
from tests.reviews.helpers import save_sheet, sheet_data, sheet_url


def revision(project) -> int:
    return Project.objects.get(pk=project.pk).revision


def history(client, project) -> str:
    response = client.get(reverse("reviews:history", args=[project.pk]))
    assert response.status_code == 200
    return response.content.decode()


def test_a_changed_field_is_recorded_with_who_old_and_new(client_a, alice, project):
    before = revision(project)
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="王五")
    (change,) = Change.objects.filter(project=project)
    assert (change.actor, change.sheet, change.key, change.label) == (
        alice,
        Sheet.OVERVIEW,
        "f.leader",
        "项目负责人",
    )
    assert (change.old, change.new) == ("周硕青", "王五")
    assert change.revision == before + 1 == revision(project)

    body = history(client_a, project)
    row = body.split('data-key="f.leader"')[1].split("</tr>")[0]
    assert "alice" in row and "项目负责人" in row
    assert '<td class="text-break old-value">周硕青</td>' in row
    assert '<td class="text-break new-value">王五</td>' in row


def test_an_unchanged_save_records_nothing_and_keeps_the_revision(client_a, project):
    before = revision(project)
    for sheet in Sheet:
        save_sheet(client_a, project, sheet)
    assert revision(project) == before
    assert not Change.objects.filter(project=project).exists()
    assert "还没有修改记录。" in history(client_a, project)


def test_revision_goes_up_once_per_save_that_changes_something(client_a, project):
    before = revision(project)
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="王五", contact="赵六", phone="021-1234")
    assert revision(project) == before + 1
    assert Change.objects.filter(project=project).count() == 3
    assert set(Change.objects.values_list("revision", flat=True)) == {before + 1}
    save_sheet(client_a, project, Sheet.OVERVIEW)  # nothing changed this time
    assert revision(project) == before + 1
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="周硕青")
    assert revision(project) == before + 2
    assert Change.objects.filter(project=project).count() == 4


def test_one_goals_save_changing_field_rows_and_lines_is_one_revision(client_a, project):
    before = revision(project)
    save_sheet(
        client_a,
        project,
        Sheet.GOALS,
        **{"composition": "新的建设内容。", "ind-0-remark": "改", "line-1-remark": "改"},
    )
    assert revision(project) == before + 1
    changes = Change.objects.filter(project=project)
    assert changes.count() == 3
    assert {c.revision for c in changes} == {before + 1}


def test_a_removed_row_is_recorded(client_a, alice, project):
    doomed = project.indicators.order_by("order")[5]
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-5-DELETE": "on"})
    assert not project.indicators.filter(pk=doomed.pk).exists()
    (change,) = Change.objects.filter(project=project)
    assert change.key == f"indicators.{doomed.pk}"
    assert change.actor == alice
    assert change.label.startswith("删除") and "学校安保负责人满意度" in change.label
    assert "学校安保负责人满意度" in change.old and "≥90%" in change.old
    assert change.new == ""
    body = history(client_a, project)
    assert f'data-key="indicators.{doomed.pk}"' in body


def test_an_added_row_is_recorded(client_a, alice, project):
    data = sheet_data(client_a, project, Sheet.GOALS)
    level2 = data["ind-5-level2"]  # 满意度
    data.update(
        {
            "ind-TOTAL_FORMS": "7",
            "ind-ROWS": data["ind-ROWS"] + ",ind-6",
            "ind-6-level2": level2,
            "ind-6-name": "教师满意度",
            "ind-6-target_raw": "≥85%",
            "ind-6-remark": "新增",
            "ind-6-id": "",
        }
    )
    before = revision(project)
    response = client_a.post(sheet_url(project, Sheet.GOALS), data)
    assert response.status_code == 302
    added = project.indicators.get(name="教师满意度")
    (change,) = Change.objects.filter(project=project)
    assert change.key == f"indicators.{added.pk}"
    assert change.label.startswith("新增") and "教师满意度" in change.label
    assert change.old == "" and "≥85%" in change.new
    assert change.actor == alice
    assert revision(project) == before + 1
    body = history(client_a, project)
    row = body.split(f'data-key="indicators.{added.pk}"')[1].split("</tr>")[0]
    assert "教师满意度" in row and "alice" in row


def test_a_changed_cell_of_a_row_is_recorded(client_a, project):
    row = project.indicators.order_by("order")[5]
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-5-target_raw": "≥95%"})
    (change,) = Change.objects.filter(project=project)
    assert change.key == f"indicators.{row.pk}.target_raw"
    assert (change.old, change.new) == ("≥90%", "≥95%")
    assert "目标值" in change.label


def test_history_lists_changes_of_several_people(client_a, client_h, project):
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="王五")
    save_sheet(client_h, project, Sheet.OVERVIEW, contact="赵六")
    body = history(client_a, project)
    leader = body.split('data-key="f.leader"')[1].split("</tr>")[0]
    contact = body.split('data-key="f.contact"')[1].split("</tr>")[0]
    assert "alice" in leader and "hank" in contact
    # newest first
    assert body.index('data-key="f.contact"') < body.index('data-key="f.leader"')


def test_history_page_query_count_does_not_grow_with_changes(
    client_a, project, django_assert_max_num_queries
):
    for i in range(5):
        save_sheet(client_a, project, Sheet.OVERVIEW, leader=f"负责人{i}", contact=f"联系人{i}")
    with django_assert_max_num_queries(15):
        history(client_a, project)
