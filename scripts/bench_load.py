"""Load benchmark: 50 logged-in sessions against the production server, over loopback.

Run from the project root (it creates a throwaway database ``test_<NAME>_load``, fills it,
starts ``scripts/serve.sh`` — gunicorn with DEBUG off — on a free port, measures, stops
the server and drops the database):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_load.py [--quick]

Every session is a filler of one of 10 units (5 each; 100 listed projects per unit) with a
project of its own (20 indicators, 10 budget lines), logged in through a real session row.
Each action is picked at random from a realistic mix:

    project list 25 %, 待办 queue 10 %, project page 15 %, sheet page 25 % (any of three),
    live check 17 % (the 绩效目标 sheet's form, as sheet.js posts it), save 8 % (the
    项目总体情况 sheet with one field changed: a real write, CSRF and revision included).

Three measurements, each for a bounded time:

1. **With think time** — each session acts every 2–8 s (uniform, 5 s on average), as a
   person does: the load an office of 50 makes.
2. **No think time** — each session fires its next request as soon as the last answered
   (closed loop, as the outside examiner measured: 33.6 req/s, p95 2.44 s on 4 workers).
3. **Highest sustained rate with p95 ≤ 300 ms** — open loop: requests arrive at a fixed
   Poisson rate, stepped up until p95 (measured from the arrival time, so waiting for a free
   session or a free gunicorn worker counts) passes 300 ms, an error occurs or the server
   falls behind the rate.

For each: throughput, p50/p95/p99 as the client sees them, errors, the server's own time
(gunicorn's access log, %(M)s) and CPU per request in the gunicorn workers, the PostgreSQL
backends and the load generator itself (/proc). Options: ``--quick`` (short phases, two
rate steps: for CI), ``--workers N`` (gunicorn workers, default 2 × cores + 1),
``--sessions N`` (50). The exit code is always 0: a slow machine must not fail CI.
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import datetime
import http.client
import os
import platform
import queue
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode

from benchlib import ROOT, analyze, cpu_model, pad, progress, setup_django

setup_django()

import django
from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.urls import reverse

from apps.accounts.models import User
from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.projects.models import Project
from apps.units.models import Unit
from tests import factories
from tests.formdata import form_data

TARGET_P95_MS = 300.0
UNITS = 10
LISTED_PER_UNIT = 100
MIX = [
    ("list", 25),
    ("queue", 10),
    ("detail", 15),
    ("sheet", 25),
    ("check", 17),
    ("save", 8),
]
SHEETS = ("overview", "goals", "guarantees")
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- Data -----------------------------------------------------------------------------


def own_project(unit: Unit, name: str) -> Project:
    base = factories.MINHANG_ROWS
    indicators = [
        (l1, l2, f"{n3}（{i // len(base) + 1}）", t)
        for i, (l1, l2, n3, t) in ((i, base[i % len(base)]) for i in range(20))
    ]
    lines = [(Decimal(100 * (k + 1)), Decimal(50 * (k + 1)), Decimal("2")) for k in range(10)]
    return factories.ready_project(unit=unit, name=name, indicators=indicators, lines=lines)


def listed_projects(unit: Unit) -> None:
    years = list(BudgetYear.objects.order_by("year"))
    statuses = [s for s, _ in Project.Status.choices]
    projects = Project.objects.bulk_create(
        Project(
            unit=unit,
            budget_year=years[i % len(years)],
            name=f"列表项目{i:04d}",
            status=statuses[i % len(statuses)],
            category=Project.Category.ONE_OFF,
            current_budget=Decimal(1000 + i),
            error_count=i % 3,
            warning_count=i % 2,
        )
        for i in range(LISTED_PER_UNIT)
    )
    BudgetLine.objects.bulk_create(
        BudgetLine(project=p, item_name=p.name, content="内容", detail="明细", amount=500, order=0)
        for p in projects
    )


@dataclass
class Person:
    user: User
    project: Project
    cookie: str


def make_people(count: int) -> list[Person]:
    department = Unit.objects.create(code="980", name="压测主管部门", kind=Unit.Kind.DEPARTMENT)
    units = [
        Unit.objects.create(
            code=f"980{i:03d}", name=f"压测单位{i:02d}", kind=Unit.Kind.UNIT, parent=department
        )
        for i in range(1, UNITS + 1)
    ]
    for unit in units:
        listed_projects(unit)
    people = []
    for i in range(count):
        unit = units[i % UNITS]
        user = factories.user(f"load{i:02d}", User.Role.FILLER, unit)
        project = own_project(unit, f"压测项目{i:02d}")
        # A logged-in browser: a real session row, as a login would leave it.
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        csrf = secrets.token_hex(16)  # a 32-character secret: Django accepts it unmasked
        people.append(Person(user, project, f"sessionid={session.session_key}; csrftoken={csrf}"))
    return people


# --- The server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url() -> str:
    s = connection.settings_dict
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Server:
    def __init__(self, workers: int, folder: Path):
        self.port = free_port()
        self.log = folder / "access.log"
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        env.update(
            DEBUG="0",
            SECRET_KEY=settings.SECRET_KEY,  # the sessions' auth hashes were made with it
            SITE_URL="http://127.0.0.1",
            ALLOWED_HOSTS="127.0.0.1",
            DATABASE_URL=database_url(),
            STATIC_ROOT=str(folder / "static"),
            MEDIA_ROOT=str(folder / "media"),
            MIGRATE="0",
            WEB_WORKERS=str(workers),
            TASK_WORKERS="0",
            ACCESS_LOG=str(self.log),
            BIND=f"127.0.0.1:{self.port}",
            PYTHON=sys.executable,
        )
        self.process = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "serve.sh")],
            cwd=ROOT,
            env=env,
            stdout=open(folder / "serve.out", "wb"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + 120
        while True:
            if self.process.poll() is not None:
                raise SystemExit((folder / "serve.out").read_text()[-3000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("the server did not start within 120 s") from None
                time.sleep(0.3)

    def worker_pids(self) -> list[int]:
        return [pid for pid in descendants(self.process.pid) if "gunicorn" in cmdline(pid)]

    def log_offset(self) -> int:
        return self.log.stat().st_size if self.log.exists() else 0

    def server_ms(self, start: int, end: int) -> list[float]:
        with open(self.log, "rb") as handle:
            handle.seek(start)
            chunk = handle.read(end - start).decode(errors="replace")
        return [float(m) for m in re.findall(r" (\d+)ms$", chunk, re.M)]

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)


def descendants(root: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        for child in children.get(pid, []):
            found.append(child)
            todo.append(child)
    return found


def cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


def cpu_ticks(pids: list[int]) -> dict[int, int]:
    ticks = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            ticks[pid] = int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return ticks


def cpu_between(before: dict[int, int], after: dict[int, int]) -> float:
    """CPU seconds spent between two snapshots by the processes alive at the end (a process
    that started meanwhile counts from zero; one that ended is lost: an undercount)."""
    total = sum(t - before.get(pid, 0) for pid, t in after.items() if t >= before.get(pid, 0))
    return total / CLK_TCK


def postgres_pids(db_name: str) -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [db_name],
        )
        return [row[0] for row in cursor.fetchall()]


# --- The sessions ---------------------------------------------------------------------


@dataclass
class Sample:
    kind: str
    ms: float
    ok: bool
    status: int = 0


class Session:
    """One person's browser: a session cookie, its own project, the forms it last read."""

    def __init__(self, person: Person, port: int):
        self.person, self.port = person, port
        self.forms: dict[str, dict] = {}
        self.saves = 0
        pk = person.project.pk
        self.urls = {
            "list": reverse("projects:list") + "?year=2020",
            "queue": reverse("reviews:queue"),
            "detail": reverse("projects:detail", args=[pk]),
            **{s: reverse("projects:sheet", args=[pk, s]) for s in SHEETS},
            "check": reverse("projects:sheet_check", args=[pk, "goals"]),
        }

    def http(self, method: str, path: str, data: dict | None = None) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        headers = {"Cookie": self.person.cookie, "Host": f"127.0.0.1:{self.port}"}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Origin"] = f"http://127.0.0.1:{self.port}"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            return response.status, response.read().decode(errors="replace")
        except OSError:
            return 599, ""
        finally:
            conn.close()

    def read_sheet(self, sheet: str) -> tuple[str, bool, int]:
        status, html = self.http("GET", self.urls[sheet])
        if status == 200:
            self.forms[sheet] = form_data(html)
        return "sheet", status == 200, status

    def step(self, kind: str) -> tuple[str, bool, int]:
        """One request of the mix; actions that need a form read it first (that GET is
        then the step, counted as a sheet view)."""
        if kind in ("list", "queue", "detail"):
            status, _ = self.http("GET", self.urls[kind])
            return kind, status == 200, status
        if kind == "sheet":
            return self.read_sheet(random.choice(SHEETS))
        sheet = "goals" if kind == "check" else "overview"
        if sheet not in self.forms:
            return self.read_sheet(sheet)
        if kind == "check":
            status, body = self.http("POST", self.urls["check"], self.forms["goals"])
            return kind, status == 200 and '"findings"' in body, status
        data = dict(self.forms.pop("overview"))  # a save bumps the revision: read again next
        self.saves += 1
        data["leader"] = f"负责人{self.saves}"
        status, _ = self.http("POST", self.urls["overview"], data)
        return kind, status == 302, status


def pick() -> str:
    return random.choices([k for k, _ in MIX], weights=[w for _, w in MIX])[0]


@dataclass
class Phase:
    label: str
    samples: list[Sample] = field(default_factory=list)
    seconds: float = 0.0
    target_rate: float | None = None
    server_ms: list[float] = field(default_factory=list)
    cpu_web: float = 0.0
    cpu_pg: float = 0.0
    cpu_client: float = 0.0
    load: tuple = ()

    @property
    def count(self) -> int:
        return len(self.samples)

    @property
    def rate(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def errors(self) -> int:
        return sum(not s.ok for s in self.samples)

    def pct(self, q: float, values: list[float] | None = None) -> float:
        values = sorted(values if values is not None else [s.ms for s in self.samples])
        if not values:
            return float("nan")
        return values[min(len(values) - 1, int(q * len(values)))]

    @property
    def passes(self) -> bool:
        # Falling behind the arrival rate shows in the latencies (counted from arrival).
        return self.errors == 0 and self.pct(0.95) <= TARGET_P95_MS


def measured(server: Server, db_name: str, phase: Phase, run) -> Phase:
    """Run ``run()`` and attach the server's times and the CPU spent per side."""
    offset = server.log_offset()
    web0, pg0 = cpu_ticks(server.worker_pids()), cpu_ticks(postgres_pids(db_name))
    me0 = time.process_time()
    started = time.monotonic()
    run()
    phase.seconds = time.monotonic() - started
    phase.cpu_web = cpu_between(web0, cpu_ticks(server.worker_pids()))
    phase.cpu_pg = cpu_between(pg0, cpu_ticks(postgres_pids(db_name)))
    phase.cpu_client = time.process_time() - me0
    phase.server_ms = server.server_ms(offset, server.log_offset())
    phase.load = os.getloadavg()
    return phase


def closed_loop(sessions: list[Session], seconds: float, think: tuple[float, float] | None):
    phase = Phase("with think time" if think else "no think time")
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def person(session: Session) -> None:
        if think:  # people do not all start in the same second
            time.sleep(random.uniform(0, think[1]))
        while time.monotonic() < deadline:
            started = time.perf_counter()
            kind, ok, status = session.step(pick())
            with lock:
                ms = 1000 * (time.perf_counter() - started)
                phase.samples.append(Sample(kind, ms, ok, status))
            if think:
                time.sleep(min(random.uniform(*think), max(0.0, deadline - time.monotonic())))

    def run() -> None:
        threads = [threading.Thread(target=person, args=(s,)) for s in sessions]
        for t in threads:
            t.start()
        for t in threads:
            t.join()

    return phase, run


def open_loop(sessions: list[Session], seconds: float, rate: float):
    """Requests arrive at ``rate`` per second (Poisson); a free session serves each; the
    latency counts from the arrival, so queueing anywhere shows."""
    phase = Phase(f"open loop {rate:g} req/s", target_rate=rate)
    lock = threading.Lock()
    arrivals: queue.Queue = queue.Queue()
    free: queue.Queue = queue.Queue()
    for s in sessions:
        free.put(s)

    def serve(arrived: float) -> None:
        session = free.get()
        kind, ok, status = session.step(pick())
        free.put(session)
        with lock:
            ms = 1000 * (time.perf_counter() - arrived)
            phase.samples.append(Sample(kind, ms, ok, status))

    def worker() -> None:
        while (arrived := arrivals.get()) is not None:
            serve(arrived)

    def run() -> None:
        threads = [threading.Thread(target=worker) for _ in sessions]
        for t in threads:
            t.start()
        end = time.perf_counter() + seconds
        at = time.perf_counter()
        while True:
            at += random.expovariate(rate)
            if at >= end:
                break
            time.sleep(max(0.0, at - time.perf_counter()))
            arrivals.put(at)
        for _ in threads:
            arrivals.put(None)
        for t in threads:
            t.join()

    return phase, run


# --- Report ---------------------------------------------------------------------------


def header(args, workers: int, db_name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return "\n".join(
        [
            "Benchmark: load on the production server (gunicorn, DEBUG off) over loopback",
            f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}",
            f"host      {socket.gethostname()}",
            f"cpu       {cpu_model()}; {os.cpu_count()} logical cores ({usable} usable)",
            f"load avg  {load} (1, 5, 15 min) before the run",
            f"python    {platform.python_version()}; Django {django.get_version()}; "
            f"PostgreSQL {pg_version} (database {db_name}, dropped at the end)",
            f"server    scripts/serve.sh: gunicorn, {workers} sync workers; the load generator "
            "runs on the same machine",
            f"sessions  {args.sessions} logged-in fillers; mix "
            + ", ".join(f"{k} {w}%" for k, w in MIX),
        ]
    )


def table(phases: list[Phase]) -> str:
    cols = [
        ("phase", 24, False),
        ("requests", 8, True),
        ("req/s", 6, True),
        ("p50 ms", 7, True),
        ("p95 ms", 7, True),
        ("p99 ms", 7, True),
        ("errors", 6, True),
        ("server p50/p95", 14, True),
        ("CPU ms/req web+pg+client", 24, True),
        ("p95≤300", 7, True),
        ("load 1m", 7, True),
    ]

    def line(values):
        return "  ".join(
            pad(str(v), w, right) for v, (_, w, right) in zip(values, cols, strict=True)
        )

    out = [line([c for c, _, _ in cols]), line(["-" * w for _, w, _ in cols])]
    for p in phases:

        def per(cpu: float, p: Phase = p) -> str:
            return f"{1000 * cpu / p.count:.0f}" if p.count else "-"

        out.append(
            line(
                [
                    p.label,
                    p.count,
                    f"{p.rate:.1f}",
                    f"{p.pct(0.50):.0f}",
                    f"{p.pct(0.95):.0f}",
                    f"{p.pct(0.99):.0f}",
                    p.errors,
                    f"{p.pct(0.5, p.server_ms):.0f}/{p.pct(0.95, p.server_ms):.0f}",
                    f"{per(p.cpu_web)}+{per(p.cpu_pg)}+{per(p.cpu_client)}",
                    "yes" if p.passes else "no",
                    f"{p.load[0]:.2f}" if p.load else "-",
                ]
            )
        )
    for p in phases:
        failed = Counter(f"{s.kind} → {s.status}" for s in p.samples if not s.ok)
        if failed:
            out.append(
                f"  errors in {p.label}: " + ", ".join(f"{k} ×{n}" for k, n in failed.items())
            )
    return "\n".join(out)


def by_kind(phase: Phase) -> str:
    kinds = sorted({s.kind for s in phase.samples})
    parts = []
    for kind in kinds:
        values = [s.ms for s in phase.samples if s.kind == kind]
        parts.append(f"{kind} {phase.pct(0.5, values):.0f}/{phase.pct(0.95, values):.0f}")
    return f"  p50/p95 ms by request ({phase.label}): " + ", ".join(parts)


def where_the_time_goes(phase: Phase, cores: int) -> str:
    if not phase.count:
        return ""
    web = 1000 * phase.cpu_web / phase.count
    pg = 1000 * phase.cpu_pg / phase.count
    client = 1000 * phase.cpu_client / phase.count
    server_p50 = phase.pct(0.5, phase.server_ms)
    capacity = 1000 * cores / (web + pg + client) if web + pg + client else float("nan")
    cpu_ms = web + pg
    waiting_for_cpu = max(0.0, server_p50 - cpu_ms)
    return "\n".join(
        [
            f"Where the time goes at {phase.label} ({phase.rate:.1f} req/s achieved):",
            f"  client-seen p50 {phase.pct(0.5):.0f} ms = server (gunicorn worker, Django and "
            f"its queries) p50 {server_p50:.0f} ms + waiting/transfer "
            f"{max(0.0, phase.pct(0.5) - server_p50):.0f} ms",
            f"  CPU per request: {web:.0f} ms in the gunicorn workers (Python: views, rules, "
            f"templates, ORM), {pg:.0f} ms in PostgreSQL, {client:.0f} ms in this load "
            "generator (same machine)",
            f"  server time p50 {server_p50:.0f} ms vs CPU {cpu_ms:.0f} ms: ≈ {waiting_for_cpu:.0f} ms "
            f"waiting for a core (load average {phase.load[0]:.1f} on {cores} cores, this "
            "benchmark's processes and whatever else runs)",
            f"  → {cores} cores give at most ≈ {capacity:.0f} req/s of this mix; past that, "
            "requests queue for a worker and p95 grows without bound",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short phases, two rate steps")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--sessions", type=int, default=50)
    args = parser.parse_args()
    think_s, loop_s, step_s = (12, 8, 8) if args.quick else (60, 30, 20)
    rates = [4, 8] if args.quick else [4, 8, 12, 16, 20, 24, 28, 32, 40, 48]
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{old_name}_load"
    started = time.perf_counter()
    progress(f"creating throwaway database test_{old_name}_load")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    server = None
    try:
        reference_load()
        progress(f"making {args.sessions} users, their projects and sessions")
        people = make_people(args.sessions)
        analyze()
        connection.close()  # the server's workers get the database to themselves
        with tempfile.TemporaryDirectory(prefix="bench-load-") as folder:
            progress(f"starting scripts/serve.sh with {args.workers} gunicorn workers")
            server = Server(args.workers, Path(folder))
            sessions = [Session(p, server.port) for p in people]
            print(header(args, args.workers, db_name), flush=True)
            for s in sessions[:5]:  # warm the workers up
                s.step("list")
                s.step("sheet")
            phases: list[Phase] = []
            progress(f"with think time, {think_s} s")
            phases.append(measured(server, db_name, *closed_loop(sessions, think_s, (2.0, 8.0))))
            progress(f"no think time, {loop_s} s")
            phases.append(measured(server, db_name, *closed_loop(sessions, loop_s, None)))
            best = None
            for rate in rates:
                progress(f"open loop at {rate} req/s, {step_s} s")
                phase = measured(server, db_name, *open_loop(sessions, step_s, rate))
                phases.append(phase)
                if not phase.passes:
                    break
                best = phase
            print(table(phases))
            for phase in phases[:2]:
                print(by_kind(phase))
            print()
            if best:
                print(
                    f"Highest rate sustained with p95 ≤ {TARGET_P95_MS:.0f} ms and no error: "
                    f"{best.target_rate:g} req/s (p95 {best.pct(0.95):.0f} ms)"
                    + (
                        f"; the next step, {phases[-1].target_rate:g} req/s, gave p95 "
                        f"{phases[-1].pct(0.95):.0f} ms"
                        if phases[-1] is not best
                        else " (the highest step tried)"
                    )
                )
                print(by_kind(best))
                print(where_the_time_goes(best, cores))
            else:
                print(f"No rate tried kept p95 ≤ {TARGET_P95_MS:.0f} ms (lowest: {rates[0]} req/s)")
            print(where_the_time_goes(phases[1], cores))
            think = phases[0]
            verdict = "meets" if think.passes else "misses"
            print(
                f"\nWith think time (50 people acting every ~5 s): {think.rate:.1f} req/s, "
                f"p95 {think.pct(0.95):.0f} ms, {think.errors} errors: {verdict} the target "
                f"p95 ≤ {TARGET_P95_MS:.0f} ms, 0 errors."
            )
            server.stop()
            server = None
    finally:
        if server is not None:
            server.stop()
        connection.creation.destroy_test_db(old_name, verbosity=0)
    print(f"took {time.perf_counter() - started:.0f} s. Exit code is 0 regardless.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
