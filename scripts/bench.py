"""Benchmark of the sheet pages and the project list, on a throwaway PostgreSQL database.

Run from the project root (it creates ``test_<NAME>`` of the configured database, fills it,
measures, and drops it again; real data is never touched):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench.py [--quick]

Pick your own database name so concurrent test runs do not collide, e.g.
``DATABASE_URL=postgres://postgres@127.0.0.1:5432/helper_bench`` (→ ``test_helper_bench``).

What it measures (server time: ``time.perf_counter`` around a ``django.test.Client`` call,
3 warm-ups, then 30 runs, or 5 with ``--quick``), with the query count of one run:

Every row prints its figure beside a floor measured in the same run, the ratio and the
1-minute load average when its runs ended (quiet-machine targets are missed under load):

1. GET of the 绩效目标 sheet (``projects:sheet``, sheet "goals") of projects with 60 / 40 / 3,
   6 / 4 / 3 and 500 / 40 / 3 indicators / budget lines / rule documents (no 500 with
   ``--quick``): ≤ 50 ms median at 60 / 40 on a quiet machine (issue 15), the same number
   of queries for every size;
   floor: the page's SELECTs sent bare through a cursor (database alone). The page keeps
   its written tables and findings by a digest of what they show (apps/projects/kept.py),
   so these are reloads of an unchanged project;
6. the same GET with nothing kept (the cache dropped before each run): the first view
   after a change, written from scratch; 7. the GET after one indicator's name changed
   (as after a one-row save): tables and findings written again, the other rows kept.
2. POST of that page unchanged (the fields the GET rendered, read back from ``#sheet-form``):
   no INSERT/UPDATE/DELETE at all, and ≤ 1× the GET of the same page written from scratch
   (6, its floor: a save reads every posted row as that GET writes every row).
3. ``/projects/`` for a filler of a unit with 100 and with 1,000 projects; the finance
   reviewer's ``/projects/`` and 待办 (``reviews:queue``) across 1,000, 10,000 and 100,000
   projects (1,000 and 2,000 with ``--quick``): ≤ 150 ms median, ≤ 80 ms at 100,000, query
   count independent of the number of projects; floor: the SELECTs sent bare.
4. The live check endpoint (``projects:sheet_check``) as the page's script posts it after
   one edit (the edited row whole, the other rows named as saved): ≤ 3× its floor, the
   rules and the database alone (the project loaded with every row and checked).

Options: ``--quick`` (fewer runs, smaller lists), ``--profile`` (cProfile of one GET, one
POST and one live check of the large sheet, printed after the table; ``BENCH_SORT=tottime``,
``BENCH_TOP=40`` and ``BENCH_PROFILE_SIZE=small|huge`` change what it prints), ``--explain``
(EXPLAIN ANALYZE of the slowest SELECTs of the largest lists), ``--only lists|sheets``. The exit code is
always 0: a slow machine must not fail CI, so the table marks FAIL instead.
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import cProfile
import datetime
import io
import math
import os
import platform
import pstats
import re
import socket
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from html.parser import HTMLParser
from urllib.parse import urlencode

from benchlib import analyze, cpu_model, pad, progress, setup_django, width

setup_django()

import django
from django.conf import settings
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.accounts.models import User
from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.checks.findings import Sheet
from apps.checks.rules import check_filing
from apps.checks.snapshot import filing_from_project
from apps.indicators.models import Indicator
from apps.projects.kept import forget_all
from apps.projects.models import Project
from apps.projects.selectors import project_for_checks
from apps.units.models import Unit
from tests import factories

WARMUPS = 3
FORM_ENCODED = "application/x-www-form-urlencoded"
WRITES = ("INSERT", "UPDATE", "DELETE")
SHEET_TARGET_MS = 50.0
LIST_TARGET_MS = 150.0
LIST_UNIT_SIZES = (100, 1_000)
BIG_LIST = 100_000  # a province files on the order of 50,000–60,000 projects a year
BIG_LIST_TARGET_MS = 80.0
BENCH_DEPARTMENT_CODE = "990"
BENCH_UNITS = 10


# --- Reading back a rendered form, as a browser would submit it ------------------------


class FormFields(HTMLParser):
    """The (name, value) pairs a browser submits from the ``<form id=form_id>``.

    Inputs (checkboxes and radios only when checked), textareas (without the newline HTML
    drops after the start tag), and selects with their selected option (else the first).
    Disabled controls, buttons and anything inside ``<template>`` are not submitted.
    """

    SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}

    def __init__(self, form_id: str):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.template_depth = 0
        self.pairs: list[tuple[str, str]] = []
        self._textarea: list | None = None  # [name, chunks]
        self._select: dict | None = None  # name, multiple, options [(value, selected)]
        self._option: dict | None = None  # value (None: use text), text chunks, selected

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
            return
        if not self.inside:
            return
        if tag == "template":
            self.template_depth += 1
        if self.template_depth:
            return
        disabled = "disabled" in a
        if tag == "input" and a.get("name") and not disabled:
            kind = a.get("type", "text").lower()
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.pairs.append((a["name"], a.get("value", "on")))
            elif kind not in self.SKIPPED_INPUTS:
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "textarea" and a.get("name") and not disabled:
            self._textarea = [a["name"], []]
        elif tag == "select" and a.get("name") and not disabled:
            self._select = {"name": a["name"], "multiple": "multiple" in a, "options": []}
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = {
                "value": a.get("value"),
                "text": [],
                "selected": "selected" in a,
                "disabled": disabled,
            }
        elif tag == "optgroup":
            self._close_option()

    def handle_endtag(self, tag):
        if not self.inside:
            return
        if tag == "template" and self.template_depth:
            self.template_depth -= 1
            return
        if self.template_depth:
            return
        if tag == "form":
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            name, chunks = self._textarea
            value = "".join(chunks)
            if value.startswith("\r\n"):
                value = value[2:]
            elif value.startswith("\n"):
                value = value[1:]
            self.pairs.append((name, value))
            self._textarea = None
        elif tag in ("option", "optgroup"):
            self._close_option()
        elif tag == "select" and self._select is not None:
            self._close_option()
            self._finish_select()

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1].append(data)
        elif self._option is not None:
            self._option["text"].append(data)

    def _close_option(self):
        if self._option is None or self._select is None:
            return
        opt = self._option
        value = opt["value"]
        if value is None:  # no value attribute: the text, whitespace collapsed
            value = " ".join("".join(opt["text"]).split())
        if not opt["disabled"]:
            self._select["options"].append((value, opt["selected"]))
        self._option = None

    def _finish_select(self):
        sel, self._select = self._select, None
        chosen = [value for value, selected in sel["options"] if selected]
        if sel["multiple"]:
            self.pairs.extend((sel["name"], value) for value in chosen)
        elif chosen:
            self.pairs.append((sel["name"], chosen[-1]))  # the last selected one wins
        elif sel["options"]:
            self.pairs.append((sel["name"], sel["options"][0][0]))


def form_pairs(html: str, form_id: str = "sheet-form") -> list[tuple[str, str]]:
    parser = FormFields(form_id)
    parser.feed(html)
    parser.close()
    if not parser.pairs:
        raise RuntimeError(f"no fields found in #{form_id}")
    return parser.pairs


# --- Measuring -----------------------------------------------------------------------


def is_write(sql: str) -> bool:
    return sql.lstrip().upper().startswith(WRITES)


def query_shape(sql: str) -> str:
    """The SQL with literals blanked, so the same query for another row counts as a repeat."""
    sql = re.sub(r"'(?:[^']|'')*'", "?", sql)
    sql = re.sub(r"\b\d+(?:\.\d+)?\b", "?", sql)
    return re.sub(r"\s+", " ", sql).strip()


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


@dataclass
class Row:
    key: str
    label: str
    target: str = "-"
    times_ms: list[float] = field(default_factory=list)
    queries: list[str] = field(default_factory=list)
    writes: list[str] = field(default_factory=list)
    status: int | None = None
    expected_status: int = 200
    checks: list[tuple[bool, str]] = field(default_factory=list)
    floor_ms: list[float] = field(default_factory=list)
    floor_label: str = ""
    load: float | None = None  # 1-minute load average when the row's runs ended

    @property
    def floor(self) -> float | None:
        return statistics.median(self.floor_ms) if self.floor_ms else None

    @property
    def ratio(self) -> float | None:
        return self.median / self.floor if self.floor else None

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p95(self) -> float:
        return p95(self.times_ms)

    @property
    def verdict(self) -> str:
        if self.status != self.expected_status:
            return "FAIL"
        if not self.checks:
            return "info"
        return "PASS" if all(ok for ok, _ in self.checks) else "FAIL"

    def repeated(self, at_least: int = 5) -> list[tuple[int, str]]:
        counts = Counter(query_shape(q) for q in self.queries)
        return [(n, shape) for shape, n in counts.most_common() if n >= at_least]


def measure(row: Row, call, runs: int) -> Row:
    """Warm up, capture the queries of one run, then time ``runs`` runs without capture."""
    for _ in range(WARMUPS):
        call()
    with CaptureQueriesContext(connection) as ctx:
        response = call()
    row.status = response.status_code
    row.queries = [q["sql"] for q in ctx.captured_queries]
    row.writes = [q for q in row.queries if is_write(q)]
    row.times_ms = timed(call, runs)
    row.load = os.getloadavg()[0]
    return row


def timed(call, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def sql_floor(row: Row, runs: int) -> Row:
    """The floor "database alone": the SELECTs of the row's request sent bare through a
    cursor (no Django, no template), timed as the request was."""
    selects = [q for q in row.queries if q.lstrip().upper().startswith(("SELECT", "WITH"))]

    def bare():
        with connection.cursor() as cursor:
            for sql in selects:
                cursor.execute(sql)
                cursor.fetchall()

    for _ in range(WARMUPS):
        bare()
    row.floor_ms = timed(bare, runs)
    row.floor_label = f"db alone ({len(selects)} SELECTs)"
    return row


# --- Test data ----------------------------------------------------------------------


def sheet_project(unit: Unit, name: str, n_indicators: int, n_lines: int) -> Project:
    """A ready project (every check passes) with the given numbers of rows."""
    base = factories.MINHANG_ROWS
    indicators = []
    for i in range(n_indicators):
        level1, level2, name3, target = base[i % len(base)]
        indicators.append((level1, level2, f"{name3}（{i // len(base) + 1}）", target))
    lines = [(Decimal(100 * (k + 1)), Decimal(50 * (k + 1)), Decimal("2")) for k in range(n_lines)]
    return factories.ready_project(unit=unit, name=name, indicators=indicators, lines=lines)


def bench_units() -> list[Unit]:
    department = Unit.objects.create(
        code=BENCH_DEPARTMENT_CODE, name="基准测试主管部门", kind=Unit.Kind.DEPARTMENT
    )
    return [
        Unit.objects.create(
            code=f"{BENCH_DEPARTMENT_CODE}{i:03d}",
            name=f"基准测试单位{i:02d}",
            kind=Unit.Kind.UNIT,
            parent=department,
        )
        for i in range(1, BENCH_UNITS + 1)
    ]


OVERVIEW_TEXT = "本项目用于全区中小学校园安全监控平台的建设与运维，" * 12  # ~300 characters
GOAL_TEXT = "完成平台建设并投入使用，提升校园安全管理水平。" * 6


def add_projects(unit: Unit, count: int) -> None:
    """``count`` more projects of ``unit``, each with 2 budget lines, by bulk_create."""
    years = list(BudgetYear.objects.order_by("year"))
    start = Project.objects.filter(unit=unit).count()
    statuses = [s for s, _ in Project.Status.choices]
    projects = [
        Project(
            unit=unit,
            budget_year=years[i % len(years)],
            name=f"基准项目{i:05d}",
            status=statuses[i % len(statuses)],
            category=Project.Category.ONE_OFF,
            current_budget=Decimal(1000 + i),
            error_count=i % 3,
            warning_count=i % 2,
            lines_total=Decimal(500 + 501),  # its two lines below, as a save stores it
            # Texts of a filed project's length, so that a list's row is as wide as a real one.
            overview=OVERVIEW_TEXT,
            annual_goal=GOAL_TEXT,
        )
        for i in range(start, start + count)
    ]
    Project.objects.bulk_create(projects, batch_size=2000)
    BudgetLine.objects.bulk_create(
        [
            BudgetLine(
                project=p,
                item_name=p.name,
                content="内容",
                detail=f"明细{k + 1}",
                amount=Decimal(500 + k),
                order=k,
            )
            for p in projects
            for k in range(2)
        ],
        batch_size=4000,
    )


def logged_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The benchmarks -------------------------------------------------------------------


SHEET_SIZES = {"large": (60, 40), "small": (6, 4), "huge": (500, 40)}
SIZE_LETTER = {"large": "a", "small": "b", "huge": "c"}
CHECK_TARGET_RATIO = 3.0


def cold_get(client: Client, url: str):
    forget_all()
    return client.get(url)


def one_row_changed(row: Row, client: Client, url: str, indicator_id: int, runs: int) -> Row:
    """GET after one indicator's name changed (as after a save of one row): the tables and
    findings are written again, the other rows' HTML is kept. The UPDATE is made before
    each timed GET, outside its time."""
    names = iter(range(10**6))

    def change():
        Indicator.objects.filter(pk=indicator_id).update(name=f"改过的名称{next(names)}")

    for _ in range(WARMUPS):
        change()
        client.get(url)
    change()
    with CaptureQueriesContext(connection) as ctx:
        row.status = client.get(url).status_code
    row.queries = [q["sql"] for q in ctx.captured_queries]
    row.writes = [q for q in row.queries if is_write(q)]
    for _ in range(runs):
        change()
        started = time.perf_counter()
        client.get(url)
        row.times_ms.append((time.perf_counter() - started) * 1000)
    row.load = os.getloadavg()[0]
    return row


def rules_and_db(project: Project):
    """The live check's floor: load the project with every row (the database) and run the
    rules on it (apps/checks), nothing else."""
    return lambda: check_filing(filing_from_project(project_for_checks(project)))


def live_check_pairs(pairs, prefix: str, name: str, value: str) -> list[tuple[str, str]]:
    """The page's fields as its script sends a live check after one edit (``name`` of row
    ``prefix`` set to ``value``): that row whole, every other saved row by its id and
    DELETE only, named in its table's SAME."""
    fields = dict(pairs)
    out, same = [], {}
    for key, val in pairs:
        table, _, rest = key.partition("-")
        index, _, field_name = rest.partition("-")
        row = f"{table}-{index}"
        saved = index.isdigit() and fields.get(f"{row}-id") and row != prefix
        if saved and field_name == "id":
            same.setdefault(table, []).append(row)
        elif saved and field_name != "DELETE":
            continue
        out.append((key, value if key == f"{prefix}-{name}" else val))
    out.extend((f"{table}-SAME", ",".join(rows)) for table, rows in same.items())
    return out


def bench_sheets(runs: int, profile: bool, quick: bool) -> tuple[list[Row], list[str]]:
    unit = Unit.objects.get(code="001001")
    filler = factories.user("bench_filler", User.Role.FILLER, unit)
    client = logged_in(filler)
    sizes = {k: v for k, v in SHEET_SIZES.items() if not (quick and k == "huge")}
    projects = {
        key: sheet_project(unit, f"基准{key}项目", n_ind, n_lines)
        for key, (n_ind, n_lines) in sizes.items()
    }
    analyze()
    rows: dict[str, Row] = {}
    profiles: list[str] = []
    for key, project in projects.items():
        n_ind, n_lines = sizes[key]
        letter = SIZE_LETTER[key]
        what = f"{n_ind} ind / {n_lines} lines / 3 docs"
        url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
        check_url = reverse("projects:sheet_check", args=[project.pk, Sheet.GOALS])

        progress(f"GET goals sheet, {what}")
        get = partial(client.get, url)
        get_row = sql_floor(measure(Row(f"1{letter}", f"GET goals sheet, {what}"), get, runs), runs)
        rows[f"get-{key}"] = get_row
        progress(f"GET goals sheet with nothing kept, {what}")
        # What the first view after a change costs: the kept tables and findings dropped
        # before each run (apps/projects/kept.py), so the page is written from scratch.
        cold = partial(cold_get, client, url)
        cold_row = sql_floor(
            measure(Row(f"6{letter}", f"GET goals sheet, nothing kept, {what}"), cold, runs), runs
        )
        cold_row.target = "(first view after a change)"
        rows[f"cold-{key}"] = cold_row
        progress(f"GET goals sheet after one row changed, {what}")
        first_row = project.indicators.order_by("order", "id").first()
        changed_row = one_row_changed(
            Row(f"7{letter}", f"GET goals sheet, one row changed, {what}"),
            client,
            url,
            first_row.pk,
            runs,
        )
        changed_row.floor_ms, changed_row.floor_label = cold_row.times_ms, "nothing kept (6)"
        changed_row.target = "(the view after a one-row save)"
        rows[f"changed-{key}"] = changed_row
        pairs = form_pairs(get().content.decode())
        body = urlencode(pairs)
        save = partial(client.post, url, body, content_type=FORM_ENCODED)
        # As the page's script posts it after an edit of one indicator's 目标值: that row
        # whole, the others named as saved (SAME).
        edited = live_check_pairs(pairs, "ind-1", "target_raw", "≥95%")
        check = partial(client.post, check_url, urlencode(edited), content_type=FORM_ENCODED)

        progress(f"POST goals sheet unchanged, {what}")
        with CaptureQueriesContext(connection) as first:
            first_response = save()
        row = Row(f"2{letter}", f"POST goals unchanged, {what}", expected_status=302)
        measure(row, save, runs)
        first_writes = [q["sql"] for q in first.captured_queries if is_write(q["sql"])]
        row.writes = first_writes + row.writes
        if first_response.status_code != 302:
            row.status = first_response.status_code
        # Its floor: the GET of the same page written from scratch — what a save must do
        # as well, reading every posted row (its redirect is then a kept page, 1x).
        row.floor_ms, row.floor_label = cold_row.times_ms, "one GET (6" + letter + ")"
        row.target = "0 rows written; <= 1x GET"
        row.checks.append((not row.writes, f"{len(row.writes)} write statements"))
        row.checks.append((row.ratio <= 1.0, f"{row.ratio:.1f}x one GET"))
        rows[f"post-{key}"] = row

        progress(f"live check, {what}")
        row = measure(Row(f"4{letter}", f"POST live check, {what}"), check, runs)
        floor = rules_and_db(project)
        for _ in range(WARMUPS):
            floor()
        row.floor_ms, row.floor_label = timed(floor, runs), "rules + database"
        row.target = f"<= {CHECK_TARGET_RATIO:.0f}x rules + db"
        row.checks.append((row.ratio <= CHECK_TARGET_RATIO, f"{row.ratio:.1f}x rules + database"))
        answer = check().json()
        row.checks.append(("findings" in answer, f"answered {answer} (not the rows posted)"))
        rows[f"check-{key}"] = row

        progress(f"live check of the whole page, {what}")
        whole = partial(client.post, check_url, body, content_type=FORM_ENCODED)
        whole_row = measure(Row(f"5{letter}", f"POST live check whole page, {what}"), whole, runs)
        whole_row.floor_ms, whole_row.floor_label = row.floor_ms, "rules + database"
        whole_row.target = "(page posted whole: after a refused save)"
        rows[f"whole-{key}"] = whole_row
        if profile and key == os.environ.get("BENCH_PROFILE_SIZE", "large"):
            profiles.append(profile_call(f"GET goals sheet, {what}", get))
            profiles.append(profile_call(f"POST goals unchanged, {what}", save))
            profiles.append(profile_call(f"POST live check, {what}", check))

    large, small = rows["get-large"], rows["get-small"]
    large.target = f"<= {SHEET_TARGET_MS:.0f} ms median"
    large.checks.append(
        (
            large.median <= SHEET_TARGET_MS,
            f"median {large.median:.1f} ms > {SHEET_TARGET_MS:.0f} ms",
        )
    )
    small.target = "queries = 1a"
    for get_row in (large, small):
        get_row.checks.append(
            (
                len(small.queries) == len(large.queries),
                f"query count grows with rows: {len(small.queries)} (6/4) vs "
                f"{len(large.queries)} (60/40)",
            )
        )
    order = [f"{kind}-{key}" for kind in ("get", "cold", "changed", "post") for key in sizes]
    checks = [f"{kind}-{key}" for kind in ("check", "whole") for key in sizes]
    return [rows[k] for k in order], [rows[k] for k in checks], profiles


def explain(row: Row, slowest: int = 3) -> str:
    """EXPLAIN ANALYZE of the row's slowest SELECTs (timed bare once each)."""
    timings = []
    with connection.cursor() as cursor:
        for sql in row.queries:
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            start = time.perf_counter()
            cursor.execute(sql)
            cursor.fetchall()
            timings.append(((time.perf_counter() - start) * 1000, sql))
        out = [f"--- EXPLAIN (ANALYZE, BUFFERS): {row.key} {row.label}, slowest {slowest} ---"]
        for ms, sql in sorted(timings, reverse=True)[:slowest]:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            out.append(f"[{ms:.1f} ms bare] {sql[:600]}\n{plan}\n")
    return "\n".join(out)


EXPLAINS: list[str] = []


def bench_lists(runs: int, quick: bool, with_explain: bool = False) -> list[Row]:
    """The lists, growing: a filler's unit of 100 and 1,000 projects, then the finance
    reviewer's list and 待办 queue across every project at each checkpoint (full: 1,000,
    10,000 and 100,000 — a province's year; quick: 1,000 and 2,000)."""
    units = bench_units()
    checkpoints = (1_000, 2_000) if quick else (1_000, 10_000, BIG_LIST)
    filler = factories.user("bench_list_filler", User.Role.FILLER, units[0])
    reviewer = factories.user("bench_finance", User.Role.FINANCE_REVIEWER)
    filler_client, reviewer_client = logged_in(filler), logged_in(reviewer)
    url, queue_url = reverse("projects:list"), reverse("reviews:queue")
    rows: dict[str, Row] = {}

    def list_row(key: str, label: str, client: Client, address: str = url) -> None:
        progress(label)
        rows[key] = sql_floor(measure(Row(key, label), lambda: client.get(address), runs), runs)

    def finance_rows(i: int) -> None:
        total = Project.objects.count()
        list_row(f"3{'cde'[i]}", f"GET /projects/ finance, {total:,} projects", reviewer_client)
        list_row(
            f"3{'fgh'[i]}",
            f"GET 待办 queue finance, {total:,} projects",
            reviewer_client,
            queue_url,
        )

    # Checkpoints in growing order: the database holds exactly the projects named.
    for i, size in enumerate(LIST_UNIT_SIZES):
        add_projects(units[0], size - Project.objects.filter(unit=units[0]).count())
        analyze()
        list_row(f"3{'ab'[i]}", f"GET /projects/ filler, unit of {size:,} projects", filler_client)
    for i, size in enumerate(checkpoints):
        # The rest spread over the other units, so the unit filter has something to skip.
        remaining = size - Project.objects.count()
        others = units[1:]
        for j, unit in enumerate(others):
            share = remaining // len(others) + (1 if j < remaining % len(others) else 0)
            if share > 0:
                add_projects(unit, share)
        analyze(vacuum=True)
        finance_rows(i)

    def same_queries(key: str, base: str) -> None:
        rows[key].checks.append(
            (
                len(rows[key].queries) == len(rows[base].queries),
                f"query count grows with projects: {len(rows[base].queries)} "
                f"({base}) vs {len(rows[key].queries)} ({key})",
            )
        )

    def at_most(key: str, target: float) -> None:
        row = rows[key]
        row.checks.append((row.median <= target, f"median {row.median:.1f} ms > {target:.0f} ms"))

    rows["3b"].target = f"<= {LIST_TARGET_MS:.0f} ms; queries = 3a"
    at_most("3b", LIST_TARGET_MS)
    same_queries("3b", "3a")
    keys = [*(f"3{'cde'[i]}" for i in range(len(checkpoints)))]
    queue_keys = [*(f"3{'fgh'[i]}" for i in range(len(checkpoints)))]
    for group in (keys, queue_keys):
        for key in group[1:]:
            same_queries(key, group[0])
        for key in group:
            big = key == group[-1] and not quick
            target = BIG_LIST_TARGET_MS if big else LIST_TARGET_MS
            rows[key].target = f"<= {target:.0f} ms" + (
                f"; queries = {group[0]}" if key != group[0] else ""
            )
            at_most(key, target)
    if with_explain:
        EXPLAINS.extend(explain(rows[group[-1]]) for group in (keys, queue_keys))
    return [rows[k] for k in ("3a", "3b", *keys, *queue_keys)]


def profile_call(label: str, call) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    call()
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats(
        os.environ.get("BENCH_SORT", "cumulative")
    ).print_stats(int(os.environ.get("BENCH_TOP", "25")))
    return f"--- cProfile: {label} (top 25 by cumulative time) ---\n{out.getvalue()}"


# --- Report ---------------------------------------------------------------------------


def header(args, runs: int, db_name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else "?"
    lines = [
        "Benchmark: 绩效目标 sheet pages and project list",
        f"date      {datetime.datetime.now().astimezone():%Y-%m-%d %H:%M:%S %z}",
        f"host      {socket.gethostname()}",
        f"cpu       {cpu_model()}; {os.cpu_count()} logical cores ({usable} usable)",
        f"python    {platform.python_version()} ({platform.python_implementation()}); "
        f"Django {django.get_version()}",
        f"postgres  {pg_version} (database {db_name}, dropped at the end)",
        f"runs      {WARMUPS} warm-ups + {runs} timed runs per row"
        + ("; --quick: 1,000 instead of 10,000 projects for the big list" if args.quick else ""),
        "time      perf_counter around django.test.Client calls (in-process, no network)",
    ]
    return "\n".join(lines)


def table(rows: list[Row]) -> str:
    columns = [
        "#",
        "measurement",
        "median ms",
        "p95 ms",
        "floor ms",
        "floor",
        "ratio",
        "load",
        "queries",
        "writes",
        "status",
        "target",
        "result",
    ]
    right = {"median ms", "p95 ms", "floor ms", "ratio", "load", "queries", "writes", "status"}
    cells = [
        [
            r.key,
            r.label,
            f"{r.median:.1f}",
            f"{r.p95:.1f}",
            "-" if r.floor is None else f"{r.floor:.1f}",
            r.floor_label or "-",
            "-" if r.ratio is None else f"{r.ratio:.1f}x",
            "-" if r.load is None else f"{r.load:.2f}",
            str(len(r.queries)),
            str(len(r.writes)),
            str(r.status),
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
        if r.status != r.expected_status:
            out.append(f"FAIL {r.key}: HTTP {r.status}, expected {r.expected_status}")
        out.extend(f"FAIL {r.key}: {reason}" for ok, reason in r.checks if not ok)
    for r in rows:
        if r.writes:
            out.append(f"{r.key}: write statements:")
            out.extend(f"    {sql[:160]}" for sql in r.writes[:10])
        repeated = r.repeated()
        if repeated:
            out.append(f"{r.key}: queries repeated >= 5 times in one request:")
            out.extend(f"    {n:4d} x {shape[:150]}" for n, shape in repeated)
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5 runs, 1,000-project big list")
    parser.add_argument("--profile", action="store_true", help="cProfile the large sheet")
    parser.add_argument("--explain", action="store_true", help="EXPLAIN the biggest lists")
    parser.add_argument("--only", choices=("", "lists", "sheets"), default="", help="one part")
    args = parser.parse_args()
    runs = 5 if args.quick else 30

    old_name = connection.settings_dict["NAME"]
    started = time.perf_counter()
    progress(f"creating throwaway database test_{old_name}")
    db_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            reference_load()
            # Lists first, so the database holds exactly the numbers of projects named.
            list_rows = (
                bench_lists(runs, args.quick, args.explain) if args.only in ("", "lists") else []
            )
            sheet_rows, check_rows, profiles = (
                bench_sheets(runs, args.profile, args.quick)
                if args.only in ("", "sheets")
                else ([], [], [])
            )
            rows = sheet_rows + list_rows + check_rows
            print(header(args, runs, db_name))
            print(table(rows))
            print(notes(rows))
            for text in [*EXPLAINS, *profiles]:
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
