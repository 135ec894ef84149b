"""Benchmark of the fan-out of a whole-unit PDF: 200 projects with 1 and with 2 workers.

Run from the project root (it creates a throwaway database ``test_<NAME>_fanout``, fills
it, runs real ``manage.py db_worker`` processes, and drops the database again):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_fanout.py [--quick]

Rows: one worker rendering the unit PDF in one piece (no split), one worker with the job
split into chunks of EXPORT_CHUNK_PROJECTS (20) projects, and two workers sharing the
chunks. Each time is from queueing the job to the joined file, polled every 0.2 s.
``--quick``: 24 projects in chunks of 6. Kept project pages (apps/exports/pages.py) are
dropped before each run, so every run renders every project. The exit code is always 0.
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import datetime
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time

from benchlib import ROOT, analyze, cpu_model, pad, progress, setup_django

setup_django()

import django
from django.db import connection

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.exports.models import ExportJob, ProjectPages
from apps.exports.services import export_job_start
from apps.units.models import Unit
from tests import factories


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def run(user, unit, year, workers: int, chunk: int, media: str) -> tuple[float, int, set]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": media,
        "EXPORT_CHUNK_PROJECTS": str(chunk),
    }
    processes = [
        subprocess.Popen(
            [sys.executable, "manage.py", "db_worker", "--no-startup-delay", "--interval", "0.2"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(workers)
    ]
    try:
        time.sleep(4)  # the workers are up (Django set up) before the clock starts
        started = time.perf_counter()
        job = export_job_start(user=user, kind=ExportJob.Kind.UNIT_PDF, unit=unit, budget_year=year)
        while True:
            job.refresh_from_db()
            if job.status in ("done", "failed"):
                break
            time.sleep(0.2)
        elapsed = time.perf_counter() - started
        if job.status == "failed":
            raise SystemExit(f"the export failed: {job.error}")
        chunk_workers = {c.worker_id for c in job.chunks.all()} or {job.worker_id}
        return elapsed, job.chunks.count(), chunk_workers
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            p.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="24 projects in chunks of 6")
    args = parser.parse_args()
    count, chunk = (24, 6) if args.quick else (200, 20)

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{old_name}_fanout"
    progress(f"creating throwaway database test_{old_name}_fanout")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        reference_load()
        unit = Unit.objects.get(name="上海市闵行区教育学院")
        user = factories.user("bench_export", User.Role.FILLER, unit)
        year = BudgetYear.objects.get(year=2020)
        progress(f"making {count} projects")
        for i in range(count):
            factories.ready_project(unit=unit, name=f"扇出项目{i:03d}")
        analyze()
        usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
        print("Benchmark: whole-unit PDF fanned out to workers")
        print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
        print(f"host      {socket.gethostname()}")
        print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores ({usable} usable)")
        print(f"python    {platform.python_version()}; Django {django.get_version()}")
        print(f"projects  {count} (6 indicators, 2 lines each), database {db_name}")
        rows = []
        with tempfile.TemporaryDirectory(prefix="bench-fanout-") as media:
            for label, workers, size in [
                ("1 worker, one piece", 1, count + 1),
                (f"1 worker, chunks of {chunk}", 1, chunk),
                (f"2 workers, chunks of {chunk}", 2, chunk),
            ]:
                progress(label)
                ProjectPages.objects.all().delete()  # each run renders every project
                before = os.getloadavg()[0]
                elapsed, chunks, who = run(user, unit, year, workers, size, media)
                rows.append((label, elapsed, chunks, len(who), before, os.getloadavg()[0]))
        print(
            pad("run", 26)
            + pad("seconds", 9, True)
            + pad("proj/s", 8, True)
            + pad("chunks", 8, True)
            + pad("workers used", 14, True)
            + pad("load 1m before/after", 22, True)
        )
        for label, elapsed, chunks, used, before, after in rows:
            print(
                pad(label, 26)
                + pad(f"{elapsed:.1f}", 9, True)
                + pad(f"{count / elapsed:.2f}", 8, True)
                + pad(str(chunks), 8, True)
                + pad(str(used), 14, True)
                + pad(f"{before:.2f}/{after:.2f}", 22, True)
            )
        one, two = rows[1][1], rows[2][1]
        print(
            f"\n2 workers vs 1 on the same chunks: {one / two:.2f}× faster "
            f"(ideal 2× needs 2 free cores; the load average shows what else ran)."
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
