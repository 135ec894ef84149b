"""Saving a sheet that nobody changed costs no more than showing it: no lock, no history,
no second run of the rules. What does change — a value, a row's place, stale stored
counts — is still saved."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.indicators.models import Indicator
from apps.projects.models import Project
from tests.formdata import form_data


def url(project, sheet=Sheet.GOALS):
    return reverse("projects:sheet", args=[project.pk, sheet])


@pytest.mark.parametrize("sheet", list(Sheet))
def test_an_unchanged_save_runs_fewer_queries_than_the_page(client_a, project, sheet):
    before = project.revision
    with CaptureQueriesContext(connection) as get:
        data = form_data(client_a.get(url(project, sheet)).content.decode())
    with CaptureQueriesContext(connection) as post:
        response = client_a.post(url(project, sheet), data)
    assert response.status_code == 302
    assert len(post.captured_queries) <= len(get.captured_queries)
    assert not [q for q in post.captured_queries if "FOR UPDATE" in q["sql"]]
    project.refresh_from_db()
    assert project.revision == before


def test_moving_a_row_only_is_saved(client_a, project):
    before = project.revision
    data = form_data(client_a.get(url(project)).content.decode())
    prefixes = data["ind-ROWS"].split(",")
    data["ind-ROWS"] = ",".join([*prefixes[1:], prefixes[0]])
    first = Indicator.objects.filter(project=project).order_by("order").first()
    assert client_a.post(url(project), data).status_code == 302
    last = Indicator.objects.filter(project=project).order_by("order").last()
    assert last.pk == first.pk
    project.refresh_from_db()
    assert project.revision == before + 1


def test_stale_stored_counts_are_refreshed_by_an_unchanged_save(client_a, project):
    Project.objects.filter(pk=project.pk).update(error_count=5, lines_total=Decimal("1"))
    data = form_data(client_a.get(url(project)).content.decode())
    assert client_a.post(url(project), data).status_code == 302
    project.refresh_from_db()
    assert (project.error_count, project.lines_total) == (0, Decimal("911000.00"))


def test_an_unchanged_save_from_an_old_revision_is_refused(client_a, project):
    data = form_data(client_a.get(url(project)).content.decode())
    Project.objects.filter(pk=project.pk).update(revision=7)
    response = client_a.post(url(project), data)
    assert response.status_code == 200
    assert "在您打开本页之后，有人保存了本项目" in response.content.decode()
