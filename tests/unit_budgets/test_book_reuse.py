"""The whole book prints each project's kept pages (apps/exports/pages.py): pages a
whole-unit PDF kept are not rendered again, and the progress counts the final write."""

import re
from io import BytesIO

import pytest
from pypdf import PdfReader

from apps.exports import pages, pdf
from apps.exports.models import ProjectPages
from apps.exports.selectors import unit_projects_for_export
from apps.projects.services import load_project_file
from apps.unit_budgets.exports import book_pdf
from tests.unit_budgets.conftest import SEED_004

PROJECTS = SEED_004.parent.parent / "projects"


@pytest.fixture
def projects(book_004, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return [load_project_file(PROJECTS / f"004{x}.json") for x in "ab"]


def texts(content: bytes) -> list[str]:
    return [re.sub(r"\s+", "", p.extract_text()) for p in PdfReader(BytesIO(content)).pages]


def test_the_book_reuses_the_pages_a_unit_pdf_kept(book_004, projects, renders, year_2020):
    loaded = unit_projects_for_export(book_004.unit, year_2020)
    unit = texts(pdf.unit_pdf(book_004.unit, year_2020, loaded))
    assert sorted(renders) == sorted(p.name for p in projects)
    renders.clear()
    book = texts(book_pdf(book_004))
    assert renders == []
    kept = sum(len(pages._read(entry).pages) for entry in ProjectPages.objects.all())
    project_pages = unit[-kept:]
    assert book[-kept:] == project_pages  # the same pages, at the end
    assert "导出于" in book[0] and not any("导出于" in page for page in project_pages)
    assert "2020年单位财务收支预算总表" in "".join(book)


def test_the_book_renders_its_projects_and_counts_the_final_write(
    book_004, projects, renders, writes_and_progress
):
    events = writes_and_progress
    content = book_pdf(book_004, progress=events.append)
    assert sorted(renders) == sorted(p.name for p in projects)
    assert [e for e in events if e != "write"] == [1, 2]
    assert events[-2:] == ["write", 2]
    text = "".join(texts(content))
    for project in projects:
        assert project.name in text
    assert ProjectPages.objects.count() == 2  # kept for the next export
