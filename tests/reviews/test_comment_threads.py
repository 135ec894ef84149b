"""Replies to review comments and 已处理: who may, in which state; resolved comments fold
away on the sheets but stay on record; every new URL answers 404 outside the scope."""

import pytest
from django.test import Client
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.reviews.models import CommentReply, ReviewComment
from tests import factories
from tests.reviews.helpers import act, message_texts, set_status, sheet_url

S = Project.Status


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def note(project, charlie):
    """A department reviewer's comment on the second indicator."""
    row = project.indicators.order_by("order")[1]
    return ReviewComment.objects.create(
        project=project,
        author=charlie,
        version_number=1,
        sheet=Sheet.GOALS,
        anchor=f"indicator:{row.pk}",
        anchor_label="第 2 行指标",
        text="质量指标请量化。",
    )


def resolve(client, comment, resolved="1"):
    url = reverse("reviews:comment_resolve", args=[comment.project_id, comment.pk])
    return client.post(url, {"resolved": resolved})


def reply(client, comment, text="已改为 ≥95%。"):
    url = reverse("reviews:comment_reply", args=[comment.project_id, comment.pk])
    return client.post(url, {"text": text})


def test_the_unit_replies_and_marks_resolved_while_it_can_edit(client_a, alice, project, note):
    set_status(project, S.RETURNED)
    response = reply(client_a, note)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/sheets/goals/#comment-{note.pk}")
    assert list(note.replies.values_list("author__username", "text")) == [
        ("alice", "已改为 ≥95%。")
    ]
    resolve(client_a, note)
    note.refresh_from_db()
    assert note.resolved_by == alice and note.resolved_at is not None
    # Folded on the sheet, listed as 已处理 in the panel, still in the record.
    body = client_a.get(sheet_url(project, Sheet.GOALS)).content.decode()
    assert f'<details class="review-comment is-resolved" id="comment-{note.pk}"' in body
    assert 'id="resolved-comments"' in body and "已处理的意见（1 条）" in body
    history = client_a.get(reverse("reviews:history", args=[project.pk])).content.decode()
    assert "质量指标请量化。" in history and "已改为 ≥95%。" in history and "已处理" in history
    # Taking it back.
    resolve(client_a, note, resolved="0")
    note.refresh_from_db()
    assert note.resolved_at is None and note.resolved_by is None


def test_the_unit_cannot_mark_resolved_once_submitted_but_the_reviewer_can(
    client_a, client_c, charlie, project, note
):
    act(client_a, project, "submit")
    response = resolve(client_a, note)
    assert "单位只能在修改期间标记意见为已处理" in " ".join(message_texts(response))
    note.refresh_from_db()
    assert note.resolved_at is None
    reply(client_a, note, "请看第 2 版。")  # replying is still possible
    assert note.replies.count() == 1
    resolve(client_c, note)
    note.refresh_from_db()
    assert note.resolved_by == charlie


def test_finance_reviewer_may_reply_an_administrator_may_not(project, note, fiona, adam):
    set_status(project, S.DEPT_PASSED)
    assert reply(client_for(fiona), note, "财政意见。").status_code == 302
    response = reply(client_for(adam), note, "管理员插话。")
    assert response.status_code == 302
    assert "只有本单位的填报人和本项目的审核人" in " ".join(message_texts(response))
    response = resolve(client_for(adam), note)
    assert "只有本单位的填报人和本项目的审核人" in " ".join(message_texts(response))
    assert list(note.replies.values_list("text", flat=True)) == ["财政意见。"]


def test_after_approval_the_thread_is_closed(client_a, client_c, project, note):
    set_status(project, S.APPROVED)
    for client in (client_a, client_c):
        assert "已批复" in " ".join(message_texts(reply(client, note)))
        assert "已批复" in " ".join(message_texts(resolve(client, note)))
    assert not note.replies.exists()
    note.refresh_from_db()
    assert note.resolved_at is None


def test_a_resolved_comment_takes_no_replies_and_an_empty_reply_is_refused(client_a, project, note):
    set_status(project, S.RETURNED)
    assert "请填写回复" in " ".join(message_texts(reply(client_a, note, "")))
    resolve(client_a, note)
    assert "已处理" in " ".join(message_texts(reply(client_a, note)))
    assert not CommentReply.objects.exists()


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize("action", [resolve, reply])
def test_outside_the_scope_every_comment_url_is_404(request, who, action, project, note):
    set_status(project, S.RETURNED)
    response = action(client_for(request.getfixturevalue(who)), note)
    assert response.status_code == 404
    note.refresh_from_db()
    assert note.resolved_at is None and not note.replies.exists()


@pytest.mark.parametrize("action", ["comment_resolve", "comment_reply"])
def test_a_comment_of_another_project_is_404_and_get_is_refused(
    client_a, alice, project, note, action
):
    other = factories.ready_project(unit=alice.unit, name="另一个项目")
    set_status(project, S.RETURNED)
    url = reverse(f"reviews:{action}", args=[other.pk, note.pk])
    assert client_a.post(url, {"text": "x", "resolved": "1"}).status_code == 404
    own = reverse(f"reviews:{action}", args=[project.pk, note.pk])
    assert client_a.get(own).status_code == 405
    note.refresh_from_db()
    assert note.resolved_at is None and not note.replies.exists()


def test_the_panel_lists_comments_of_every_sheet_with_links_to_their_place(
    client_a, charlie, project, note
):
    ReviewComment.objects.create(
        project=project,
        author=charlie,
        version_number=1,
        sheet=Sheet.OVERVIEW,
        anchor="annual_goal",
        anchor_label="年度绩效目标",
        text="年度目标过于笼统。",
    )
    set_status(project, S.RETURNED)
    body = client_a.get(sheet_url(project, Sheet.GOALS)).content.decode()
    panel = body[body.index('id="comments-panel"') :]
    assert f'href="#comment-{note.pk}"' in panel  # this sheet: the comment in its row
    other = ReviewComment.objects.get(sheet=Sheet.OVERVIEW)
    assert f'href="{sheet_url(project, Sheet.OVERVIEW)}#comment-{other.pk}"' in panel
    assert 'id="count-open-comments">2<' in panel
