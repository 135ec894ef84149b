"""The book's tables as PDF and workbook, and the whole book as one PDF.

The tables go through the printed-sheet machinery of ``apps.exports`` (the same print
template, WeasyPrint, ``write_sheet``); the whole book adds the explanation and then each
project's three sheets as a whole-unit PDF prints them (the kept pages of
``apps.exports.pages``).
"""

import io

from django.template.loader import render_to_string
from django.utils import timezone

from apps.exports.pdf import html_to_pdf, join_pdfs
from apps.unit_budgets.explanation import TERMS, Explanation
from apps.unit_budgets.layout import SHEET_TITLES, book_layouts
from apps.unit_budgets.selectors import Book

LANDSCAPE = {"t1", "t2", "t4"}  # as the print template lays them out (_print_style.html)
TABLE_NAMES = [
    "单位财务收支预算总表",
    "单位收入预算总表",
    "单位支出预算总表",
    "单位财政拨款收支预算总表",
    "单位一般公共预算支出功能分类预算表",
    "单位政府性基金预算支出功能分类预算表",
    "单位一般公共预算基本支出部门预算经济分类预算表",
    "单位“三公”经费和机关运行经费预算表",
]


def file_stem(book: Book) -> str:
    return f"{book.year}-{book.unit.name}-单位预算"


def tables_html(book: Book) -> str:
    return render_to_string(
        "unit_budgets/print_tables.html",
        {"book": book, "layouts": book_layouts(book), "exported_at": timezone.now()},
    )


def tables_pdf(book: Book) -> bytes:
    return html_to_pdf(tables_html(book))


def tables_workbook(book: Book) -> bytes:
    """The eight tables, one worksheet each, in the printed layout; amounts as numbers."""
    from openpyxl import Workbook

    from apps.exports.xlsx import write_sheet

    wb = Workbook()
    wb.remove(wb.active)
    for layout in book_layouts(book):
        ws = wb.create_sheet(SHEET_TITLES[layout.key])
        write_sheet(ws, layout)
        if layout.key in LANDSCAPE:
            ws.page_setup.orientation = "landscape"
    wb.active = 0
    wb.properties.title = file_stem(book)
    wb.properties.creator = "perf-targets"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def book_html(book: Book) -> str:
    """The unit's part of the book: cover, contents, texts, the eight tables, the notes."""
    explanation = Explanation(book)
    return render_to_string(
        "unit_budgets/book.html",
        {
            "book": book,
            "layouts": book_layouts(book),
            "table_names": [f"{book.year}年{name}" for name in TABLE_NAMES],
            "terms": TERMS,
            "budget_paragraphs": explanation.budget_paragraphs(),
            "other_sections": explanation.other_paragraphs(),
            "exported_at": timezone.now(),
        },
    )


def book_pdf(book: Book, progress=None, projects=None) -> bytes:
    """The whole book as one PDF: the unit's part, then every project's three sheets.

    The projects' pages are the kept ones of ``apps.exports.pages`` (reused while a project
    is unchanged, the others rendered by several processes, the unit's part alongside);
    the export time is printed on the unit's part. ``progress`` counts the projects, the
    last one when the joined file is written. ``projects``: the book's projects as
    ``unit_projects_for_export`` loads them, if the caller has them already.
    """
    from apps.exports.pages import projects_pages
    from apps.exports.selectors import unit_projects_for_export

    progress = progress or (lambda done: None)
    if projects is None:
        projects = unit_projects_for_export(book.unit, book.budget_year)
    content = join_pdfs(projects_pages(projects, progress, before=book_html(book)))
    progress(len(projects))
    return content
