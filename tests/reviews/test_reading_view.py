"""Whoever may not edit a sheet reads it as printed (the shared layout), with anchors on the
printed rows, comments in the margin of their row and findings linked to the rows."""

import re

import pytest
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.exports.layout import goals_layout, project_for_export
from apps.projects.models import Project
from apps.reviews.models import ReviewComment
from tests import factories
from tests.reviews.helpers import act, set_status, sheet_url

S = Project.Status


def row(body: str, dom_id: str) -> str:
    """The HTML of one printed row, by its id."""
    match = re.search(rf'<tr id="{dom_id}"[^>]*>.*?</tr>', body, flags=re.S)
    assert match, dom_id
    return match.group(0)


def comment(project, author, sheet, anchor, text):
    return ReviewComment.objects.create(
        project=project,
        author=author,
        version_number=1,
        sheet=sheet,
        anchor=anchor,
        anchor_label="",
        text=text,
    )


@pytest.mark.parametrize("sheet", list(Sheet))
def test_reviewer_reads_the_printed_sheet_not_disabled_inputs(client_c, client_a, project, sheet):
    act(client_a, project, "submit")
    body = client_c.get(sheet_url(project, sheet)).content.decode()
    assert 'id="reading-sheet"' in body
    assert "<input" not in body[body.index('id="reading-sheet"') : body.index('id="sheet-side"')]
    assert 'id="comment-form"' in body  # the reviewer's comment box, in the side panel


def test_filler_reads_once_submitted_and_edits_again_when_returned(client_a, client_c, project):
    act(client_a, project, "submit")
    body = client_a.get(sheet_url(project, Sheet.OVERVIEW)).content.decode()
    assert 'id="reading-sheet"' in body and 'id="sheet-form"' not in body
    assert 'id="comment-form"' not in body
    act(client_c, project, "return", reason="改")
    body = client_a.get(sheet_url(project, Sheet.OVERVIEW)).content.decode()
    assert 'id="sheet-form"' in body and 'id="reading-sheet"' not in body


def test_printed_rows_carry_anchors_in_printed_order(client_c, client_a, project):
    act(client_a, project, "submit")
    body = client_c.get(sheet_url(project, Sheet.GOALS)).content.decode()
    printed = project_for_export(project.pk)
    layout = goals_layout(printed)
    # Every indicator row is anchored, in the order the layout prints them.
    ids = re.findall(r'<tr id="row-indicator-(\d+)"', body)
    names = [c.text for r in layout.sections[1].body for c in r if c.colspan == 3]
    assert [project.indicators.get(pk=int(i)).name for i in ids] == names
    line_ids = re.findall(r'<tr id="row-line-(\d+)"', body)
    assert [int(i) for i in line_ids] == [ln.pk for ln in project.budget_lines.order_by("order")]
    assert 'id="field-composition"' in body and 'id="field-declared_total"' in body
    overview = client_c.get(sheet_url(project, Sheet.OVERVIEW)).content.decode()
    for field in (
        "name",
        "leader",
        "start_date",
        "overview",
        "basis",
        "total_budget",
        "fiscal_upper",
    ):
        assert f'id="field-{field}"' in overview, field


def test_comments_sit_in_the_margin_of_their_row(client_a, client_c, charlie, project):
    indicator = project.indicators.order_by("order")[2]
    act(client_a, project, "submit")
    on_row = comment(project, charlie, Sheet.GOALS, f"indicator:{indicator.pk}", "进度请量化。")
    on_sheet = comment(project, charlie, Sheet.GOALS, "", "整表意见。")
    on_field = comment(project, charlie, Sheet.OVERVIEW, "phone", "电话有误。")
    body = client_c.get(sheet_url(project, Sheet.GOALS)).content.decode()
    printed = row(body, f"row-indicator-{indicator.pk}")
    assert "进度请量化。" in printed and 'class="has-comments"' in printed
    assert f'id="comment-{on_row.pk}"' in printed
    top = body[body.index('id="sheet-comments"') : body.index('id="reading-sheet"')]
    assert "整表意见。" in top and f'id="comment-{on_sheet.pk}"' in top
    overview = client_c.get(sheet_url(project, Sheet.OVERVIEW)).content.decode()
    assert "电话有误。" in row(overview, "field-leader")  # 联系电话 prints on that row
    assert f'id="comment-{on_field.pk}"' in overview


def test_findings_link_to_their_printed_row(client_a, client_c, project):
    line = project.budget_lines.order_by("order")[1]
    line.amount = None
    line.save()
    set_status(project, S.SUBMITTED)  # read-only, with a finding on the second line
    body = client_c.get(sheet_url(project, Sheet.GOALS)).content.decode()
    panel = body[body.index('id="findings-panel"') :]
    assert f'href="#row-line-{line.pk}"' in panel


def test_reading_view_queries_do_not_grow_with_rows(client_c, alice, django_assert_max_num_queries):
    small = factories.ready_project(unit=alice.unit, name="小")
    rows = [*factories.MINHANG_ROWS] * 5
    big = factories.ready_project(unit=alice.unit, name="大", indicators=rows)
    for p in (small, big):
        set_status(p, S.SUBMITTED)
    client_c.get(sheet_url(small, Sheet.GOALS))  # warm caches (taxonomy, session)
    with django_assert_max_num_queries(40) as small_queries:
        client_c.get(sheet_url(small, Sheet.GOALS))
    with django_assert_max_num_queries(len(small_queries)) as _:
        client_c.get(sheet_url(big, Sheet.GOALS))


def test_reading_view_scope(client, bob, outsider, project):
    set_status(project, S.SUBMITTED)
    for user in (bob, outsider):
        client.force_login(user)
        assert client.get(reverse("projects:sheet", args=[project.pk, "goals"])).status_code == 404
