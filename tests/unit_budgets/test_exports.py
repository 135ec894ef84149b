"""The tables as PDF and workbook, and the whole book, read back."""

import re
from decimal import Decimal
from io import BytesIO

import pytest
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from apps.budgets.models import BudgetYear
from apps.core.money import fmt_money
from apps.projects.services import load_project_file
from apps.unit_budgets.exports import book_pdf, tables_workbook
from apps.unit_budgets.selectors import book_for
from tests.unit_budgets import seed004
from tests.unit_budgets.conftest import SEED_004

PROJECTS = SEED_004.parent.parent / "projects"


def pdf_pages(content: bytes) -> list[str]:
    reader = PdfReader(BytesIO(content))
    return [re.sub(r"\s+", "", page.extract_text()) for page in reader.pages]


def printed_amounts() -> set[str]:
    """Every non-zero amount printed in seed 004's tables 1-7, as the system formats it."""
    out = set()
    for block, parts, width in (
        (seed004.T2, 3, 5),
        (seed004.T3, 3, 3),
        (seed004.T5, 3, 3),
        (seed004.T7, 2, 3),
    ):
        lines, total = seed004.code_table(block, parts, width)
        for _, _, values in [*lines, ("", "", total)]:
            out |= {fmt_money(v) for v in values or [] if v}
    return out


def test_tables_pdf_holds_every_printed_figure(client_a, book_004):
    response = client_a.get(reverse("unit_budgets:tables_pdf", args=[book_004.unit.pk, 2020]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''2020-" in response["Content-Disposition"]
    pages = pdf_pages(response.content)
    text = "".join(pages)
    for layout_title in ("2020年单位财务收支预算总表", "2020年单位“三公”经费和机关运行经费预算表"):
        assert layout_title in text
    missing = [a for a in printed_amounts() if a not in text]
    assert missing == []
    assert "2020年本单位无政府性基金预算" in text
    assert "10.27" in text and "9.60" in text and "0.67" in text
    assert "单位：万元" in text


def test_tables_workbook_has_the_figures_as_numbers(book_004):
    wb = load_workbook(BytesIO(tables_workbook(book_004)))
    assert len(wb.sheetnames) == 8
    assert wb.sheetnames[0] == "1-财务收支预算总表"
    cells = {
        name: [c for row in wb[name].iter_rows(values_only=True) for c in row if c is not None]
        for name in wb.sheetnames
    }
    numbers = {
        name: {
            Decimal(str(c)).quantize(Decimal("0.01")) for c in values if isinstance(c, (int, float))
        }
        for name, values in cells.items()
    }
    expected = {Decimal(a.replace(",", "")) for a in printed_amounts()}  # tables 2, 3, 5 and 7
    everything = set().union(*numbers.values())
    assert expected <= everything
    assert Decimal("104733480.93") in numbers["1-财务收支预算总表"]
    assert Decimal("31539982.89") in numbers["1-财务收支预算总表"]
    assert {Decimal("10.27"), Decimal("0.67"), Decimal("9.60")} <= numbers[
        "8-三公经费和机关运行经费"
    ]
    sheet2 = [row for row in wb["2-收入预算总表"].iter_rows(values_only=True)]
    teacher = next(row for row in sheet2 if row[:4] == ("205", "08", "01", "教师进修"))
    assert teacher[4] == pytest.approx(38451864.75)
    # Empty classification lines print with blank cells, as the seed does.
    admin_line = next(row for row in sheet2 if row[:4] == ("205", "01", "01", "行政运行"))
    assert admin_line[4:] == (None,) * 5
    assert "2020年本单位无政府性基金预算" in cells["6-政府性基金预算支出"]


def test_tables_xlsx_download(client_a, book_004):
    response = client_a.get(reverse("unit_budgets:tables_xlsx", args=[book_004.unit.pk, 2020]))
    assert response.status_code == 200
    assert load_workbook(BytesIO(response.content)).sheetnames[7] == "8-三公经费和机关运行经费"


def test_whole_book_pdf(client_a, book_004, unit_a):
    projects = [load_project_file(PROJECTS / f"004{x}.json") for x in "ab"]
    pages = pdf_pages(book_pdf(book_for(unit_a, BudgetYear.objects.get(year=2020))))
    text = "".join(pages)
    # The unit's part, in the book's order
    order = [
        "2020年单位预算",
        "一、上海市闵行区教育学院主要职能",
        "三、名词解释",
        "四、2020年单位预算编制说明",
        "2020年单位财务收支预算总表",
        "2020年单位“三公”经费和机关运行经费预算表",
        "六、其他相关情况说明",
        "本单位编报绩效目标的项目共2个，涉及项目预算资金193.94万元",
    ]
    position = 0
    for part in order:  # each after the one before (the contents page names them first)
        position = text.index(part, position)
    assert "预算支出总额为10473.35万元" in text
    # Then each project's three sheets
    for p in projects:
        start = text.index(p.name, position)
        assert "财政项目支出绩效目标申报表（项目总体情况）" in text[start - 200 :]
    assert text.count("项目支出绩效目标申报表(制度保障)") == 2
    assert len(pages) >= 14


def test_no_synchronous_whole_book_url(client_a, book_004, unit_a):
    """The book takes tens of seconds: it is only made as a background job."""
    with pytest.raises(NoReverseMatch):
        reverse("unit_budgets:book_pdf", args=[unit_a.pk, 2020])
    assert client_a.get(f"/unit-budgets/{unit_a.pk}/2020/book.pdf").status_code == 404


@pytest.mark.django_db(transaction=True)
def test_whole_book_pdf_as_a_background_job(client_a, book_004, unit_a):
    """The unit page starts the book as a job (22 projects take a while); the worker makes
    it and the download is the book, projects included."""
    from django.core.management import call_command

    from apps.exports.models import ExportJob

    projects = [load_project_file(PROJECTS / f"004{x}.json") for x in "ab"]
    page = client_a.get(reverse("unit_budgets:detail", args=[unit_a.pk, 2020])).content.decode()
    assert 'value="unit_book"' in page
    response = client_a.post(
        reverse("exports:unit_start"), {"unit": unit_a.pk, "year": 2020, "kind": "unit_book"}
    )
    job = ExportJob.objects.get(kind=ExportJob.Kind.UNIT_BOOK)
    assert response.status_code == 302 and job.status == ExportJob.Status.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    state = client_a.get(reverse("exports:job_status", args=[job.pk])).json()
    assert (state["status"], state["done"], state["total"]) == ("done", 2, 2)
    content = b"".join(client_a.get(state["download"]).streaming_content)
    text = "".join(pdf_pages(content))
    assert "2020年单位财务收支预算总表" in text
    for project in projects:
        assert project.name in text
    job.refresh_from_db()
    assert job.filename == "2020-上海市闵行区教育学院-单位预算.pdf"
