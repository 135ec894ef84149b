"""Benchmark of the reuse of project pages in a whole-unit PDF and the whole book
(apps/exports/pages.py), and of the pool that renders the changed ones (apps/exports/pdfpool.py).

Run from the project root (it creates a throwaway database ``test_<NAME>_reuse`` and a
temporary MEDIA_ROOT, fills them, measures, and drops both again):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_reuse.py [--quick] [--batches]

Data: the demo transcriptions (fixtures/demo/projects/*.json) loaded in turn, with distinct
names, into 上海市闵行区教育学院 / 2020 until it holds 22 projects (``--quick``: 6), and that
unit's 2020 budget (fixtures/demo/unit_budgets/004.json) for the book.
WeasyPrint is imported and one project rendered before any clock starts.

Rows (``time.perf_counter``, the database fetch included, as in the export task):

1. ``unit_pdf`` with no kept pages (every project changed), rendered by the pool of
   EXPORT_PDF_PROCESSES children: ≤ 8 s for 22 projects. Floor: WeasyPrint alone in this
   process, as the export ran before the pool (projects laid out one by one and written out
   six at a time) plus the summary sheet, in the same run; the ideal is that floor divided
   by the processes. Row 1f: the same floor under the garbage-collector settings of the
   pool's children (apps/exports/pdfpool.py, about 15 % less CPU); row 1i: the ideal, 1f
   divided by the processes (the ratio against it says what the pool loses).
2. ``unit_pdf`` again, nothing changed (every project's pages reused): ≤ 2 s for 22.
   Floor: the summary sheet plus pypdf joining the kept files, read from storage.
3. ``unit_pdf`` after one project changed (a recorded change: its revision goes up):
   information only. Floor: row 2's figure plus WeasyPrint on that one project.
4. ``book_pdf`` (单位预算 whole book) with no kept pages: information only. Floor: WeasyPrint
   alone in this process on the unit's part and the projects, as the book ran before.
5. ``book_pdf`` after a whole-unit PDF kept the pages: the unit's part is rendered, the
   projects reused. Floor: WeasyPrint on the unit's part plus joining the kept files.

``--batches`` adds rows for the size of the pool's batches: one project a document (each
written alone, no pypdf split) against batches of 3, of 6 (the default) and one batch a
process, each with the CPU seconds of the children (the work, whatever the load).

Every row prints its figure, its floor, the ratio and the 1-minute load average around it.
The targets apply to the full run only; the exit code is always 0 (a slow machine must not
fail CI; the table says FAIL instead).
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import gc
import io
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from itertools import batched
from pathlib import Path

MEDIA = tempfile.mkdtemp(prefix="bench-reuse-")
os.environ["MEDIA_ROOT"] = MEDIA  # read by the settings: kept pages go to a throwaway dir

from benchlib import analyze, cpu_model, pad, progress, setup_django

setup_django()

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import connection, transaction
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.budgets.reference import reference_load
from apps.exports import pages as kept_pages
from apps.exports.models import ProjectPages
from apps.exports.pdf import (
    UNIT_PDF_CHUNK,
    html_to_pdf,
    join_pdfs,
    project_html,
    summary_pdf,
    unit_pdf,
    weasy_html,
)
from apps.exports.pdfpool import CHILD_GC_THRESHOLD, pdf_processes
from apps.exports.selectors import unit_projects_for_export
from apps.projects.history import history_record
from apps.projects.models import Project
from apps.projects.services import project_create_from_data
from apps.unit_budgets.exports import book_html, book_pdf
from apps.unit_budgets.selectors import book_for
from apps.unit_budgets.services import classification_codes_load_all, unit_budget_load_file
from apps.units.models import Unit

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects"
BUDGET_FILE = Path(settings.BASE_DIR) / "fixtures" / "demo" / "unit_budgets" / "004.json"
UNIT_NAME = "上海市闵行区教育学院"
YEAR = 2020
CHANGED_TARGET_S, UNCHANGED_TARGET_S = 8.0, 2.0


def load(unit: Unit, count: int) -> None:
    """``count`` projects from the demo files of the 2018—2020 indicator system, in turn."""
    files = []
    for path in sorted(DEMO_DIR.glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        if int(data.get("year", YEAR)) == YEAR:
            files.append(data)
    for i in range(count):
        data = dict(files[i % len(files)])
        copy = i // len(files) + 1
        suffix = f"（副本{copy}）" if copy > 1 else ""
        data.update(unit=unit.name, year=YEAR, name=data["name"] + suffix)
        project_create_from_data(data=data)


def cpu_now() -> float:
    """CPU seconds of this process and of its finished children (the pool's)."""
    own, kids = (
        resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def timed(call) -> tuple[float, object]:
    """Wall seconds of ``call()`` and its result; ``timed.cpu``: the CPU seconds it took."""
    start, cpu = time.perf_counter(), cpu_now()
    result = call()
    timed.cpu = cpu_now() - cpu
    return time.perf_counter() - start, result


def export(unit, year) -> bytes:
    return unit_pdf(unit, year, unit_projects_for_export(unit, year))


def serial_pdfs(htmls) -> None:
    """WeasyPrint alone in this process, as the exports ran before the pool: each document
    laid out, written out UNIT_PDF_CHUNK at a time; nothing stored."""
    for batch in batched(htmls, UNIT_PDF_CHUNK):
        documents = [weasy_html(html).render() for html in batch]
        documents[0].copy([page for d in documents for page in d.pages]).write_pdf()


def weasy_floor(unit, year, tuned: bool = False) -> None:
    """WeasyPrint alone on the projects, then the summary sheet, in this process (the
    database fetch and the HTML included, as in row 1); with ``tuned``, under the garbage
    collector settings of the pool's children."""
    projects = unit_projects_for_export(unit, year)
    htmls = [project_html(p, stamped=False) for p in projects]
    threshold = gc.get_threshold()
    if tuned:
        gc.freeze()
        gc.set_threshold(*CHILD_GC_THRESHOLD)
    try:
        serial_pdfs(htmls)
        summary_pdf(unit, year, projects)
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def book_floor(unit, year) -> float:
    """WeasyPrint alone on the book's part and its projects, in this process."""
    book = book_for(unit, year)
    htmls = [project_html(p, stamped=False) for p in unit_projects_for_export(unit, year)]
    start = time.perf_counter()
    html_to_pdf(book_html(book))
    serial_pdfs(htmls)
    return time.perf_counter() - start


def join_floor(unit, year, head=None) -> float:
    """The summary sheet (or ``head()``) and pypdf joining the kept files: what reuse
    cannot avoid."""
    projects = unit_projects_for_export(unit, year)
    names = list(ProjectPages.objects.order_by("project__name").values_list("file", flat=True))
    start = time.perf_counter()
    parts = [head() if head else summary_pdf(unit, year, projects)]
    for name in names:
        with default_storage.open(name, "rb") as handle:
            parts.append(handle.read())
    join_pdfs(parts)
    return time.perf_counter() - start


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def batch_rows(unit, year, processes: int, count: int) -> list:
    """The unit PDF with every project changed, the pool's batches of other sizes."""
    real = kept_pages.batches_of
    rows = []
    sizes = [
        ("1 project a document", 1),
        ("batches of 3", 3),
        (f"batches of {UNIT_PDF_CHUNK} (default)", UNIT_PDF_CHUNK),
        ("1 batch a process", -(-count // processes)),
    ]
    try:
        for label, most in sizes:
            kept_pages.batches_of = lambda sizes, n, most_=most: real(sizes, n, most_)
            ProjectPages.objects.all().delete()
            before, cpu = os.getloadavg()[0], children_cpu()
            figure, _ = timed(lambda: export(unit, year))
            rows.append((label, figure, children_cpu() - cpu, before, os.getloadavg()[0]))
    finally:
        kept_pages.batches_of = real
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 projects, not 22")
    parser.add_argument("--batches", action="store_true", help="compare the batch sizes")
    args = parser.parse_args()
    count = 6 if args.quick else 22
    processes = pdf_processes()

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{old_name}_reuse"
    progress(f"creating throwaway database test_{old_name}_reuse")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        reference_load()
        classification_codes_load_all()
        unit_budget_load_file(BUDGET_FILE)
        unit = Unit.objects.get(name=UNIT_NAME)
        year = BudgetYear.objects.get(year=YEAR)
        progress(f"loading {count} demo projects")
        load(unit, count)
        analyze()
        progress("warming WeasyPrint up")
        html_to_pdf(project_html(Project.objects.filter(unit=unit).first()))
        rows = []

        progress(f"unit PDF, every project changed ({processes} processes)")
        ProjectPages.objects.all().delete()
        load1 = os.getloadavg()[0]
        figure, content = timed(lambda: export(unit, year))
        cpu1 = timed.cpu
        after1 = os.getloadavg()[0]
        pages = len(PdfReader(io.BytesIO(content)).pages)
        ProjectPages.objects.all().delete()
        floor, _ = timed(lambda: weasy_floor(unit, year))
        floor_cpu = timed.cpu
        rows.append(("1 every project changed", figure, floor, CHANGED_TARGET_S, load1, after1))
        tuned, _ = timed(lambda: weasy_floor(unit, year, tuned=True))
        tuned_cpu = timed.cpu
        rows.append(("1f  vs floor, GC as children", figure, tuned, None, load1, after1))
        rows.append(
            (f"1i  vs ideal 1f/{processes}", figure, tuned / processes, None, load1, after1)
        )
        export(unit, year)  # keep the pages again for rows 2 and 3

        progress("unit PDF, nothing changed")
        load2 = os.getloadavg()[0]
        figure, content = timed(lambda: export(unit, year))
        after2 = os.getloadavg()[0]
        floor = join_floor(unit, year)
        rows.append(("2 nothing changed", figure, floor, UNCHANGED_TARGET_S, load2, after2))
        unchanged = figure

        progress("unit PDF, one project changed")
        changed = Project.objects.filter(unit=unit, budget_year=year).order_by("name").first()
        with transaction.atomic():
            Project.objects.filter(pk=changed.pk).update(leader="基准测试改")
            history_record(project=changed)
        load3 = os.getloadavg()[0]
        figure, _ = timed(lambda: export(unit, year))
        after3 = os.getloadavg()[0]
        one = timed(lambda: html_to_pdf(project_html(changed, stamped=False)))[0]
        rows.append(("3 one project changed", figure, unchanged + one, None, load3, after3))

        progress("whole book, every project changed")
        ProjectPages.objects.all().delete()
        load4 = os.getloadavg()[0]
        figure, content = timed(lambda: book_pdf(book_for(unit, year)))
        after4 = os.getloadavg()[0]
        book_pages = len(PdfReader(io.BytesIO(content)).pages)
        floor = book_floor(unit, year)
        rows.append(("4 book, every project changed", figure, floor, None, load4, after4))

        progress("whole book, pages kept by a unit PDF")
        ProjectPages.objects.all().delete()
        export(unit, year)
        load5 = os.getloadavg()[0]
        figure, _ = timed(lambda: book_pdf(book_for(unit, year)))
        after5 = os.getloadavg()[0]
        floor = join_floor(unit, year, head=lambda: html_to_pdf(book_html(book_for(unit, year))))
        rows.append(("5 book, projects kept", figure, floor, None, load5, after5))

        extra = []
        if args.batches:
            progress("unit PDF, every project changed, batches of other sizes")
            extra = batch_rows(unit, year, processes, count)

        print("Benchmark: whole-unit PDF and whole book reusing kept project pages")
        print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores; {processes} processes")
        print(
            f"projects  {count}{' (quick: 6 not 22)' if args.quick else ''}; "
            f"pages {pages} (book {book_pages})"
        )
        print(
            pad("row", 30)
            + pad("figure s", 10, True)
            + pad("floor s", 9, True)
            + pad("ratio", 7, True)
            + pad("target", 9, True)
            + pad("load 1m before/after", 22, True)
            + pad("result", 8, True)
        )
        for label, figure, floor, target, before, after in rows:
            verdict = "info"
            if target is not None and not args.quick:
                verdict = "PASS" if figure <= target else "FAIL"
            print(
                pad(label, 30)
                + pad(f"{figure:.2f}", 10, True)
                + pad(f"{floor:.2f}", 9, True)
                + pad(f"{figure / floor:.2f}", 7, True)
                + pad(f"<= {target:.0f}" if target else "-", 9, True)
                + pad(f"{before:.2f}/{after:.2f}", 22, True)
                + pad(verdict, 8, True)
            )
        print(
            f"row 1 in CPU seconds (this process and the pool's children, whatever the load): "
            f"{cpu1:.2f}; floor {floor_cpu:.2f}, 1f {tuned_cpu:.2f}"
        )
        if extra:
            print("Batch size (row 1, every project changed):")
            print(
                pad("batches", 30)
                + pad("figure s", 10, True)
                + pad("children cpu s", 16, True)
                + pad("load 1m before/after", 22, True)
            )
            for label, figure, cpu, before, after in extra:
                print(
                    pad(label, 30)
                    + pad(f"{figure:.2f}", 10, True)
                    + pad(f"{cpu:.2f}", 16, True)
                    + pad(f"{before:.2f}/{after:.2f}", 22, True)
                )
        print("Exit code is 0 regardless (targets apply to the full run only).")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(MEDIA, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
