"""The review pages' query counts do not grow with what they list."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.reviews import services
from tests import factories
from tests.reviews.helpers import save_sheet, set_status

S = Project.Status


def queries(client, url, **params) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def add_submitted_projects(unit, n, start=0):
    for i in range(start, start + n):
        p = factories.ready_project(
            unit=unit, name=f"项目{i}", lines=((Decimal("1000"), None, None),)
        )
        set_status(p, S.SUBMITTED)


@pytest.mark.parametrize("status", ["", "all"])
def test_queue_queries_are_constant(client_c, alice, status):
    add_submitted_projects(alice.unit, 1)
    few = queries(client_c, reverse("reviews:queue"), status=status)
    add_submitted_projects(alice.unit, 4, start=1)
    assert queries(client_c, reverse("reviews:queue"), status=status) == few


def test_history_and_versions_queries_are_constant(client_a, client_c, alice, charlie, project):
    def round_trip(i):
        services.project_submit(project=project, actor=alice)
        services.project_return(project=project, actor=charlie, reason=f"第{i}次退回")
        save_sheet(client_a, project, Sheet.OVERVIEW, leader=f"负责人{i}", contact=f"联系人{i}")

    round_trip(0)
    urls = [
        reverse("reviews:history", args=[project.pk]),
        reverse("reviews:versions", args=[project.pk]),
        reverse("projects:detail", args=[project.pk]),
    ]
    few = [queries(client_c, u) for u in urls]
    for i in range(1, 4):
        round_trip(i)
    assert [queries(client_c, u) for u in urls] == few


def test_notification_list_queries_are_constant(client_a, client_c, alice, charlie, project):
    services.project_submit(project=project, actor=alice)
    url = reverse("reviews:notifications")
    few = queries(client_c, url)
    for i in range(3):
        services.project_return(project=project, actor=charlie, reason=f"退回{i}")
        services.project_submit(project=project, actor=alice)
    assert queries(client_c, url) == few


def test_sheet_page_queries_do_not_grow_with_comments(client_a, client_c, project):
    from apps.reviews.models import ReviewComment

    set_status(project, S.SUBMITTED)
    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    rows = list(project.indicators.all())
    ReviewComment.objects.create(
        project=project,
        author_id=client_c.session["_auth_user_id"],
        version_number=1,
        sheet=Sheet.GOALS,
        anchor=f"indicator:{rows[0].pk}",
        text="一",
    )
    few = queries(client_a, url)
    for row in rows[1:]:
        ReviewComment.objects.create(
            project=project,
            author_id=client_c.session["_auth_user_id"],
            version_number=1,
            sheet=Sheet.GOALS,
            anchor=f"indicator:{row.pk}",
            text="多",
        )
    assert queries(client_a, url) == few
