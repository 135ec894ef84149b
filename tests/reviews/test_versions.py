"""Submitted versions: numbered per submission, compared side by side; an adjustment of
an approved project keeps the approved version readable as it was approved."""

import re

from django.urls import reverse

from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.reviews.models import ProjectVersion
from tests.reviews.helpers import act, message_texts, save_sheet

S = Project.Status


def status(project) -> str:
    return Project.objects.get(pk=project.pk).status


def diff_rows(body: str) -> dict[str, tuple[str, str]]:
    """data-key → (old cell, new cell) of the diff tables."""
    rows = re.findall(
        r'<tr data-key="([^"]+)"><td>[^<]*</td><td class="diff-old">(.*?)</td>'
        r'<td class="diff-new">(.*?)</td></tr>',
        body,
        flags=re.S,
    )
    return {key: (old, new) for key, old, new in rows}


def diff_tables(body: str) -> str:
    return "".join(re.findall(r'<table class="[^"]*diff-table">.*?</table>', body, flags=re.S))


def test_each_submit_creates_a_numbered_version(client_a, client_c, alice, project):
    act(client_a, project, "submit")
    v1 = ProjectVersion.objects.get(project=project)
    assert (v1.number, v1.created_by, v1.adjustment) == (1, alice, 0)
    assert v1.data["fields"]["leader"] == "周硕青"
    act(client_c, project, "return", reason="改")
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="王五")
    act(client_a, project, "submit")
    assert list(project.versions.values_list("number", flat=True)) == [1, 2]
    assert project.versions.get(number=2).data["fields"]["leader"] == "王五"
    assert project.versions.get(number=1).data["fields"]["leader"] == "周硕青"

    body = client_c.get(reverse("reviews:versions", args=[project.pk])).content.decode()
    assert "第 1 版" in body and "第 2 版" in body
    v2 = client_c.get(reverse("reviews:version", args=[project.pk, 2])).content.decode()
    assert "王五" in v2 and "周硕青" not in v2


def test_diff_shows_exactly_the_changed_values_side_by_side(client_a, client_c, project):
    target_row = project.indicators.order_by("order")[5]
    act(client_a, project, "submit")
    act(client_c, project, "return", reason="改")
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="王五")
    save_sheet(client_a, project, Sheet.GOALS, **{"ind-5-target_raw": "≥95%"})
    act(client_a, project, "submit")

    response = client_c.get(reverse("reviews:diff", args=[project.pk]), {"a": 1, "b": 2})
    assert response.status_code == 200
    body = response.content.decode()
    assert diff_rows(body) == {
        "f.leader": ("周硕青", "王五"),
        f"indicators.{target_row.pk}.target_raw": ("≥90%", "≥95%"),
    }
    assert "第 1 版 → 第 2 版：2 处不同" in body
    tables = diff_tables(body)
    for unchanged in ("陈杰", "18017592779", "平台建设计划完成率", "=100%", "制度1"):
        assert unchanged not in tables
    assert "无变化" in body  # sheet 3 had no change

    # The default comparison is the latest two versions.
    latest = client_c.get(reverse("reviews:diff", args=[project.pk])).content.decode()
    assert diff_rows(latest) == diff_rows(body)


def test_diff_with_a_single_version_says_so(client_a, project):
    act(client_a, project, "submit")
    response = client_a.get(reverse("reviews:diff", args=[project.pk]))
    assert response.status_code == 302
    assert "只有一个提交版本，还没有可比较的内容。" in message_texts(response)


def test_unknown_version_is_404(client_a, project):
    act(client_a, project, "submit")
    assert client_a.get(reverse("reviews:version", args=[project.pk, 9])).status_code == 404


def test_adjustment_keeps_the_approved_version_and_goes_round_again(
    client_a, client_c, client_f, project
):
    act(client_a, project, "submit")
    act(client_c, project, "pass")
    act(client_f, project, "approve", grade="A")
    assert status(project) == S.APPROVED
    approved = project.versions.get()
    assert approved.approved_at is not None and approved.grade == "A"

    # Approved targets are frozen: the filler cannot save.
    data_before = Project.objects.values().get(pk=project.pk)
    client_a.post(
        reverse("projects:sheet", args=[project.pk, Sheet.OVERVIEW]), {"leader": "冻结后改"}
    )
    assert Project.objects.values().get(pk=project.pk) == data_before

    act(client_a, project, "adjust", reason="预算调整")
    project.refresh_from_db()
    assert (project.status, project.adjustment) == (S.ADJUSTING, 1)
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="调整后负责人")
    project.refresh_from_db()
    assert project.leader == "调整后负责人"

    v1 = client_a.get(reverse("reviews:version", args=[project.pk, 1])).content.decode()
    assert "周硕青" in v1 and "调整后负责人" not in v1
    assert "等级 优" in v1
    assert "项目正在调整，这是已批复的版本。" in v1

    act(client_a, project, "submit")
    assert status(project) == S.SUBMITTED
    v2 = project.versions.get(number=2)
    assert v2.adjustment == 1 and v2.data["fields"]["leader"] == "调整后负责人"
    assert v2.approved_at is None
    act(client_c, project, "pass")
    act(client_f, project, "approve", grade="B")
    project.refresh_from_db()
    assert (project.status, project.grade) == (S.APPROVED, "B")
    first, second = project.versions.order_by("number")
    assert (first.grade, second.grade) == ("A", "B")
    assert first.data["fields"]["leader"] == "周硕青"

    diff = client_a.get(reverse("reviews:diff", args=[project.pk])).content.decode()
    assert diff_rows(diff) == {"f.leader": ("周硕青", "调整后负责人")}
