"""Benchmark of the Excel import: a 22-project unit workbook previewed and committed.

Run from the project root (it creates ``test_<NAME>`` of the configured database, fills it,
measures, and drops it again; real data is never touched):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_import.py [--quick]

Pick your own database name so concurrent runs do not collide, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/imp_bench`` (→ ``test_imp_bench``).

The workbook is the exporter's own (``unit_workbook``) for a unit of 22 projects made
from the eight demo transcriptions (seed 004 names 22 projects for 教育学院): 1 summary
sheet, 66 project sheets, the hidden 元数据. Measured with ``time.perf_counter``, each run
into a fresh unit (so every run creates 22 projects), the median of 5 runs (1 with
``--quick``):

1. the file checks (zip, limits, formulas), 2. loading (``load_for_import``: openpyxl's
own sheet parser, each cell's value, number format and the merged ranges, no Cell
objects), 3. reading the sheets,
4. the plan (matching, diffs, the rules module on each project), 5. the whole preview
(``import_batch_create``: 1–4 and storing the batch), 6. the commit of 22 new projects
(``import_batch_commit``, one transaction), 7. preview + commit: target ≤ 10 s;
(5's target: ≤ 0.6 s; its floor and 2's: openpyxl's read-only mode reading every cell;
2b: openpyxl's full ``load_workbook``, which the importer used before)
8. preview of the same workbook again over those projects (22 × 无变化), 9. preview + commit
of 22 updates (every project changed in the database first, so all rows are rewritten).

The exit code is always 0: a slow machine must not fail CI, so the table marks FAIL.
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import datetime
import io
import json
import os
import platform
import socket
import statistics
import sys
import time

from benchlib import ROOT, cpu_model, setup_django

setup_django()

import django
from django.db import connection
from openpyxl import load_workbook

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.imports.files import check_package, open_workbook
from apps.imports.parser import parse_workbook
from apps.imports.plan import build_plan
from apps.imports.services import import_batch_commit, import_batch_create
from apps.projects.models import Project
from apps.projects.services import project_create_from_data
from apps.units.models import Unit
from tests.imports.builders import export_unit

PROJECTS = 22
TARGET_S = 10.0
PREVIEW_TARGET_S = 0.6  # issue 15: the 22-project preview
LOAD = [0.0]  # 1-minute load average when the runs ended
DEMO = sorted((ROOT / "fixtures" / "demo" / "projects").glob("*.json"))


def make_unit_projects(unit: Unit) -> None:
    """22 projects for 2020 from the eight demo transcriptions, renamed."""
    sources = [json.loads(p.read_text(encoding="utf-8")) for p in DEMO]
    # The 2020 ones (2021a.json is filed on the 2021 table, whose levels 2020 lacks).
    sources = [data for data in sources if data["year"] == 2020]
    for i in range(PROJECTS):
        data = dict(sources[i % len(sources)])
        data.update(unit=unit.name, year=2020, name=f"{data['name']}（{i + 1:02d}）")
        project_create_from_data(data=data)


def timed(call):
    started = time.perf_counter()
    value = call()
    return time.perf_counter() - started, value


def run(args) -> list[tuple[str, str, list[float], str]]:
    reference_load()
    source = Unit.objects.get(code="001001")
    year = BudgetYear.objects.get(year=2020)
    make_unit_projects(source)
    data = export_unit(source, year, Project.objects.filter(unit=source, budget_year=year))
    print(f"workbook: {PROJECTS} projects, {len(data) / 1024:.0f} KB", file=sys.stderr)
    runs = 1 if args.quick else 5
    admin = User.objects.create_user("bench-admin", role=User.Role.ADMIN)
    t = {k: [] for k in ("checks", "load", "parse", "plan", "preview", "commit", "total")}
    t |= {"again": [], "update": [], "floor_load": [], "floor_full": []}
    for n in range(runs):
        unit = Unit.objects.create(code=f"9{n:05d}", name=f"基准单位{n}", kind=Unit.Kind.UNIT)
        # An administrator brings another unit's workbook in as new projects; updating them
        # is for the unit's own filler, from the unit's own workbook (step 9).
        filler = User.objects.create_user(f"bench-filler-{n}", role=User.Role.FILLER, unit=unit)
        t["checks"].append(timed(lambda: check_package(data))[0])
        seconds, wb = timed(lambda: open_workbook(data))
        t["load"].append(seconds)
        t["floor_load"].append(timed(lambda: read_only_floor(data))[0])
        t["floor_full"].append(timed(lambda: full_load(data))[0])
        seconds, parsed = timed(lambda wb=wb: parse_workbook(wb))
        t["parse"].append(seconds)
        t["plan"].append(timed(lambda: build_plan(parsed, unit=unit, user=admin))[0])  # noqa: B023

        def preview(unit=unit, user=admin, data=data):
            return import_batch_create(user=user, unit=unit, filename="bench.xlsx", data=data)

        seconds, batch = timed(preview)
        t["preview"].append(seconds)
        assert batch.status == "preview", batch.plan["issues"]
        seconds, batch = timed(lambda: import_batch_commit(batch=batch, user=admin))  # noqa: B023
        t["commit"].append(seconds)
        assert len(batch.result["created"]) == PROJECTS
        t["total"].append(t["preview"][-1] + t["commit"][-1])

        seconds, again = timed(preview)
        t["again"].append(seconds)
        assert {p["action"] for p in again.plan["projects"]} == {"unchanged"}

        own = export_unit(unit, year, Project.objects.filter(unit=unit, budget_year=year))
        Project.objects.filter(unit=unit).update(leader="基准修改")
        for project in Project.objects.filter(unit=unit):
            project.indicators.order_by("order").first().delete()
        seconds, changed = timed(lambda u=filler, d=own: preview(user=u, data=d))
        assert {p["action"] for p in changed.plan["projects"]} == {"update"}, changed.plan
        t["update"].append(
            seconds + timed(lambda b=changed, u=filler: import_batch_commit(batch=b, user=u))[0]
        )

    ro = ("openpyxl read-only", t["floor_load"])
    return [
        ("1", "file checks (zip, limits, formulas)", t["checks"], None, None),
        ("2", "load for import (values, formats, merges)", t["load"], None, ro),
        ("2b", "openpyxl load_workbook (data_only)", t["floor_full"], None, ro),
        ("3", "read 66 sheets into 22 projects", t["parse"], None, None),
        ("4", "plan: match, diff, rules module", t["plan"], None, None),
        ("5", "preview (1-4 + store the batch)", t["preview"], PREVIEW_TARGET_S, ro),
        ("6", "commit: create 22 projects", t["commit"], None, None),
        ("7", "preview + commit, 22 new projects", t["total"], TARGET_S, None),
        ("8", "preview again: 22 x unchanged", t["again"], None, ro),
        ("9", "preview + commit, 22 updated projects", t["update"], TARGET_S, None),
    ]


def read_only_floor(data: bytes) -> int:
    """The floor of reading the workbook: openpyxl's read-only mode, every cell's value."""
    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    n = sum(1 for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for _ in row)
    wb.close()
    return n


def full_load(data: bytes):
    return load_workbook(io.BytesIO(data), data_only=True, rich_text=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one run instead of five")
    args = parser.parse_args()
    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        rows = run(args)
        LOAD[0] = os.getloadavg()[0]
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            pg_version = cursor.fetchone()[0]
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    print("Benchmark: Excel import of a 22-project unit workbook")
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
    print(f"host      {socket.gethostname()}; {platform.platform()}")
    print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores ({usable} usable)")
    print(f"python    {platform.python_version()}; Django {django.get_version()}")
    print(f"postgres  {pg_version} (database {db_name}, dropped at the end)")
    print(f"runs      {len(rows[0][2])} (median shown{'; --quick' if args.quick else ''})")
    head = (
        f"{'#':<3} {'measurement':<44} {'median s':>9} {'max s':>7} {'floor s':>8}  "
        f"{'floor':<19} {'ratio':>6} {'load':>5}  {'target':<8} result"
    )
    print("-" * len(head))
    print(head)
    print("-" * len(head))
    failed = []
    for key, label, values, target, floor in rows:
        median = statistics.median(values)
        verdict = ""
        if target:
            verdict = "ok" if median <= target else "FAIL"
            if verdict == "FAIL":
                failed.append(key)
        floor_s = statistics.median(floor[1]) if floor else None
        print(
            f"{key:<3} {label:<44} {median:>9.2f} {max(values):>7.2f} "
            + (
                f"{floor_s:>8.2f}  {floor[0]:<19} {median / floor_s:>5.1f}x"
                if floor
                else f"{'-':>8}  {'-':<19} {'-':>6}"
            )
            + f" {LOAD[0]:>5.2f}  {f'<= {target:g} s' if target else '':<8} {verdict}"
        )
    print("-" * len(head))
    print(
        f"{len(failed)} FAIL; took {time.perf_counter() - started:.0f} s; load average "
        f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end. Exit code is 0 regardless."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
