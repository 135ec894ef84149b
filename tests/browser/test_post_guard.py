"""The sheet page refuses, on the page, a post the server could not accept: the user
keeps everything typed (issue 16, item 4)."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from apps.checks.findings import Sheet
from apps.indicators.forms import IndicatorFormSet
from apps.projects.models import Project
from tests import factories
from tests.formdata import form_data

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _page_post(client, project) -> dict:
    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    return form_data(client.get(url).content.decode())


@pytest.fixture
def goals(logged_in_page, live_server, alice, client):
    project = factories.ready_project(unit=alice.unit)
    client.force_login(alice)
    url = f"{live_server.url}/projects/{project.pk}/sheets/goals/"
    return project, url, _page_post(client, project)


def test_too_many_fields_are_refused_before_posting(logged_in_page, goals, settings, client):
    project, url, data = goals
    # The page as loaded fits; one more indicator row (7 fields) does not.
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = len(data) + 3
    page = logged_in_page
    page.goto(url)
    page.fill("#id_composition", "刚刚写下的建设内容")
    page.click("#add-indicator")
    page.select_option("#id_ind-6-level2", label="数量")
    page.fill("#id_ind-6-name", "新加的指标")
    page.click("#save-button")
    guard = page.locator("#post-guard")
    expect(guard).to_be_visible()
    expect(guard).to_contain_text("超过系统一次能接收的")
    expect(guard).to_contain_text("您的输入仍在本页")
    assert page.url == url  # nothing navigated
    expect(page.locator("#id_composition")).to_have_value("刚刚写下的建设内容")
    expect(page.locator("#id_ind-6-name")).to_have_value("新加的指标")
    expect(page.locator("#save-button")).to_be_enabled()
    assert project.indicators.count() == 6
    project.refresh_from_db()
    assert project.composition == "建设内容。"
    # The guard is not crying wolf: the server would have refused that post.
    data.update(
        {
            **{f"ind-6-{k}": "1" for k in ("level2", "name", "target_raw", "remark", "id")},
            "ind-TOTAL_FORMS": "7",
        }
    )
    response = client.post(
        reverse("projects:sheet", args=[project.pk, Sheet.GOALS]),
        urlencode(data),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400


def test_too_big_a_page_is_refused_before_posting(logged_in_page, goals, settings):
    project, url, data = goals
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = len(urlencode(data)) + 500
    page = logged_in_page
    page.goto(url)
    page.fill("#id_composition", "很长的建设内容" * 100)
    page.click("#save-button")
    expect(page.locator("#post-guard")).to_contain_text("MB，超过系统一次能接收的")
    expect(page.locator("#check-state")).to_contain_text("实时检查已暂停")
    assert page.url == url
    assert Project.objects.get(pk=project.pk).composition == "建设内容。"
    # Shortened again, the same page saves.
    page.fill("#id_composition", "短的建设内容")
    page.click("#save-button")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Project.objects.get(pk=project.pk).composition == "短的建设内容"


def test_adding_a_row_past_the_limit_is_refused(logged_in_page, goals, monkeypatch):
    project, url, _ = goals
    monkeypatch.setattr(IndicatorFormSet, "max_num", 6)
    page = logged_in_page
    page.goto(url)
    page.click("#add-indicator")
    expect(page.locator("#post-guard")).to_contain_text("本表最多 6 行，不能再添加")
    expect(page.locator("#ind-rows tr.sheet-row")).to_have_count(6)
