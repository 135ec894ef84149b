"""Benchmark of the reuse of project pages in a whole-unit PDF (apps/exports/pages.py).

Run from the project root (it creates a throwaway database ``test_<NAME>_reuse`` and a
temporary MEDIA_ROOT, fills them, measures, and drops both again):

    DJANGO_SETTINGS_MODULE=config.settings_test .venv/bin/python scripts/bench_reuse.py [--quick]

Data: the demo transcriptions (fixtures/demo/projects/*.json) loaded in turn, with distinct
names, into 上海市闵行区教育学院 / 2020 until it holds 22 projects (``--quick``: 6).
WeasyPrint is imported and one project rendered before any clock starts.

Rows (``time.perf_counter``, the database fetch included, as in the export task):

1. ``unit_pdf`` with no kept pages (every project changed): ≤ 8 s for 22 projects.
   Floor: WeasyPrint alone, as the export ran before (projects laid out one by one and
   written out six at a time) plus the summary sheet, in the same run.
2. ``unit_pdf`` again, nothing changed (every project's pages reused): ≤ 2 s for 22.
   Floor: the summary sheet plus pypdf joining the kept files, read from storage.
3. ``unit_pdf`` after one project changed (a recorded change: its revision goes up):
   information only. Floor: row 2's figure plus WeasyPrint on that one project.

Every row prints its figure, its floor, the ratio and the 1-minute load average around it.
The targets apply to the full run only; the exit code is always 0 (a slow machine must not
fail CI; the table says FAIL instead).
"""
# Django must be set up before the app modules are imported, hence imports after code.
# ruff: noqa: E402

import argparse
import io
import json
import os
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
from apps.exports.selectors import unit_projects_for_export
from apps.projects.history import history_record
from apps.projects.models import Project
from apps.projects.services import project_create_from_data
from apps.units.models import Unit

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects"
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


def timed(call) -> tuple[float, object]:
    start = time.perf_counter()
    result = call()
    return time.perf_counter() - start, result


def export(unit, year) -> bytes:
    return unit_pdf(unit, year, unit_projects_for_export(unit, year))


def weasy_floor(unit, year) -> float:
    """WeasyPrint alone, as the export used it before pages were kept: each project laid
    out, written out UNIT_PDF_CHUNK at a time, and the summary sheet; nothing stored."""
    projects = unit_projects_for_export(unit, year)
    htmls = [project_html(p, stamped=False) for p in projects]
    start = time.perf_counter()
    for batch in batched(htmls, UNIT_PDF_CHUNK):
        documents = [weasy_html(html).render() for html in batch]
        documents[0].copy([page for d in documents for page in d.pages]).write_pdf()
    summary_pdf(unit, year, projects)
    return time.perf_counter() - start


def join_floor(unit, year) -> float:
    """The summary sheet and pypdf joining the kept files: what reuse cannot avoid."""
    projects = unit_projects_for_export(unit, year)
    names = list(ProjectPages.objects.order_by("project__name").values_list("file", flat=True))
    start = time.perf_counter()
    parts = [summary_pdf(unit, year, projects)]
    for name in names:
        with default_storage.open(name, "rb") as handle:
            parts.append(handle.read())
    join_pdfs(parts)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="6 projects, not 22")
    args = parser.parse_args()
    count = 6 if args.quick else 22

    old_name = connection.settings_dict["NAME"]
    connection.settings_dict.setdefault("TEST", {})["NAME"] = f"test_{old_name}_reuse"
    progress(f"creating throwaway database test_{old_name}_reuse")
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        reference_load()
        unit = Unit.objects.get(name=UNIT_NAME)
        year = BudgetYear.objects.get(year=YEAR)
        progress(f"loading {count} demo projects")
        load(unit, count)
        analyze()
        progress("warming WeasyPrint up")
        html_to_pdf(project_html(Project.objects.filter(unit=unit).first()))
        rows = []

        progress("unit PDF, every project changed")
        ProjectPages.objects.all().delete()
        load1 = os.getloadavg()[0]
        figure, content = timed(lambda: export(unit, year))
        after1 = os.getloadavg()[0]
        pages = len(PdfReader(io.BytesIO(content)).pages)
        ProjectPages.objects.all().delete()
        floor = weasy_floor(unit, year)
        rows.append(("1 every project changed", figure, floor, CHANGED_TARGET_S, load1, after1))
        export(unit, year)  # keep the pages again for rows 2 and 3

        progress("unit PDF, nothing changed")
        load2 = os.getloadavg()[0]
        figure, content = timed(lambda: export(unit, year))
        after2 = os.getloadavg()[0]
        floor = join_floor(unit, year)
        rows.append(("2 nothing changed", figure, floor, UNCHANGED_TARGET_S, load2, after2))

        progress("unit PDF, one project changed")
        changed = Project.objects.filter(unit=unit, budget_year=year).order_by("name").first()
        with transaction.atomic():
            Project.objects.filter(pk=changed.pk).update(leader="基准测试改")
            history_record(project=changed)
        load3 = os.getloadavg()[0]
        figure, _ = timed(lambda: export(unit, year))
        after3 = os.getloadavg()[0]
        one = timed(lambda: html_to_pdf(project_html(changed, stamped=False)))[0]
        rows.append(("3 one project changed", figure, rows[1][1] + one, None, load3, after3))

        print("Benchmark: whole-unit PDF reusing kept project pages")
        print(f"cpu       {cpu_model()}; {os.cpu_count()} logical cores")
        print(f"projects  {count}{' (quick: 6 not 22)' if args.quick else ''}; pages {pages}")
        print(
            pad("row", 26)
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
                pad(label, 26)
                + pad(f"{figure:.2f}", 10, True)
                + pad(f"{floor:.2f}", 9, True)
                + pad(f"{figure / floor:.2f}", 7, True)
                + pad(f"<= {target:.0f}" if target else "-", 9, True)
                + pad(f"{before:.2f}/{after:.2f}", 22, True)
                + pad(verdict, 8, True)
            )
        print("Exit code is 0 regardless (targets apply to the full run only).")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(MEDIA, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
