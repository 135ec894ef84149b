"""Small helpers shared by the review workflow tests."""

from django.contrib.messages import get_messages
from django.urls import reverse

from apps.projects.models import Project
from tests.formdata import form_data

Status = Project.Status

# What each allowed action moves the project to.
RESULT = {
    "submit": Status.SUBMITTED,
    "pass": Status.DEPT_PASSED,
    "return": Status.RETURNED,
    "approve": Status.APPROVED,
    "adjust": Status.ADJUSTING,
}


def set_status(project: Project, status: str) -> Project:
    """Put the project in ``status`` directly (the state under test, not how it got there)."""
    grade = "A" if status == Status.APPROVED else ""
    Project.objects.filter(pk=project.pk).update(status=status, grade=grade)
    project.refresh_from_db()
    return project


def act(client, project, action: str, reason="理由", grade="A"):
    """POST one workflow action as the project page's form does (fields prefixed by the
    action, e.g. ``return-reason``, ``approve-grade``)."""
    data = {f"{action}-reason": reason}
    if action == "approve":
        data["approve-grade"] = grade
    return client.post(reverse(f"reviews:{action}", args=[project.pk]), data)


def message_texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def sheet_url(project, sheet) -> str:
    return reverse("projects:sheet", args=[project.pk, sheet])


def sheet_data(client, project, sheet) -> dict[str, str]:
    response = client.get(sheet_url(project, sheet))
    assert response.status_code == 200
    return form_data(response.content.decode())


def save_sheet(client, project, sheet, **changes):
    """Open a sheet page, change some inputs and save it, as a filler would."""
    data = sheet_data(client, project, sheet)
    data.update(changes)
    response = client.post(sheet_url(project, sheet), data)
    assert response.status_code == 302, message_texts(response) or response.content.decode()[:3000]
    return response


def login(client_class, user):
    client = client_class()
    client.force_login(user)
    return client
