"""Benchmark: what saving the session on every request costs, against the idle middleware.

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_session.py [--quick]

The session of a logged-in user must expire after SESSION_IDLE_MINUTES without use (shared
office PCs). Django's way is SESSION_SAVE_EVERY_REQUEST: one UPDATE of the session row per
request. ``apps.accounts.middleware.SessionIdleMiddleware`` slides the expiry at most once
a minute instead. This measures both on two pages (server time around a
``django.test.Client`` GET, 5 warm-ups, then 200 runs, or 40 with ``--quick``), with the
queries of one request, on a throwaway database (``test_<NAME>``, dropped at the end).
Informative: the exit code is always 0.
"""
# ruff: noqa: E402

import argparse
import datetime
import os
import platform
import socket
import statistics
import time

from benchlib import cpu_model, pad, setup_django

setup_django()

import django
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.budgets.reference import reference_load
from apps.units.models import Unit

PAGES = [("通知 (light page)", "/reviews/notifications/"), ("项目列表", "/projects/")]
MODES = [
    ("idle middleware (default)", {}),
    ("SESSION_SAVE_EVERY_REQUEST", {"SESSION_SAVE_EVERY_REQUEST": True}),
]


def measure(client: Client, url: str, runs: int) -> tuple[float, int, int]:
    for _ in range(5):
        client.get(url)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    writes = sum(1 for q in ctx.captured_queries if q["sql"].lstrip().upper().startswith("UPDATE"))
    return statistics.median(times), len(ctx.captured_queries), writes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 runs instead of 200")
    args = parser.parse_args()
    runs = 40 if args.quick else 200
    old_name = connection.settings_dict["NAME"]
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    rows = []
    try:
        reference_load()
        unit = Unit.objects.get(name="上海市闵行区教育学院")
        user = User.objects.create_user("bench", password="bench-pw-2020", role="filler", unit=unit)
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for label, url in PAGES:
                for mode, overrides in MODES:
                    with override_settings(**overrides):
                        client = Client()
                        # force_login: django-axes' backend wants the request of a login.
                        client.force_login(user)
                        rows.append((label, mode, *measure(client, url, runs)))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("Benchmark: session expiry on idle, cost per request")
    print(f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}")
    print(f"host      {socket.gethostname()}; {platform.platform()}")
    print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores ({usable} usable)")
    print(f"load      {load} (1, 5, 15 min)")
    print(f"python    {platform.python_version()}; Django {django.get_version()}")
    print(f"database  {db_name} (dropped at the end); {runs} runs, median shown")
    head = (
        f"{pad('page', 20)} {pad('mode', 28)} {'median ms':>9} {'queries':>7} {'UPDATEs':>7}  floor"
    )
    print("-" * len(head))
    print(head)
    print("-" * len(head))
    for label, mode, median, queries, writes in rows:
        floor = "0 UPDATEs" if mode.startswith("idle") else "informative"
        verdict = "" if floor == "informative" else (" ok" if writes == 0 else " FAIL")
        print(
            f"{pad(label, 20)} {pad(mode, 28)} {median:>9.2f} {queries:>7} {writes:>7}  "
            f"{floor}{verdict}"
        )
    print("-" * len(head))
    for label, _ in PAGES:
        base, every = [r for r in rows if r[0] == label]
        print(f"{label}: saving the session each request costs {every[2] - base[2]:+.2f} ms")
    print("Exit code is 0 regardless.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
