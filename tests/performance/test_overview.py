"""The unit and department overview: figures from hand-computed cases, scope, queries."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.performance.overview import overview
from tests import factories
from tests.performance.helpers import FULL, approve, filled, monitored, open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(approved, project, alice, bob, fiona):
    """Unit A: two approved projects (100 and 88.34 points; lights green and red);
    unit B: one approved project, not evaluated, monitored green; one draft (not counted)."""
    round_ = open_round(fiona)
    filled(approved, alice)  # 100
    monitored(round_, approved, alice)  # 455,500 of 911,000: green
    second = factories.ready_project(unit=alice.unit, name="第二个项目")
    approve(second, alice)
    filled(second, alice, [{"actual": "50%", "reason": "延期"}, *FULL[1:]], executed=D("455500"))
    monitored(round_, second, alice, forecasts=("no",) + ("yes",) * 5, reason="r", measures="m")
    other = factories.ready_project(unit=bob.unit, name="信息中心项目")
    approve(other, bob)
    monitored(round_, other, bob, executed=D("911000"))
    factories.ready_project(unit=bob.unit, name="草稿项目")
    return round_


def test_figures(year, fiona, unit_a, unit_b):
    o = overview(fiona, 2020)
    a, b = ({r.name: r for r in o.units}[u.name] for u in (unit_a, unit_b))
    # A: 100 and 100 − 8.33 (row 1: 50 % of 16.67) − 5 (budget 50 %) = 86.67
    assert (a.approved, a.evaluated, a.average_score) == (2, 2, D("93.34"))
    assert a.grades == {"优": 1, "良": 1, "中": 0, "差": 0}
    assert a.execution_rate == D("75.00")  # (911,000 + 455,500) / 1,822,000
    assert (a.monitored, a.lights, a.light, a.monitoring_rate) == (
        2, {"red": 1, "yellow": 0, "green": 1}, "red", D("50.00"),
    )  # fmt: skip
    assert (b.approved, b.evaluated, b.average_score, b.light, b.monitoring_rate) == (
        1, 0, None, "green", D("100.00"),
    )  # fmt: skip
    (dept,) = o.departments
    assert (dept.approved, dept.evaluated, dept.monitored, dept.light) == (3, 2, 3, "red")
    assert o.totals.lights == {"red": 1, "yellow": 0, "green": 2}


def test_scoped_to_the_users_units(year, bob, outsider):
    assert [r.name for r in overview(bob, 2020).units] == ["上海市闵行区教育信息中心"]
    assert overview(outsider, 2020).units == []


def test_page_and_constant_queries(client, year, fiona, alice):
    client.force_login(fiona)
    url = reverse("performance:overview")
    with CaptureQueriesContext(connection) as before:
        page = client.get(url, {"year": 2020}).content.decode()
    assert "93.34" in page and "75.00%" in page and "1–6月" in page
    for i in range(3):
        p = factories.ready_project(unit=alice.unit, name=f"更多{i}")
        approve(p, alice)
        filled(p, alice)
    with CaptureQueriesContext(connection) as after:
        client.get(url, {"year": 2020})
    assert len(before.captured_queries) == len(after.captured_queries)


def test_bad_parameters_do_not_fail(client, year, fiona):
    client.force_login(fiona)
    assert (
        client.get(reverse("performance:overview"), {"year": "x", "round": "y"}).status_code == 200
    )
    for year in ("1999", "99999999999999999999", "-1"):
        assert client.get(reverse("performance:overview"), {"year": year}).status_code == 200
