"""Benchmark of the 绩效概览 (unit and department overview) at 10,000 approved projects.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_performance.py [--quick]

It creates ``test_<NAME>`` of the configured database, fills it by bulk_create (50 units
under one department; 10,000 approved projects of 2020 with 20 indicators each — 200,000
indicator rows —, each with an approved version, a self-evaluation with its 20 rows and a
monitoring report of one round; 500 projects with ``--quick``), measures, and drops it.

Printed: the server time of ``GET /performance/overview/?year=2020`` (perf_counter around a
``django.test.Client`` call: 3 warm-ups, then 20 runs, or 5 with ``--quick``) for a finance
reviewer (every unit) and the department's reviewer, with the query count, beside the
floor: the page's GROUP BY queries sent bare through a cursor; the ratio; the load average.
Target ≤ 150 ms median. The exit code is always 0 (CI runs it with ``--quick``).
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import datetime
import os
import platform
import socket
import statistics
import sys
import time
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
from apps.indicators.models import Indicator
from apps.performance.models import (
    EvaluationRow,
    MonitoringReport,
    MonitoringRound,
    SelfEvaluation,
)
from apps.projects.models import Project
from apps.reviews.models import ProjectVersion
from apps.units.models import Unit

WARMUPS = 3
TARGET_MS = 150.0
UNITS = 50
INDICATORS = 20
GRADES = ["优", "良", "中", "差"]
LIGHTS = ["green", "green", "yellow", "red"]
STATES = ["draft", "submitted", "dept_passed", "returned", "accepted"]


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
    now = timezone.now()
    progress(f"bulk_create {n_projects:,} approved projects")
    projects = Project.objects.bulk_create(
        (
            Project(
                unit=units[i % UNITS],
                budget_year=year,
                name=f"基准项目{i:06d}",
                status=Project.Status.APPROVED,
                grade="A",
                approved_at=now,
                current_budget=Decimal(100000 + i),
            )
            for i in range(n_projects)
        ),
        batch_size=5000,
    )
    progress(f"bulk_create {n_projects * INDICATORS:,} indicators")
    Indicator.objects.bulk_create(
        (
            Indicator(project=p, name=f"指标{j}", target_raw="≥90%", order=j)
            for p in projects
            for j in range(INDICATORS)
        ),
        batch_size=10000,
    )
    progress("bulk_create the approved versions")
    versions = ProjectVersion.objects.bulk_create(
        (
            ProjectVersion(
                project=p,
                number=1,
                data={"version": year.form_version},
                created_by=filler,
                approved_at=now,
                grade="A",
            )  # fmt: skip
            for p in projects
        ),
        batch_size=5000,
    )
    progress("bulk_create the self-evaluations and their rows")
    evaluations = SelfEvaluation.objects.bulk_create(
        (
            SelfEvaluation(
                project=p,
                version=v,
                status=STATES[i % len(STATES)],
                budget_initial=p.current_budget,
                budget_full=p.current_budget,
                executed=p.current_budget * Decimal(i % 100) / 100,
                total_score=Decimal(50 + i % 50),
                grade=GRADES[i % 4],
                created_by=filler,
            )
            for i, (p, v) in enumerate(zip(projects, versions, strict=True))
        ),
        batch_size=5000,
    )
    EvaluationRow.objects.bulk_create(
        (
            EvaluationRow(
                evaluation=e,
                indicator_id=j + 1,
                actual="95%",
                weight=Decimal("4.5"),
                score=Decimal("4.5"),
            )
            for e in evaluations
            for j in range(INDICATORS)
        ),
        batch_size=10000,
    )
    progress("bulk_create the monitoring reports")
    round_ = MonitoringRound.objects.create(
        budget_year=year, label="1–6月", due_on=datetime.date(2020, 7, 15),
        expected_rate=Decimal("50"), opened_by=finance,
    )  # fmt: skip
    MonitoringReport.objects.bulk_create(
        (
            MonitoringReport(
                round=round_,
                project=p,
                version=v,
                status=STATES[i % len(STATES)],
                executed=p.current_budget / 2,
                budget=p.current_budget,
                execution_rate=Decimal("50"),
                light=LIGHTS[i % 4],
                created_by=filler,
            )  # fmt: skip
            for i, (p, v) in enumerate(zip(projects, versions, strict=True))
        ),
        batch_size=5000,
    )
    analyze()
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


def measure_page(user: User, runs: int, n_projects: int) -> dict:
    client = Client()
    client.force_login(user)
    url = reverse("performance:overview")

    def call():
        response = client.get(url, {"year": 2020})
        assert response.status_code == 200, response.status_code
        return response

    call()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    n_queries = len(ctx.captured_queries)
    aggregates = [q["sql"] for q in ctx.captured_queries if "GROUP BY" in q["sql"]]
    assert f">{n_projects}<" in response.text, "the totals row does not count every project"

    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(call)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(30)

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
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 projects, 5 runs")
    args = parser.parse_args()
    n_projects, runs = (500, 5) if args.quick else (10_000, 20)

    old_name = connection.settings_dict["NAME"]
    progress(f"creating throwaway database test_{old_name}")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            reference_load()
            finance, dept = build(n_projects)
            results = [
                ("财政审核人（全部单位）", measure_page(finance, runs, n_projects)),
                ("主管部门审核人（本部门单位）", measure_page(dept, runs, n_projects)),
            ]
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print("Benchmark: 绩效概览 (performance:overview)")
        print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
        print(f"host      {socket.gethostname()}")
        print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores")
        print(f"load      {load} (1, 5, 15 min, at the end)")
        print(
            f"python    {platform.python_version()}; Django {django.get_version()}; "
            f"PostgreSQL {pg_version} ({db_name}, dropped at the end)"
        )
        print(
            f"data      {n_projects:,} approved projects of 2020 in {UNITS} units, "
            f"{n_projects * INDICATORS:,} indicators, a self-evaluation ({n_projects * INDICATORS:,} "
            f"rows) and a monitoring report each; {runs} timed runs"
        )
        print()
        print(
            pad("who", 30) + pad("queries", 9, True) + pad("page median", 13, True)
            + pad("p max", 9, True) + pad("floor (bare SQL)", 18, True) + pad("ratio", 8, True)
            + pad("target", 9, True) + "  verdict"
        )  # fmt: skip
        for label, r in results:
            median = statistics.median(r["page"])
            floor = statistics.median(r["floor"])
            verdict = "PASS" if median <= TARGET_MS else "FAIL"
            print(
                pad(label, 30) + pad(str(r["queries"]), 9, True) + pad(f"{median:.1f} ms", 13, True)
                + pad(f"{max(r['page']):.1f}", 9, True)
                + pad(f"{floor:.1f} ms ({r['aggregates']} q)", 18, True)
                + pad(f"{median / floor:.1f}×" if floor else "—", 8, True)
                + pad(f"≤ {TARGET_MS:.0f}", 9, True) + f"  {verdict}"
            )  # fmt: skip
        print("\nfloor = the page's GROUP BY queries sent bare through a cursor (no Django).")
        print("Exit code is 0 regardless: a slow machine must not fail CI.")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
