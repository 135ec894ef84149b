"""Regressions found by an independent review of the workflow."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.history.models import Change
from apps.indicators.models import Level2
from apps.projects.models import Project
from apps.reviews.models import FilingRound
from tests.formdata import form_data
from tests.reviews.helpers import act, message_texts, save_sheet, set_status, sheet_data, sheet_url

S = Project.Status


def test_a_return_reason_on_several_lines_still_reaches_the_filler_by_mail(
    client_a, client_c, alice, project, django_capture_on_commit_callbacks
):
    alice.email = "alice@example.org"
    alice.save(update_fields=["email"])
    act(client_a, project, "submit")
    with django_capture_on_commit_callbacks(execute=True):
        act(client_c, project, "return", reason="1. 年度目标不具体；\r\n2. 成本指标缺失。")
    [message] = [m for m in mail.outbox if m.to == ["alice@example.org"]]
    assert "\n" not in message.subject and "退回" in message.subject
    assert "2. 成本指标缺失。" in message.body


def test_sub_projects_an_invalid_post_keeps_the_page_revision(client_a, client_h, project):
    """An invalid post must not quietly adopt a colleague's newer revision."""
    url = reverse("projects:sub_projects", args=[project.pk])
    project.sub_projects.create(name="PATHS")
    alices = form_data(client_a.get(url).content.decode(), form_id="sub-form")
    hanks = form_data(client_h.get(url).content.decode(), form_id="sub-form")
    hanks["sub-0-name"] = "PATHS课程"
    assert client_h.post(url, hanks).status_code == 302
    alices["sub-1-name"] = "PATHS"  # a duplicate of the row above: refused as invalid
    refused = client_a.post(url, alices)
    assert refused.status_code == 200
    again = form_data(refused.content.decode(), form_id="sub-form")
    again["sub-1-name"] = "WAP"
    response = client_a.post(url, again)
    assert response.status_code == 200 and "没有保存" in response.content.decode()
    assert sorted(project.sub_projects.values_list("name", flat=True)) == ["PATHS课程"]


def test_versions_page_compares_the_previous_version_with_the_latest(client_a, client_c, project):
    act(client_a, project, "submit")
    act(client_c, project, "return")
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="新负责人")
    act(client_a, project, "submit")
    page = client_c.get(reverse("reviews:versions", args=[project.pk])).content.decode()
    a = page.split('name="a"')[1].split("</select>")[0]
    b = page.split('name="b"')[1].split("</select>")[0]
    assert 'value="1" selected' in a and 'value="2" selected' in b


def test_a_save_refused_because_a_colleague_submitted_keeps_the_input(client_a, client_h, project):
    data = sheet_data(client_a, project, Sheet.OVERVIEW)
    act(client_h, project, "submit")
    data["annual_goal"] = "刚写好的一大段年度目标"
    response = client_a.post(sheet_url(project, Sheet.OVERVIEW), data)
    assert response.status_code == 200
    assert "没有保存" in " ".join(message_texts(response))
    assert "刚写好的一大段年度目标" in response.content.decode()
    project.refresh_from_db()
    assert project.annual_goal != "刚写好的一大段年度目标"


def test_a_level_renamed_by_an_administrator_is_not_the_next_fillers_change(client_a, project):
    level2 = project.indicators.first().level2
    Level2.objects.filter(pk=level2.pk).update(name=f"{level2.name}（改）")
    save_sheet(client_a, project, Sheet.OVERVIEW, leader="李四")
    assert list(Change.objects.filter(project=project).values_list("key", flat=True)) == [
        "f.leader"
    ]


def test_history_pages_do_not_claim_read_only_for_an_editable_draft(client_a, project):
    body = client_a.get(reverse("reviews:history", args=[project.pk])).content.decode()
    assert "只读：" not in body


def test_reversed_round_dates_get_a_chinese_message(project):
    round_ = FilingRound(
        budget_year=project.budget_year,
        opens_on=datetime.date(2020, 5, 1),
        closes_on=datetime.date(2020, 4, 1),
    )
    with pytest.raises(ValidationError) as exc:
        round_.full_clean()
    assert "开始日期不能晚于截止日期。" in str(exc.value)


def test_an_adjustment_does_not_show_the_old_grade_as_its_own(client_a, project):
    set_status(project, S.APPROVED)
    act(client_a, project, "adjust", reason="预算调整")
    project.refresh_from_db()
    assert (project.status, project.grade, project.approved_at) == (S.ADJUSTING, "", None)
    body = client_a.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert 'id="project-grade"' not in body
