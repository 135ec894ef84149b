"""Reviewer comments: written on a field or row while the project is at the reviewer's
stage, shown to the filler in that very row, kept across resubmission."""

import pytest
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.reviews.models import ReviewComment
from tests.reviews.helpers import act, message_texts, save_sheet, set_status, sheet_url

S = Project.Status


def comment(client, project, *, anchor, text, sheet=Sheet.GOALS):
    return client.post(
        reverse("reviews:comment_add", args=[project.pk]),
        {"sheet": sheet.value, "anchor": anchor, "text": text},
    )


def row_html(body: str, anchor: str) -> str:
    """The HTML of one sheet row, from its ``data-row-anchor`` to the next row."""
    start = body.index(f'data-row-anchor="{anchor}"')
    end = body.find('<tr class="sheet-row"', start)
    return body[start : end if end != -1 else len(body)]


@pytest.fixture
def indicators(project):
    return list(project.indicators.order_by("order"))


def test_reviewer_comment_on_a_row_is_shown_in_that_row_after_return(
    client_a, client_c, charlie, project, indicators
):
    third = indicators[2]
    act(client_a, project, "submit")
    response = comment(client_c, project, anchor=f"indicator:{third.pk}", text="进度指标请量化。")
    assert response.status_code == 302
    c = ReviewComment.objects.get(project=project)
    assert (c.author, c.anchor, c.sheet, c.version_number) == (
        charlie,
        f"indicator:{third.pk}",
        Sheet.GOALS,
        1,
    )
    assert "平台建设进度相符性" in c.anchor_label
    act(client_c, project, "return", reason="见表中意见。")

    body = client_a.get(sheet_url(project, Sheet.GOALS)).content.decode()
    assert "进度指标请量化。" in row_html(body, f"indicator:{third.pk}")
    for other in (indicators[1], indicators[3]):
        assert "进度指标请量化。" not in row_html(body, f"indicator:{other.pk}")
    # Inside the row's cell, not only listed at the top of the page.
    assert 'data-comment-anchor="indicator:' in row_html(body, f"indicator:{third.pk}")


def test_comment_on_a_field_is_shown_under_the_field(client_a, client_c, project):
    act(client_a, project, "submit")
    comment(
        client_c, project, anchor="annual_goal", text="年度目标过于笼统。", sheet=Sheet.OVERVIEW
    )
    act(client_c, project, "return", reason="见意见。")
    body = client_a.get(sheet_url(project, Sheet.OVERVIEW)).content.decode()
    field = body.index('name="annual_goal"')
    note = body.index("年度目标过于笼统。")
    assert note > field
    assert body.find('name="', field + 1) > note  # before the next input


def test_comments_persist_after_resubmission(client_a, client_c, project, indicators):
    first = indicators[0]
    act(client_a, project, "submit")
    comment(client_c, project, anchor=f"indicator:{first.pk}", text="第一版意见。")
    act(client_c, project, "return", reason="退回。")
    act(client_a, project, "submit")
    project.refresh_from_db()
    assert project.status == S.SUBMITTED
    comment(client_c, project, anchor=f"indicator:{first.pk}", text="第二版意见。")

    assert list(ReviewComment.objects.values_list("text", "version_number")) == [
        ("第一版意见。", 1),
        ("第二版意见。", 2),
    ]
    for viewer in (client_c, client_a):
        body = viewer.get(sheet_url(project, Sheet.GOALS)).content.decode()
        row = row_html(body, f"indicator:{first.pk}")
        assert "第一版意见。" in row and "第二版意见。" in row
    detail = client_a.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "第一版意见。" in detail and "第二版意见。" in detail


@pytest.mark.parametrize("who", ["alice", "hank"])
@pytest.mark.parametrize("state", [S.DRAFT, S.SUBMITTED, S.RETURNED])
def test_filler_cannot_comment(request, client, project, who, state):
    set_status(project, state)
    client.force_login(request.getfixturevalue(who))
    response = comment(client, project, anchor="", text="填报人自己的意见")
    assert response.status_code == 302
    assert not ReviewComment.objects.exists()
    assert "只有处于本人审核环节的项目可以填写审核意见。" in message_texts(response)


@pytest.mark.parametrize(
    ("who", "state"),
    [
        ("charlie", S.DRAFT),
        ("charlie", S.DEPT_PASSED),
        ("charlie", S.RETURNED),
        ("charlie", S.APPROVED),
        ("charlie", S.ADJUSTING),
        ("fiona", S.DRAFT),
        ("fiona", S.SUBMITTED),
        ("fiona", S.RETURNED),
        ("fiona", S.APPROVED),
        ("adam", S.SUBMITTED),
        ("adam", S.DEPT_PASSED),
    ],
)
def test_reviewer_cannot_comment_when_not_at_their_stage(request, client, project, who, state):
    set_status(project, state)
    client.force_login(request.getfixturevalue(who))
    response = comment(client, project, anchor="", text="不在环节的意见")
    assert response.status_code == 302
    assert not ReviewComment.objects.exists()
    assert message_texts(response)


@pytest.mark.parametrize(("who", "state"), [("charlie", S.SUBMITTED), ("fiona", S.DEPT_PASSED)])
def test_reviewer_comments_at_their_stage(request, client, project, who, state):
    set_status(project, state)
    client.force_login(request.getfixturevalue(who))
    comment(client, project, anchor="", text="整张表的意见")
    assert ReviewComment.objects.get().text == "整张表的意见"
    body = client.get(sheet_url(project, Sheet.GOALS)).content.decode()
    assert 'id="sheet-comments"' in body and "整张表的意见" in body


def test_comment_form_is_shown_only_at_the_reviewers_stage(client, charlie, project):
    client.force_login(charlie)
    body = client.get(sheet_url(project, Sheet.GOALS)).content.decode()
    assert 'name="text"' not in body
    set_status(project, S.SUBMITTED)
    body = client.get(sheet_url(project, Sheet.GOALS)).content.decode()
    assert 'name="text"' in body


def test_comment_on_a_row_of_another_project_is_refused(client, charlie, bob, project):
    from tests import factories

    other = factories.ready_project(unit=bob.unit, name="中心项目")
    foreign_row = other.indicators.first()
    set_status(project, S.SUBMITTED)
    client.force_login(charlie)
    comment(client, project, anchor=f"indicator:{foreign_row.pk}", text="挂到别的项目的行")
    assert not ReviewComment.objects.exists()


def test_empty_comment_is_refused(client, charlie, project):
    set_status(project, S.SUBMITTED)
    client.force_login(charlie)
    response = comment(client, project, anchor="", text="   ")
    assert not ReviewComment.objects.exists()
    assert message_texts(response)


def test_a_comment_follows_its_row_when_the_filler_edits_and_moves_it(
    client_a, client_c, project, indicators
):
    third = indicators[2]
    act(client_a, project, "submit")
    comment(client_c, project, anchor=f"indicator:{third.pk}", text="请改为可考核的值。")
    act(client_c, project, "return", reason="见意见")
    # Edit the commented row and move it to the top, as the page's script would post it.
    save_sheet(
        client_a,
        project,
        Sheet.GOALS,
        **{"ind-2-target_raw": "按月完成", "ind-ROWS": "ind-2,ind-0,ind-1,ind-3,ind-4,ind-5"},
    )
    assert project.indicators.filter(pk=third.pk, target_raw="按月完成").exists()
    body = client_a.get(sheet_url(project, Sheet.GOALS)).content.decode()
    assert "请改为可考核的值。" in row_html(body, f"indicator:{third.pk}")


def test_a_comment_on_a_removed_row_is_listed_at_the_top(client_a, client_c, project, indicators):
    last = indicators[5]
    act(client_a, project, "submit")
    comment(client_c, project, anchor=f"indicator:{last.pk}", text="这一行可以删掉。")
    act(client_c, project, "return", reason="见意见")
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-5-DELETE": "on"})
    body = client_a.get(sheet_url(project, Sheet.GOALS)).content.decode()
    top = body.split('id="sheet-comments"')[1].split('id="sheet-form"')[0]
    assert "这一行可以删掉。" in top


def test_comment_text_and_reasons_are_escaped(client_a, client_c, project, indicators):
    act(client_a, project, "submit")
    evil = '<script>alert("x")</script>'
    comment(client_c, project, anchor=f"indicator:{indicators[0].pk}", text=evil)
    comment(client_c, project, anchor="", text=evil)
    act(client_c, project, "return", reason=evil)
    for url in (
        sheet_url(project, Sheet.GOALS),
        reverse("projects:detail", args=[project.pk]),
        reverse("reviews:history", args=[project.pk]),
        reverse("reviews:notifications"),
    ):
        body = client_a.get(url).content.decode()
        assert evil not in body, url
