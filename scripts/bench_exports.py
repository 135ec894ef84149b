"""Benchmark of the exports (PDF and Excel, one project and a whole unit), on a throwaway
PostgreSQL database.

Run from the project root (it creates ``test_<NAME>`` of the configured database, fills it,
measures, and drops it again; real data is never touched):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_exports.py [--quick]

Pick your own database name so concurrent test runs do not collide, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_bexp`` (→ ``test_helper_bexp``).

Data: the eight demo transcriptions (fixtures/demo/projects/*.json) loaded again and again
with distinct names (…（副本2）, …（副本3）) into one unit and year, 上海市闵行区教育学院 /
2020, until it holds 22 projects; and 1,000 bulk copies of the largest demo, 德育队伍建设类项目
(004a: 16 indicators, 7 budget lines, 5 rule documents), in the same unit for 2019.

What it measures (``time.perf_counter``; the database fetch is included, as in the views):

1. ``project_pdf(project_for_export(pk))`` of 德育队伍建设类项目, warm (WeasyPrint imported
   and one PDF made first), median of 10 runs (3 with ``--quick``): ≤ 1.0 s.
2. ``unit_pdf(unit, year, unit_projects_for_export(unit, year))`` of the 22 projects, one run
   in a fresh child process (WeasyPrint imported there before the clock starts; the first
   render's font loading counts): ≤ 15 s, and the child's peak RSS (the Django set-up and
   the import included) ≤ 500 MiB. ``--quick``: 8 projects.
3. ``project_workbook(project_for_export(pk))`` of 德育队伍建设类项目, median of 10 runs
   (3 with ``--quick``) after one warm-up: ≤ 0.2 s.
4. ``unit_workbook(unit, year, unit_projects_for_export(unit, year))`` of 1,000 projects,
   one run in a fresh child process: ≤ 10 s and ≤ 300 MiB peak RSS (issue 15). Its floor,
   in another child of the same run: openpyxl's write-only mode writing the same cell
   values (laid out before the clock starts) with no styles, merges, heights or page setup.
   ``--quick``: 100 projects.

The children connect to the same throwaway database, so the parent's memory (the test data,
the timed runs of rows 1 and 3) does not count. Their peak is ``VmHWM`` of
/proc/self/status, not ``ru_maxrss``: on Linux a process started by a large one inherits
the parent's peak into ``ru_maxrss`` (subprocess uses vfork/exec, and exec keeps the old
memory's high-water mark), so ``ru_maxrss`` would read at least the parent's peak. It is
shown in the notes for comparison. The children's output is written to a temporary file
and checked by the parent (page count of the PDF, sheet count of the workbook).

Options: ``--quick`` (3 runs, 8 and 100 projects), ``--rows N [N …]`` (only those rows),
``--profile N [N …]`` (cProfile of one
more run of the rows named, printed after the table; rows 2 and 4 are profiled in another
child; ``BENCH_SORT=tottime`` and ``BENCH_TOP=40`` change what it prints). The exit code is
always 0: a slow machine must not fail CI, so the table marks FAIL instead.
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import cProfile
import datetime
import importlib
import io
import json
import os
import platform
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from urllib.parse import quote, urlencode

from benchlib import ROOT, analyze, cpu_model, pad, progress, setup_django, width

setup_django()

import django
from django.conf import settings
from django.db import connection, transaction

from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.exports.layout import project_for_export
from apps.exports.pdf import project_pdf
from apps.exports.xlsx import project_workbook
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator
from apps.projects.models import Project
from apps.projects.services import project_create_from_data
from apps.units.models import Unit

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects"
LARGEST_DEMO = "004a.json"  # 德育队伍建设类项目
UNIT_NAME = "上海市闵行区教育学院"
PDF_YEAR, XLSX_YEAR = 2020, 2019
UNIT_PDF_PROJECTS, UNIT_PDF_PROJECTS_QUICK = 22, 8
UNIT_XLSX_PROJECTS, UNIT_XLSX_PROJECTS_QUICK = 1_000, 100
PDF_TARGET_S = 1.0
UNIT_PDF_TARGET_S = 15.0
UNIT_PDF_TARGET_MIB = 500.0
XLSX_TARGET_S = 0.2
UNIT_XLSX_TARGET_S = 10.0  # issue 15
UNIT_XLSX_TARGET_MIB = 300.0
WARMUPS = 1
PROFILE_SUFFIX = ".prof.txt"


# --- The child process of rows 2 and 4 -------------------------------------------------

# Run as ``python -c CHILD KIND UNIT_PK YEAR_PK OUT_PATH`` from the project root, with
# DATABASE_URL naming the throwaway database. Prints one line of JSON.
CHILD = """
import io, json, os, resource, sys, time
sys.path.insert(0, os.getcwd())
import warnings
warnings.filterwarnings("ignore", "No directory at", UserWarning)
import django
django.setup()
from apps.budgets.models import BudgetYear
from apps.exports.selectors import unit_projects_for_export
from apps.units.models import Unit

def maxrss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux

def hwm():  # this process's own peak RSS in KiB (VmHWM); ru_maxrss if /proc has none
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return maxrss()

kind, unit_pk, year_pk, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
started = time.perf_counter()
if kind == "pdf":
    import weasyprint  # noqa: F401  (its import, ~1 s, is not what row 2 measures)
    from apps.exports.pdf import unit_pdf as export
elif kind == "xlsx":
    from apps.exports.xlsx import unit_workbook as export
else:  # xlsx-floor: openpyxl's write-only mode writing the same cell values, no format
    from openpyxl import Workbook
    from apps.exports.layout import project_layouts, unit_summary_layout
    from apps.exports.xlsx import render

    def sheet_values(unit, year, projects):
        sheets = [render(unit_summary_layout(unit, year, projects))]
        sheets += [render(layout) for p in projects for layout in project_layouts(p)]
        out = []
        for sheet in sheets:
            rows = [[None] * len(sheet.widths) for _ in range(sheet.last_row)]
            for (r, c), (value, _look) in sheet.cells.items():
                rows[r - 1][c - 1] = value
            out.append(rows)
        return out

    def write_values(values):
        wb = Workbook(write_only=True)
        for i, rows in enumerate(values):
            ws = wb.create_sheet(f"s{i}")
            for row in rows:
                ws.append(row)
        buffer = io.BytesIO()
        wb.save(buffer)
        return buffer.getvalue()
imported = time.perf_counter() - started
unit, year = Unit.objects.get(pk=unit_pk), BudgetYear.objects.get(pk=year_pk)
rss_ready = hwm()
profiler = None
if os.environ.get("BENCH_CHILD_PROFILE"):
    import cProfile
    profiler = cProfile.Profile()
    profiler.enable()
start = time.perf_counter()
projects = unit_projects_for_export(unit, year)
fetched = time.perf_counter() - start
if kind == "xlsx-floor":
    values = sheet_values(unit, year, projects)  # laid out before the clock starts
    start, fetched = time.perf_counter(), 0.0
    content = write_values(values)
else:
    content = export(unit, year, projects)
elapsed = time.perf_counter() - start
if profiler is not None:
    profiler.disable()
peak, ru_peak = hwm(), maxrss()
with open(out, "wb") as f:
    f.write(content)
if profiler is not None:
    import io, pstats
    text = io.StringIO()
    top = int(os.environ.get("BENCH_TOP", "25"))
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats(os.environ.get("BENCH_SORT", "cumulative")).print_stats(top)
    with open(out + ".prof.txt", "w") as f:
        f.write(text.getvalue())
print(json.dumps({
    "projects": len(projects), "bytes": len(content), "import_s": imported,
    "fetch_s": fetched, "elapsed_s": elapsed, "rss_ready_kib": rss_ready, "peak_kib": peak,
    "ru_maxrss_kib": ru_peak,
}))
"""


def child_database_url() -> str:
    """A DATABASE_URL for the throwaway database (it also keeps config.settings_test from
    starting a cluster of its own in the child)."""
    sd = connection.settings_dict
    auth = quote(sd.get("USER") or "", safe="")
    if sd.get("PASSWORD"):
        auth += ":" + quote(sd["PASSWORD"], safe="")
    host = quote(sd.get("HOST") or "", safe="")
    port = f":{sd['PORT']}" if sd.get("PORT") else ""
    query = f"?{urlencode(sd['OPTIONS'])}" if sd.get("OPTIONS") else ""
    return f"postgres://{auth}{'@' if auth else ''}{host}{port}/{quote(sd['NAME'])}{query}"


@dataclass
class ChildResult:
    data: dict | None = None
    content: bytes = b""
    error: str = ""
    profile: str = ""


def run_child(kind: str, unit: Unit, year: BudgetYear, profile: bool = False) -> ChildResult:
    env = {**os.environ, "DATABASE_URL": child_database_url()}
    if profile:
        env["BENCH_CHILD_PROFILE"] = "1"
    with tempfile.TemporaryDirectory(prefix="bench-exports-") as tmp:
        out = Path(tmp) / f"unit.{kind}"
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, kind, str(unit.pk), str(year.pk), str(out)],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            return ChildResult(error=f"child exited {proc.returncode}: {proc.stderr[-2000:]}")
        try:
            data = json.loads(proc.stdout.strip().splitlines()[-1])
        except (IndexError, ValueError):
            return ChildResult(error=f"child printed no result: {proc.stdout[-500:]}")
        prof = out.with_name(out.name + PROFILE_SUFFIX)
        return ChildResult(
            data=data,
            content=out.read_bytes(),
            profile=prof.read_text() if prof.exists() else "",
        )


# --- Checking the output --------------------------------------------------------------


def pdf_pages(content: bytes) -> int | None:
    """Pages of a PDF (None if pypdf, a test dependency, is not installed)."""
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(content)).pages)


def workbook_sheets(content: bytes) -> int:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return sum(
            1
            for name in archive.namelist()
            if name.startswith("xl/worksheets/sheet") and name.endswith(".xml")
        )


# --- Test data ----------------------------------------------------------------------


def load_unit_projects(unit: Unit, count: int) -> Project:
    """``count`` projects of ``unit`` for PDF_YEAR from the demo files, in turn, each round
    with its own suffix; returns the largest demo's project of the first round."""
    # The 2020-form transcriptions only: 2021a.json is filed on the 2021 table, whose levels
    # the 2020 taxonomy lacks.
    files = [
        path
        for path in sorted(DEMO_DIR.glob("*.json"))
        if json.loads(path.read_text(encoding="utf-8"))["year"] != 2021
    ]
    largest = None
    for i in range(count):
        path = files[i % len(files)]
        data = json.loads(path.read_text(encoding="utf-8"))
        copy = i // len(files) + 1
        data.update(
            unit=unit.name,
            year=PDF_YEAR,
            name=data["name"] + (f"（副本{copy}）" if copy > 1 else ""),
        )
        project = project_create_from_data(data=data)
        if path.name == LARGEST_DEMO and largest is None:
            largest = project
    if largest is None:
        raise RuntimeError(f"{LARGEST_DEMO} was not loaded")
    return largest


def _copy(obj, **changes):
    """An unsaved copy of a model instance: every concrete field but the primary key."""
    model = type(obj)
    values = {
        f.attname: getattr(obj, f.attname) for f in model._meta.concrete_fields if not f.primary_key
    }
    values.update(changes)
    return model(**values)


@transaction.atomic
def copy_projects(template: Project, year: BudgetYear, count: int) -> None:
    """``count`` copies of ``template`` (with its indicators, budget lines and rule
    documents) in the template's unit for ``year``, by bulk_create."""
    source = project_for_export(template.pk)
    indicators = list(source.indicators.all())
    lines = list(source.budget_lines.all())
    docs = list(source.rule_documents.all())
    if any(row.sub_project_id for row in (*indicators, *lines, *docs)):
        raise RuntimeError("the template has sub-projects; copy_projects does not copy them")
    projects = Project.objects.bulk_create(
        [
            _copy(source, budget_year_id=year.pk, name=f"{source.name}（批量{i:04d}）")
            for i in range(1, count + 1)
        ],
        batch_size=500,
    )
    for model, rows in ((Indicator, indicators), (BudgetLine, lines), (RuleDocument, docs)):
        model.objects.bulk_create(
            [_copy(row, project_id=p.pk) for p in projects for row in rows], batch_size=2000
        )


# --- Measuring -----------------------------------------------------------------------


@dataclass
class Row:
    key: str
    label: str
    target: str = "-"
    times: list[float] = field(default_factory=list)  # seconds
    peak_mib: float | None = None
    size_mib: float | None = None
    floor_s: float | None = None  # the floor measured in the same run
    load: float | None = None  # 1-minute load average when the row was measured
    checks: list[tuple[bool, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def median(self) -> float | None:
        return statistics.median(self.times) if self.times else None

    @property
    def verdict(self) -> str:
        if self.error:
            return "FAIL"
        if not self.checks:
            return "info"
        return "PASS" if all(ok for ok, _ in self.checks) else "FAIL"

    def check(self, ok: bool, reason: str) -> None:
        self.checks.append((ok, reason))


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def profile_call(label: str, call) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    return profile_text(label, profiler)


def profile_text(label: str, profiler: cProfile.Profile | None, text: str = "") -> str:
    sort = os.environ.get("BENCH_SORT", "cumulative")
    top = int(os.environ.get("BENCH_TOP", "25"))
    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        text = out.getvalue()
    return f"--- cProfile: {label} (top {top} by {sort}) ---\n{text}"


def mib(n_bytes: int) -> float:
    return n_bytes / 2**20


# --- The benchmarks -------------------------------------------------------------------


def bench_project_pdf(pk: int, runs: int, profiles: list[str], profile: bool) -> Row:
    row = Row("1", "PDF, one project (德育队伍建设类项目), warm", f"<= {PDF_TARGET_S:.1f} s median")

    def call():
        return project_pdf(project_for_export(pk))

    progress("importing WeasyPrint")
    import_s, _ = timed(lambda: importlib.import_module("weasyprint"))
    progress("PDF of one project: warm-up")
    first_s, content = timed(call)
    row.notes.append(
        f"WeasyPrint import {import_s:.2f} s, first PDF (fonts loaded) {first_s:.2f} s; "
        "not in the median"
    )
    progress(f"PDF of one project: {runs} runs")
    for _ in range(runs):
        elapsed, content = timed(call)
        row.times.append(elapsed)
    row.load = os.getloadavg()[0]
    row.size_mib = mib(len(content))
    pages = pdf_pages(content)
    row.check(content.startswith(b"%PDF"), "output is not a PDF")
    if pages is not None:
        row.notes.append(f"{pages} pages")
        row.check(pages >= 3, f"{pages} pages, expected at least 3 (one per sheet)")
    row.check(row.median <= PDF_TARGET_S, f"median {row.median:.2f} s > {PDF_TARGET_S:.1f} s")
    if profile:
        profiles.append(profile_call(row.label, call))
    return row


def bench_project_xlsx(pk: int, runs: int, profiles: list[str], profile: bool) -> Row:
    row = Row("3", "Excel, one project (德育队伍建设类项目)", f"<= {XLSX_TARGET_S:.1f} s median")

    def call():
        return project_workbook(project_for_export(pk))

    progress(f"Excel of one project: {WARMUPS} warm-up, {runs} runs")
    for _ in range(WARMUPS):
        call()
    for _ in range(runs):
        elapsed, content = timed(call)
        row.times.append(elapsed)
    row.load = os.getloadavg()[0]
    row.size_mib = mib(len(content))
    sheets = workbook_sheets(content)
    row.check(sheets == 4, f"{sheets} worksheets, expected 4 (3 sheets + 元数据)")
    row.check(row.median <= XLSX_TARGET_S, f"median {row.median:.3f} s > {XLSX_TARGET_S:.1f} s")
    if profile:
        profiles.append(profile_call(row.label, call))
    return row


def child_row(row: Row, kind: str, unit: Unit, year: BudgetYear, expected: int) -> ChildResult:
    """One run in a fresh child: time, peak memory, output size; the shared checks."""
    result = run_child(kind, unit, year)
    if result.error:
        row.error = result.error
        return result
    d = result.data
    row.load = os.getloadavg()[0]
    row.times.append(d["elapsed_s"])
    row.peak_mib = d["peak_kib"] / 1024
    row.size_mib = mib(d["bytes"])
    row.notes.append(
        f"child: import {d['import_s']:.2f} s (not timed), fetch {d['fetch_s']:.2f} s, "
        f"export {d['elapsed_s'] - d['fetch_s']:.2f} s "
        f"({(d['elapsed_s'] - d['fetch_s']) / max(d['projects'], 1) * 1000:.0f} ms/project); "
        f"peak RSS before the export {d['rss_ready_kib'] / 1024:.0f} MiB, at the end "
        f"{d['peak_kib'] / 1024:.0f} MiB (VmHWM; ru_maxrss {d['ru_maxrss_kib'] / 1024:.0f} MiB, "
        "which counts the parent's peak too)"
    )
    row.check(d["projects"] == expected, f"{d['projects']} projects exported, expected {expected}")
    return result


def bench_unit_pdf(
    unit: Unit, year: BudgetYear, count: int, quick: bool, profiles: list[str], profile: bool
) -> Row:
    row = Row(
        "2",
        f"PDF, unit of {count} projects (child process)" + (" (quick: 8 not 22)" if quick else ""),
        f"<= {UNIT_PDF_TARGET_S:.0f} s, <= {UNIT_PDF_TARGET_MIB:.0f} MiB",
    )
    progress(f"PDF of a unit of {count} projects, in a child process")
    result = child_row(row, "pdf", unit, year, count)
    if result.error:
        return row
    content = result.content
    row.check(content.startswith(b"%PDF"), "output is not a PDF")
    pages = pdf_pages(content)
    if pages is not None:
        row.notes.append(f"{pages} pages")
        row.check(pages >= 3 * count + 1, f"{pages} pages, expected >= {3 * count + 1}")
    row.check(row.median <= UNIT_PDF_TARGET_S, f"{row.median:.1f} s > {UNIT_PDF_TARGET_S:.0f} s")
    row.check(
        row.peak_mib <= UNIT_PDF_TARGET_MIB,
        f"peak {row.peak_mib:.0f} MiB > {UNIT_PDF_TARGET_MIB:.0f} MiB",
    )
    if profile:
        progress("profiling the unit PDF in another child")
        profiled = run_child("pdf", unit, year, profile=True)
        profiles.append(profile_text(row.label, None, profiled.profile or profiled.error))
    return row


def bench_unit_xlsx(
    unit: Unit, year: BudgetYear, count: int, quick: bool, profiles: list[str], profile: bool
) -> Row:
    row = Row(
        "4",
        f"Excel, unit of {count:,} projects (child process)"
        + (" (quick: 100 not 1,000)" if quick else ""),
        f"<= {UNIT_XLSX_TARGET_S:.0f} s, <= {UNIT_XLSX_TARGET_MIB:.0f} MiB",
    )
    progress(f"Excel of a unit of {count:,} projects, in a child process")
    result = child_row(row, "xlsx", unit, year, count)
    if result.error:
        return row
    progress("the floor: openpyxl write-only, the same cell values unformatted, another child")
    floor = run_child("xlsx-floor", unit, year)
    if floor.error:
        row.notes.append(f"floor not measured: {floor.error}")
    else:
        row.floor_s = floor.data["elapsed_s"]
        row.notes.append(
            f"floor: openpyxl {version('openpyxl')} write-only mode writing the same cell "
            f"values (laid out before its clock starts, no styles, merges, heights or page "
            f"setup) {row.floor_s:.2f} s, peak {floor.data['peak_kib'] / 1024:.0f} MiB; the "
            "figure counts the database fetch and the layout too"
        )
    sheets = workbook_sheets(result.content)
    expected = 3 * count + 2
    row.notes.append(f"{sheets:,} worksheets, {row.size_mib:.1f} MiB")
    row.check(sheets == expected, f"{sheets} worksheets, expected {expected} (汇总, 3 x n, 元数据)")
    row.check(row.median <= UNIT_XLSX_TARGET_S, f"{row.median:.1f} s > {UNIT_XLSX_TARGET_S:.0f} s")
    row.check(
        row.peak_mib <= UNIT_XLSX_TARGET_MIB,
        f"peak {row.peak_mib:.0f} MiB > {UNIT_XLSX_TARGET_MIB:.0f} MiB",
    )
    if profile:
        progress("profiling the unit workbook in another child")
        profiled = run_child("xlsx", unit, year, profile=True)
        profiles.append(profile_text(row.label, None, profiled.profile or profiled.error))
    return row


# --- Report ---------------------------------------------------------------------------


def total_memory() -> str:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return f"{int(line.split()[1]) / 2**20:.1f} GiB"
    except (OSError, ValueError, IndexError):
        pass
    return "unknown"


def versions() -> str:
    out = []
    for name in ("WeasyPrint", "openpyxl", "XlsxWriter", "pydyf"):
        try:
            out.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            out.append(f"{name} ?")
    return ", ".join(out)


def header(args, runs: int, db_name: str, sizes: tuple[int, int]) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        "Benchmark: exports (PDF and Excel, one project and a whole unit)",
        f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}",
        f"host      {socket.gethostname()}",
        f"cpu       {cpu_model()}; {os.cpu_count()} logical cores ({usable} usable); "
        f"{total_memory()} RAM",
        f"python    {platform.python_version()} ({platform.python_implementation()}); "
        f"Django {django.get_version()}; {versions()}",
        f"postgres  {pg_version} (database {db_name}, dropped at the end)",
        f"runs      rows 1, 3: {WARMUPS} warm-up + {runs} timed runs, median; rows 2, 4: one run "
        f"each in a fresh child process ({sizes[0]} and {sizes[1]:,} projects"
        + ("; --quick" if args.quick else "")
        + ")",
        "time      perf_counter, database fetch included; memory: the child's own peak RSS (VmHWM, MiB)",
    ]
    return "\n".join(lines)


def fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def table(rows: list[Row]) -> str:
    columns = ["#", "measurement", "runs", "median s", "max s", "floor s", "ratio"]
    columns += ["peak MiB", "output MiB", "load", "target", "result"]
    right = {"runs", "median s", "max s", "floor s", "ratio", "peak MiB", "output MiB", "load"}
    cells = [
        [
            r.key,
            r.label,
            str(len(r.times)),
            fmt(r.median, ".3f"),
            fmt(max(r.times) if r.times else None, ".3f"),
            fmt(r.floor_s, ".3f"),
            "-" if r.floor_s is None or r.median is None else f"{r.median / r.floor_s:.2f}x",
            fmt(r.peak_mib, ".0f"),
            fmt(r.size_mib, ".2f"),
            fmt(r.load, ".2f"),
            r.target,
            r.verdict,
        ]
        for r in rows
    ]
    widths = [max(width(c) for c in col) for col in zip(columns, *cells, strict=True)]

    def line(values):
        return "  ".join(
            pad(v, w, c in right) for v, w, c in zip(values, widths, columns, strict=True)
        ).rstrip()

    rule = "-" * width(line(columns))
    return "\n".join([rule, line(columns), rule, *(line(c) for c in cells), rule])


def notes(rows: list[Row]) -> str:
    out = []
    for r in rows:
        if r.error:
            out.append(f"FAIL {r.key}: {r.error}")
        out.extend(f"FAIL {r.key}: {reason}" for ok, reason in r.checks if not ok)
    for r in rows:
        out.extend(f"{r.key}: {note}" for note in r.notes)
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="3 runs, 8 and 100 projects")
    for flag, text in (
        ("--profile", "cProfile one more run of these rows (1-4)"),
        ("--rows", "measure only these rows (default: all)"),
    ):
        parser.add_argument(
            flag, nargs="+", default=[], choices=["1", "2", "3", "4"], metavar="ROW", help=text
        )
    args = parser.parse_args()
    runs = 3 if args.quick else 10
    pdf_count = UNIT_PDF_PROJECTS_QUICK if args.quick else UNIT_PDF_PROJECTS
    xlsx_count = UNIT_XLSX_PROJECTS_QUICK if args.quick else UNIT_XLSX_PROJECTS
    profile = set(args.profile)

    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    progress(f"creating throwaway database test_{old_name}")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        reference_load()
        unit = Unit.objects.get(name=UNIT_NAME)
        pdf_year = BudgetYear.objects.get(year=PDF_YEAR)
        xlsx_year = BudgetYear.objects.get(year=XLSX_YEAR)
        progress(f"loading {pdf_count} demo projects into {UNIT_NAME} / {PDF_YEAR}")
        largest = load_unit_projects(unit, pdf_count)
        progress(f"copying {xlsx_count:,} projects into {UNIT_NAME} / {XLSX_YEAR}")
        copy_projects(largest, xlsx_year, xlsx_count)
        analyze()

        profiles: list[str] = []
        benches = {
            "1": lambda: bench_project_pdf(largest.pk, runs, profiles, "1" in profile),
            "2": lambda: bench_unit_pdf(
                unit, pdf_year, pdf_count, args.quick, profiles, "2" in profile
            ),
            "3": lambda: bench_project_xlsx(largest.pk, runs, profiles, "3" in profile),
            "4": lambda: bench_unit_xlsx(
                unit, xlsx_year, xlsx_count, args.quick, profiles, "4" in profile
            ),
        }
        rows = [bench() for key, bench in benches.items() if not args.rows or key in args.rows]
        print(header(args, runs, db_name, (pdf_count, xlsx_count)))
        print(table(rows))
        print(notes(rows))
        for text in profiles:
            print(text)
        failed = [r.key for r in rows if r.verdict == "FAIL"]
        print(
            f"\n{len(failed)} FAIL ({', '.join(failed) or 'none'}); "
            f"took {time.perf_counter() - started:.0f} s. Exit code is 0 regardless."
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    return 0


if __name__ == "__main__":
    sys.exit(main())
