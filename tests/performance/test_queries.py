"""Pages and lists in a fixed number of queries, whatever the number of rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.performance.services import evaluation_start
from tests import factories
from tests.performance.helpers import approve

pytestmark = pytest.mark.django_db


def _project(unit, alice, n, name):
    rows = [("产出目标", "数量", f"指标{i}", "≥90%") for i in range(n)]
    rows += [("效果目标", "社会效益", "效益", "有提升"), ("影响力目标", "满意度", "满意度", "≥90%")]
    project = factories.ready_project(unit=unit, name=name, indicators=rows)
    approve(project, alice)
    return evaluation_start(project=project, actor=alice)


def _count(client, url, method="get", data=None):
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(url, data or {})
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_evaluation_page_and_check_constant_in_rows(client_a, alice):
    small = _project(alice.unit, alice, 2, "小项目")
    large = _project(alice.unit, alice, 40, "大项目")
    for name, method in [("detail", "get"), ("check", "post"), ("print", "get")]:
        counts = [
            _count(client_a, reverse(f"performance:{name}", args=[e.pk]), method)
            for e in (small, large)
        ]
        assert counts[0] == counts[1], (name, counts)


def test_list_constant_in_evaluations(client, alice, charlie, django_assert_num_queries):
    _project(alice.unit, alice, 2, "项目1")
    client.force_login(charlie)
    url = reverse("performance:list")
    one = _count(client, url)
    for i in range(2, 6):
        _project(alice.unit, alice, 2, f"项目{i}")
    with django_assert_num_queries(one):
        response = client.get(url)
    assert response.content.decode().count("项目") >= 5
