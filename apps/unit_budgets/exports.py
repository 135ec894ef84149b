"""The book's tables as PDF and workbook, and the whole book as one PDF.

The tables go through the printed-sheet machinery of ``apps.exports`` (the same print
template, WeasyPrint, ``write_sheet``); the whole book adds the explanation and then each
project's three sheets exactly as a project's own PDF prints them.
"""

import io
from io import BytesIO
from itertools import batched

from django.template.loader import render_to_string
from django.utils import timezone

from apps.exports.layout import project_for_export
from apps.exports.pdf import UNIT_PDF_CHUNK, html_to_pdf, project_html, weasy_html
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


def book_pdf(book: Book, progress=None) -> bytes:
    """The whole book as one PDF: the unit's part, then every project's three sheets.

    Projects are laid out in chunks, as ``apps.exports.pdf.unit_pdf`` does, to bound the
    memory of a book with many projects.
    """
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.append(BytesIO(html_to_pdf(book_html(book))))
    done = 0
    for chunk in batched(book.projects, UNIT_PDF_CHUNK):
        documents = [weasy_html(project_html(project_for_export(p.pk))).render() for p in chunk]
        pages = [page for document in documents for page in document.pages]
        writer.append(BytesIO(documents[0].copy(pages).write_pdf()))
        del documents, pages
        done += len(chunk)
        if progress is not None:
            progress(done)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()
