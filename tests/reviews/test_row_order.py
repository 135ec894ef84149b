"""Row order is part of the sheets (DOMAIN.md: every sheet is filed "always in this order and
layout"; the indicator tree prints level-1/level-2 cells merged down in row order), and
the page lets fillers move rows. A move is a change: recorded, bumping the revision (so a
stale save cannot silently undo it), and shown between versions.
"""

from django.urls import reverse

from apps.checks.findings import Sheet
from apps.history.models import Change
from apps.projects.models import Project
from tests.reviews.helpers import act, save_sheet, sheet_data, sheet_url

MOVED = "ind-5,ind-0,ind-1,ind-2,ind-3,ind-4"  # the last row moved to the top


def names(project):
    return list(project.indicators.order_by("order", "id").values_list("name", flat=True))


def test_moving_a_row_is_recorded_and_bumps_the_revision(client_a, project):
    before = Project.objects.get(pk=project.pk).revision
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-ROWS": MOVED})
    assert names(project)[0] == "学校安保负责人满意度"  # the move was saved
    assert Project.objects.get(pk=project.pk).revision == before + 1
    assert Change.objects.filter(project=project).exists()


def test_a_stale_save_does_not_silently_undo_a_row_move(client_a, client_h, project):
    url = sheet_url(project, Sheet.GOALS)
    hanks = sheet_data(client_h, project, Sheet.GOALS)  # hank opens the page
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-ROWS": MOVED})  # alice moves a row
    hanks["ind-0-target_raw"] = "=98%"
    response = client_h.post(url, hanks)  # hank saves from his older page
    moved_kept = names(project)[0] == "学校安保负责人满意度"
    refused = response.status_code == 200 and "没有保存" in response.content.decode()
    assert moved_kept or refused, f"alice's move was lost silently: {names(project)}"


def test_version_diff_shows_a_row_move(client_a, client_c, project):
    act(client_a, project, "submit")
    act(client_c, project, "return", reason="调整顺序")
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-ROWS": MOVED})
    act(client_a, project, "submit")
    assert project.versions.count() == 2
    body = client_c.get(reverse("reviews:diff", args=[project.pk])).content.decode()
    assert "0 处不同" not in body
