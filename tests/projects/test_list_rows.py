"""The project list writes its rows in Python (apps/projects/templatetags/list_tags.py):
the same bytes as their include, ``projects/_list_row.html``, for every kind of row."""

import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from apps.projects.models import Project
from apps.projects.templatetags.list_tags import _PK, project_row_html, queue_row_html
from tests import factories


@pytest.fixture
def listed(alice):
    project = factories.ready_project(unit=alice.unit, name="<平台> & “一期” '\"")
    return project


def variants(project):
    now = timezone.now()
    for status in Project.Status.values:
        for submitted, waiting in ((None, None), (now, now - datetime.timedelta(days=3))):
            for errors, warnings in ((0, 0), (3, 2)):
                for lines_total in (None, Decimal("1234567.5")):
                    p = Project.objects.select_related("unit", "budget_year").get(pk=project.pk)
                    p.status, p.error_count, p.warning_count = status, errors, warnings
                    p.submitted_at, p.waiting_since, p.lines_total = submitted, waiting, lines_total
                    yield p


def test_rows_are_the_includes_bytes(listed):
    detail = reverse("projects:detail", args=[_PK])
    compared = 0
    for p in variants(listed):
        assert project_row_html(p, detail) == render_to_string("projects/_list_row.html", {"p": p})
        compared += 1
    assert compared == len(Project.Status.values) * 8


def test_the_list_shows_its_rows_and_says_when_there_are_none(client_a, listed, client, bob):
    body = client_a.get(reverse("projects:list")).content.decode()
    assert f'href="/projects/{listed.pk}/"' in body
    assert "&lt;平台&gt; &amp; “一期”" in body
    assert "没有项目。" not in body
    client.force_login(bob)
    assert "没有项目。" in client.get(reverse("projects:list")).content.decode()


def test_queue_rows_are_the_includes_bytes(listed, charlie):
    from apps.reviews import permissions
    from apps.reviews.forms import BatchForm

    detail = reverse("projects:detail", args=[_PK])
    projects = list(variants(listed))
    form = BatchForm(projects=projects, actions=permissions.batch_actions(charlie))
    compared = 0
    for batch in (form, None):
        for p, box in zip(projects, form["ids"], strict=True):
            context = {"p": p, "box": box, "batch": batch}
            included = render_to_string("reviews/_queue_row.html", context)
            assert queue_row_html(p, box, bool(batch), detail) == included
            compared += 1
    assert compared == 2 * len(projects)


def test_a_ticked_box_is_written_ticked(listed, charlie):
    from apps.reviews import permissions
    from apps.reviews.forms import BatchForm

    detail = reverse("projects:detail", args=[_PK])
    p = next(variants(listed))
    form = BatchForm(
        initial={"ids": [p.pk]}, projects=[p], actions=permissions.batch_actions(charlie)
    )
    box = next(iter(form["ids"]))
    html = queue_row_html(p, box, True, detail)
    assert " checked" in html
    assert html == render_to_string("reviews/_queue_row.html", {"p": p, "box": box, "batch": form})
