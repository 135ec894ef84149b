"""A filler of another unit gets 404 on every project URL — reading and writing."""

import pytest
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.projects.models import Project

GET_URLS = [
    ("projects:detail", ()),
    ("projects:sub_projects", ()),
    *[("projects:sheet", (s,)) for s in Sheet],
]
POST_URLS = [
    ("projects:sub_projects", ()),
    *[("projects:sheet", (s,)) for s in Sheet],
    *[("projects:sheet_check", (s,)) for s in Sheet],
]


@pytest.mark.parametrize(("name", "extra"), GET_URLS)
def test_other_unit_filler_gets_404_on_get(client, bob, project, name, extra):
    client.force_login(bob)
    assert client.get(reverse(name, args=[project.pk, *extra])).status_code == 404


@pytest.mark.parametrize(("name", "extra"), POST_URLS)
def test_other_unit_filler_gets_404_on_post_and_nothing_changes(client, bob, project, name, extra):
    client.force_login(bob)
    before = Project.objects.values().get(pk=project.pk)
    response = client.post(reverse(name, args=[project.pk, *extra]), {"name": "篡改"})
    assert response.status_code == 404
    assert Project.objects.values().get(pk=project.pk) == before


@pytest.mark.parametrize(("name", "extra"), GET_URLS)
def test_reviewer_of_other_department_gets_404(client, outsider, project, name, extra):
    client.force_login(outsider)
    assert client.get(reverse(name, args=[project.pk, *extra])).status_code == 404


def test_department_reviewer_sees_units_under_it_read_only(client, charlie, project):
    client.force_login(charlie)
    response = client.get(reverse("projects:sheet", args=[project.pk, Sheet.OVERVIEW]))
    assert response.status_code == 200
    assert "只读" in response.content.decode()
    response = client.post(
        reverse("projects:sheet", args=[project.pk, Sheet.OVERVIEW]), {"name": "审核人改名"}
    )
    assert response.status_code == 200 and "没有保存" in response.content.decode()
    project.refresh_from_db()
    assert project.name == "安全集成管理平台"


def test_anonymous_is_sent_to_login(client, project):
    response = client.get(reverse("projects:detail", args=[project.pk]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_list_shows_only_own_unit(client, alice, bob, project):
    from tests import factories

    factories.ready_project(unit=bob.unit, name="信息中心的项目")
    client.force_login(alice)
    body = client.get(reverse("projects:list")).content.decode()
    assert "安全集成管理平台" in body
    assert "信息中心的项目" not in body


def test_row_ids_of_another_project_are_refused(client_a, alice, bob, project):
    """A posted row id that belongs to another project must not be edited through this one."""
    from tests import factories

    other = factories.ready_project(unit=bob.unit, name="别人的项目")
    foreign = other.rule_documents.first()
    url = reverse("projects:sheet", args=[project.pk, Sheet.GUARANTEES])
    data = {
        "doc-TOTAL_FORMS": "1",
        "doc-INITIAL_FORMS": "1",
        "doc-MIN_NUM_FORMS": "0",
        "doc-MAX_NUM_FORMS": "1000",
        "doc-0-id": str(foreign.pk),
        "doc-0-category": "project",
        "doc-0-title": "被篡改",
        "doc-0-measures": "x",
        "doc-0-stage_planning": "on",
    }
    response = client_a.post(url, data)
    assert response.status_code == 200  # re-rendered with the error, nothing saved
    foreign.refresh_from_db()
    assert foreign.title != "被篡改"
    assert "该行已不存在或不属于本项目" in response.content.decode()
