"""Benchmark of the 三级指标 type-ahead at a province's library size.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_library.py [--quick]

It creates ``test_<NAME>`` of the configured database, fills it by bulk_create — 100,000
library entries (共性 and two departments' tiers, on the 2018 taxonomy) and 10,000 earlier
indicators of one unit in 200 projects, plus 90,000 indicators of other units (10,000 /
1,000 / 9,000 with ``--quick``) — measures, and drops it again.

Printed per query (2-character, 3-character and longer Chinese queries, prefix and middle
of a word): the server time of ``GET /projects/<pk>/library/suggest/?q=…`` (perf_counter
around a ``django.test.Client`` call, 3 warm-ups then 30 runs, 5 with ``--quick``), its
query count, and the floor: the same SQL sent bare through a cursor. Target ≤ 30 ms median.
The exit code is always 0 (CI runs it with ``--quick``).
"""
# ruff: noqa: E402

import argparse
import datetime
import os
import platform
import socket
import statistics
import sys
import time

from benchlib import analyze, cpu_model, pad, progress, setup_django

setup_django()

import django
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.urls import reverse

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.indicators.models import Indicator, Level2
from apps.library.models import LibraryIndicator, Tier
from apps.projects.models import Project
from apps.units.models import Unit

WARMUPS = 3
TARGET_MS = 30.0
HEADS = ["教师", "学生", "设备", "服务对象", "社区", "课程", "平台", "资金", "项目", "校园"]
MIDS = ["培训", "验收", "使用", "覆盖", "完成", "满意", "合格", "建设", "维护", "更新"]
TAILS = ["率", "人次", "数量", "度", "次数", "及时率", "覆盖率", "合格率", "满意度"]
QUERIES = ["满意", "培训", "合格率", "服务对象", "设备维护", "校园建设及时率", "完成率"]


def names(n: int):
    combos = [h + m + t for h in HEADS for m in MIDS for t in TAILS]
    for i in range(n):
        yield f"{combos[i % len(combos)]}（{i // len(combos):04d}）"


def build(n_library: int, n_mine: int, n_others: int) -> tuple[User, Project]:
    year = BudgetYear.objects.get(year=2020)
    levels = list(Level2.objects.filter(level1__taxonomy=year.taxonomy))
    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)[:2]
    unit = Unit.objects.filter(parent=departments[0]).first()
    others = list(Unit.objects.exclude(pk=unit.pk).filter(kind=Unit.Kind.UNIT)[:20])
    filler = User.objects.create_user("bench_filler", role=User.Role.FILLER, unit=unit)
    progress(f"bulk_create {n_library:,} library entries")
    owners = [None, departments[0], departments[1]]
    LibraryIndicator.objects.bulk_create(
        (
            LibraryIndicator(
                level2=levels[i % len(levels)],
                name=name,
                owner=owners[i % 3],
                tier=Tier.COMMON if i % 3 == 0 else Tier.DEPARTMENT,
                comparator="≥",
                typical_value="90",
                unit="%",
            )
            for i, name in enumerate(names(n_library))
        ),
        batch_size=5000,
    )
    progress(f"bulk_create {n_mine:,} earlier indicators of the unit, {n_others:,} of others")
    earlier = BudgetYear.objects.get(year=2019)
    mine = Project.objects.bulk_create(
        Project(unit=unit, budget_year=earlier, name=f"往年项目{i:04d}") for i in range(200)
    )
    theirs = Project.objects.bulk_create(
        Project(unit=others[i % len(others)], budget_year=earlier, name=f"他人项目{i:04d}")
        for i in range(max(1, n_others // 50))
    )
    rows = []
    for i, name in enumerate(names(n_mine)):
        rows.append(
            Indicator(
                project=mine[i % len(mine)],
                level2=levels[i % len(levels)],
                name=name,
                target_raw="≥90%",
                order=i,
            )
        )
    for i, name in enumerate(names(n_others)):
        rows.append(
            Indicator(
                project=theirs[i % len(theirs)],
                level2=levels[i % len(levels)],
                name=name,
                target_raw="≥90%",
                order=i,
            )
        )
    Indicator.objects.bulk_create(rows, batch_size=10000)
    project = Project.objects.create(unit=unit, budget_year=year, name="正在填报的项目")
    analyze()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM")
    return filler, project


def timed(call, runs: int) -> list[float]:
    for _ in range(WARMUPS):
        call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def measure(user, project, q: str, runs: int, explain: bool = False) -> dict:
    client = Client()
    client.force_login(user)
    url = reverse("projects:library_suggest", args=[project.pk])

    def call():
        response = client.get(url, {"q": q})
        assert response.status_code == 200, response.status_code
        return response

    call()
    sent = []

    def record(execute, sql, params, many, context):
        sent.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        response = call()
    searches = [(sql, params) for sql, params in sent if "LIKE" in sql]
    if os.environ.get("BENCH_PROFILE"):
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.runcall(call)
        pstats.Stats(profiler).sort_stats(
            os.environ.get("BENCH_PROFILE_SORT", "cumulative")
        ).print_stats(30)

    if explain:
        with connection.cursor() as cursor:
            for sql, params in searches:
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
                print(q, "\n".join(r[0] for r in cursor.fetchall()), "\n", file=sys.stderr)

    def floor():
        with connection.cursor() as cursor:
            for sql, params in searches:
                cursor.execute(sql, params)
                cursor.fetchall()

    return {
        "page": timed(call, runs),
        "floor": timed(floor, runs),
        "queries": len(sent),
        "found": response.text.count('role="option"'),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN ANALYZE of the searches")
    parser.add_argument("--keep", action="store_true", help="keep the database (to study plans)")
    args = parser.parse_args()
    sizes = (10_000, 1_000, 9_000) if args.quick else (100_000, 10_000, 90_000)
    runs = 5 if args.quick else 30
    old_name = connection.settings_dict["NAME"]
    progress(f"creating throwaway database test_{old_name}")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            reference_load()
            user, project = build(*sizes)
            results = [(q, measure(user, project, q, runs, args.explain)) for q in QUERIES]
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
            cursor.execute("SHOW lc_ctype")
            ctype = cursor.fetchone()[0]
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
        print("Benchmark: 三级指标 type-ahead (projects:library_suggest)")
        print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
        print(f"host      {socket.gethostname()}")
        print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores")
        print(f"load      {load} (1, 5, 15 min, at the end)")
        print(
            f"python    {platform.python_version()}; Django {django.get_version()}; "
            f"PostgreSQL {pg_version}, lc_ctype {ctype} ({db_name}, dropped at the end)"
        )
        print(
            f"data      {sizes[0]:,} library entries; {sizes[1]:,} earlier indicators of the "
            f"unit, {sizes[2]:,} of other units; {runs} timed runs"
        )
        print()
        print(
            pad("query", 16)
            + pad("shown", 7, True)
            + pad("queries", 9, True)
            + pad("median", 10, True)
            + pad("p max", 9, True)
            + pad("floor (bare SQL)", 18, True)
            + pad("ratio", 7, True)
            + pad("target", 8, True)
            + "  verdict"
        )
        for q, r in results:
            median = statistics.median(r["page"])
            floor = statistics.median(r["floor"])
            print(
                pad(q, 16)
                + pad(str(r["found"]), 7, True)
                + pad(str(r["queries"]), 9, True)
                + pad(f"{median:.1f} ms", 10, True)
                + pad(f"{max(r['page']):.1f}", 9, True)
                + pad(f"{floor:.1f} ms", 18, True)
                + pad(f"{median / floor:.1f}×" if floor else "-", 7, True)
                + pad(f"≤ {TARGET_MS:.0f}", 8, True)
                + f"  {'PASS' if median <= TARGET_MS else 'FAIL'}"
            )
        print("\nfloor = the two search queries (library, earlier indicators) sent bare.")
        print("Exit code is 0 regardless: a slow machine must not fail CI.")
    finally:
        if not args.keep:
            connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
