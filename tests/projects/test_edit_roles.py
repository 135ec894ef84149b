"""Who edits a unit's sheets: its fillers and its unit head, while the project is a draft,
returned or being adjusted — nobody else, administrators included (issue 16, item 6)."""

import pytest
from django.urls import reverse

from apps.accounts.models import User
from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.projects.permissions import can_edit
from apps.units.models import Unit
from tests import factories
from tests.formdata import form_data

# role → (may edit a draft of unit A, what a save of its sheet answers)
ROLES = {
    "filler": (True, 302),
    "unit_head": (True, 302),
    "other_unit_filler": (False, 404),
    "dept_reviewer": (False, 200),
    "finance_reviewer": (False, 200),
    "admin": (False, 200),
    "superuser": (False, 200),
}


@pytest.fixture
def users(alice, bob, charlie, unit_a):
    superuser = factories.user("su", User.Role.FILLER, Unit.objects.get(code="002"))
    superuser.is_superuser = superuser.is_staff = True
    superuser.save()
    return {
        "filler": alice,
        "unit_head": factories.user("hank", User.Role.UNIT_HEAD, unit_a),
        "other_unit_filler": bob,
        "dept_reviewer": charlie,
        "finance_reviewer": factories.user("fiona", User.Role.FINANCE_REVIEWER),
        "admin": factories.user("adam", User.Role.ADMIN),
        "superuser": superuser,
    }


@pytest.mark.parametrize("status", [Project.Status.DRAFT, Project.Status.RETURNED])
@pytest.mark.parametrize("role", list(ROLES))
def test_can_edit_by_role(users, project, role, status):
    project.status = status
    allowed, reason = can_edit(users[role], project)
    assert allowed is ROLES[role][0]
    assert allowed or reason  # a refusal always says why


@pytest.mark.parametrize("role", ["filler", "unit_head"])
def test_nobody_edits_while_under_review(users, project, role):
    project.status = Project.Status.SUBMITTED
    assert can_edit(users[role], project)[0] is False


def test_the_admin_is_told_who_edits(users, project):
    allowed, reason = can_edit(users["admin"], project)
    assert not allowed and "本单位填报人" in reason


@pytest.mark.parametrize("role", list(ROLES))
def test_saving_a_sheet_by_role(client, users, project, role):
    url = reverse("projects:sheet", args=[project.pk, Sheet.OVERVIEW])
    client.force_login(alice := users["filler"])
    data = form_data(client.get(url).content.decode())
    data["leader"] = f"{role}写的负责人"
    client.force_login(users[role])
    response = client.post(url, data)
    may_edit, status = ROLES[role]
    assert response.status_code == status
    project.refresh_from_db()
    assert (project.leader == f"{role}写的负责人") is may_edit
    if status == 200:  # refused on the page, with the reason, and the input kept
        html = response.content.decode()
        assert "没有保存" in html and f"{role}写的负责人" in html
    assert alice.unit == project.unit


@pytest.mark.parametrize("role", list(ROLES))
def test_sub_projects_by_role(client, users, project, role):
    url = reverse("projects:sub_projects", args=[project.pk])
    client.force_login(users[role])
    data = {
        "sub-TOTAL_FORMS": "1",
        "sub-INITIAL_FORMS": "0",
        "sub-0-name": "新子项目",
        "revision": str(project.revision),
    }
    response = client.post(url, data)
    may_edit, status = ROLES[role]
    assert response.status_code == (404 if status == 404 else 302)
    assert project.sub_projects.filter(name="新子项目").exists() is may_edit


def test_the_admins_sheet_page_is_read_only(client, users, project):
    client.force_login(users["admin"])
    page = client.get(reverse("projects:sheet", args=[project.pk, Sheet.OVERVIEW])).content
    html = page.decode()
    assert 'id="save-button"' not in html and "只读" in html
