"""Benchmark of the reviewers' overview (审核概览) at 50,000 projects in one year.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_dashboard.py [--quick]

It creates ``test_<NAME>`` of the configured database, fills it by bulk_create (50 units
under one department, 50,000 projects of 2020 in every state, with grades, findings and the
review events that date their waits; 2,000 with ``--quick``), measures, and drops it again.

Printed: the server time of ``GET /reviews/dashboard/?year=2020`` (perf_counter around a
``django.test.Client`` call: 3 warm-ups, then 20 runs, or 5 with ``--quick``) for a finance
reviewer (every unit) and for the department's reviewer (its units), with the query count of
one run, beside the floor: the same aggregate SQL the page runs, sent bare through a cursor.
Target ≤ 150 ms median for the page. The exit code is always 0 (CI runs it with ``--quick``).
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import datetime
import os
import platform
import re
import socket
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal

from benchlib import analyze, cpu_model, pad, progress, setup_django

setup_django()

import django
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.projects.models import Project
from apps.reviews.models import FilingRound, ReviewEvent
from apps.units.models import Unit

WARMUPS = 3
TARGET_MS = 150.0
UNITS = 50
S = Project.Status
STATES = [S.DRAFT, S.SUBMITTED, S.DEPT_PASSED, S.RETURNED, S.APPROVED, S.ADJUSTING]
GRADES = [g.value for g in Project.Grade]


def build(n_projects: int) -> tuple[User, User]:
    department = Unit.objects.create(code="990", name="基准测试主管部门", kind=Unit.Kind.DEPARTMENT)
    units = Unit.objects.bulk_create(
        Unit(code=f"990{i:03d}", name=f"基准测试单位{i:02d}", parent=department)
        for i in range(1, UNITS + 1)
    )
    filler = User.objects.create_user("bench_filler", role=User.Role.FILLER, unit=units[0])
    finance = User.objects.create_user("bench_finance", role=User.Role.FINANCE_REVIEWER)
    dept = User.objects.create_user("bench_dept", role=User.Role.DEPT_REVIEWER, unit=department)
    year = BudgetYear.objects.get(year=2020)
    today = timezone.localdate()
    FilingRound.objects.create(
        budget_year=year, opens_on=today - timedelta(days=20), closes_on=today + timedelta(days=10)
    )
    progress(f"bulk_create {n_projects:,} projects")
    projects = [
        Project(
            unit=units[i % UNITS],
            budget_year=year,
            name=f"基准项目{i:06d}",
            status=STATES[i % len(STATES)],
            grade=GRADES[i % len(GRADES)] if STATES[i % len(STATES)] == S.APPROVED else "",
            category=Project.Category.ONE_OFF,
            current_budget=Decimal(1000 + i),
            error_count=i % 3 if STATES[i % len(STATES)] == S.DRAFT else 0,
        )
        for i in range(n_projects)
    ]
    Project.objects.bulk_create(projects, batch_size=5000)
    progress("bulk_create the review events")
    now = timezone.now()
    events = []
    for i, p in enumerate(projects):
        if p.status == S.DRAFT:
            continue
        submitted = now - timedelta(days=i % 30, hours=i % 24)
        events.append(
            ReviewEvent(
                project=p,
                actor=filler,
                action="submit",
                from_status=S.DRAFT,
                to_status=S.SUBMITTED,
                created_at=submitted,
            )
        )
        if p.status in (S.DEPT_PASSED, S.APPROVED, S.RETURNED, S.ADJUSTING):
            events.append(
                ReviewEvent(
                    project=p,
                    actor=dept,
                    action="pass" if p.status != S.RETURNED else "return",
                    from_status=S.SUBMITTED,
                    to_status=S.DEPT_PASSED if p.status != S.RETURNED else S.RETURNED,
                    created_at=submitted + timedelta(days=1),
                )
            )
    ReviewEvent.objects.bulk_create(events, batch_size=10000)
    analyze()
    # Autovacuum would have set the visibility map on a live database by now.
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
    return finance, dept


def timed(call, runs: int) -> list[float]:
    for _ in range(WARMUPS):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure_page(user: User, runs: int, explain: bool = False) -> dict:
    client = Client()
    client.force_login(user)
    url = reverse("reviews:dashboard")

    def call():
        response = client.get(url, {"year": 2020})
        assert response.status_code == 200, response.status_code
        return response

    call()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    # Read at once: every request start clears the connection's query log.
    n_queries = len(ctx.captured_queries)
    aggregates = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(call)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)

    if explain:
        with connection.cursor() as cursor:
            for sql in aggregates:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
                print(sql, "\n", "\n".join(r[0] for r in cursor.fetchall()), "\n")

    def floor():
        with connection.cursor() as cursor:
            for sql in aggregates:
                cursor.execute(sql)
                cursor.fetchall()

    return {
        "page": timed(call, runs),
        "floor": timed(floor, runs),
        "queries": n_queries,
        "aggregates": len(aggregates),
        "projects": int(re.search(r'id="sum-projects">(\d+)<', response.text).group(1)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 projects, 5 runs")
    parser.add_argument(
        "--explain", action="store_true", help="print EXPLAIN ANALYZE of the aggregate queries"
    )
    args = parser.parse_args()
    n_projects, runs = (2_000, 5) if args.quick else (50_000, 20)

    old_name = connection.settings_dict["NAME"]
    progress(f"creating throwaway database test_{old_name}")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            reference_load()
            finance, dept = build(n_projects)
            results = [
                ("财政审核人（全部单位）", measure_page(finance, runs, args.explain)),
                ("主管部门审核人（本部门单位）", measure_page(dept, runs)),
            ]
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print("Benchmark: 审核概览 (reviews:dashboard)")
        print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
        print(f"host      {socket.gethostname()}")
        print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores")
        print(f"load      {load} (1, 5, 15 min, at the end)")
        print(
            f"python    {platform.python_version()}; Django {django.get_version()}; "
            f"PostgreSQL {pg_version} ({db_name}, dropped at the end)"
        )
        print(f"data      {n_projects:,} projects of 2020 in {UNITS} units; {runs} timed runs")
        print()
        print(
            pad("who", 30)
            + pad("projects", 10, True)
            + pad("queries", 9, True)
            + pad("page median", 13, True)
            + pad("p max", 9, True)
            + pad("floor (bare SQL)", 18, True)
            + pad("target", 9, True)
            + "  verdict"
        )
        for label, r in results:
            median = statistics.median(r["page"])
            verdict = "PASS" if median <= TARGET_MS else "FAIL"
            print(
                pad(label, 30)
                + pad(f"{r['projects']:,}", 10, True)
                + pad(str(r["queries"]), 9, True)
                + pad(f"{median:.1f} ms", 13, True)
                + pad(f"{max(r['page']):.1f}", 9, True)
                + pad(f"{statistics.median(r['floor']):.1f} ms ({r['aggregates']} q)", 18, True)
                + pad(f"≤ {TARGET_MS:.0f}", 9, True)
                + f"  {verdict}"
            )
        print("\nfloor = the page's GROUP BY queries sent bare through a cursor (no Django).")
        print("Exit code is 0 regardless: a slow machine must not fail CI.")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
