"""No export hands a spreadsheet a live formula: a name like =HYPERLINK(…) or =cmd|…
stays text in every tabular export (issue 16, item 2)."""

import csv
import io
import re

import openpyxl
import pytest
import tablib
from django.urls import reverse

from apps.accounts.models import User
from apps.core.tabular import SafeCSV, SafeXLSX, csv_cell, csv_cell_read
from apps.exports.selectors import unit_projects_for_export
from apps.exports.xlsx import project_workbook, unit_workbook
from apps.imports.resources import UnitResource
from apps.indicators.models import Indicator
from apps.units.models import Unit
from tests import factories

ATTACKS = [
    '=HYPERLINK("http://x","a")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def workbook_cells(content: bytes):
    wb = openpyxl.load_workbook(io.BytesIO(content))
    return [cell for ws in wb.worksheets for row in ws.iter_rows() for cell in row]


@pytest.mark.parametrize("text", ATTACKS)
def test_csv_cell_neutralises_and_reads_back(text):
    assert csv_cell(text) == "'" + text
    assert csv_cell_read(csv_cell(text)) == text


@pytest.mark.parametrize("value", ["-12.50", "+3", "1,200.00", "教育学院", "", None, 5, "'a"])
def test_numbers_and_plain_text_are_left_alone(value):
    assert csv_cell(value) == value
    assert csv_cell_read(value) == value


@pytest.fixture
def attack_projects(alice):
    return [factories.ready_project(unit=alice.unit, name=name) for name in ATTACKS]


def test_list_export_csv_writes_formulae_as_text(client_a, attack_projects):
    response = client_a.get(reverse("projects:list_export"), {"format": "csv", "year": 2020})
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    names = {r[0] for r in rows[1:]}
    assert names == {"'" + name for name in ATTACKS}
    # Amounts stay plain numbers.
    assert {r[4] for r in rows[1:]} == {"911000.00"}


def test_list_export_xlsx_writes_formulae_as_text_cells(client_a, attack_projects):
    response = client_a.get(reverse("projects:list_export"), {"format": "xlsx", "year": 2020})
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["项目列表"]
    sheet = wb.active
    names = [sheet.cell(r, 1) for r in range(2, sheet.max_row + 1)]
    # XML turns a carriage return into a line feed; the text stays text.
    assert {c.value for c in names} == {a.replace("\r", "\n") for a in ATTACKS}
    assert {c.data_type for c in names} == {"s"}
    assert all(c.data_type != "f" for c in workbook_cells(response.content))


def _admin_export(client, url, fmt):
    page = client.get(url)
    assert page.status_code == 200
    html = page.content.decode()
    fields = set(re.findall(r'type="checkbox" name="([^"]+)"', html))
    formats = re.findall(r'<option value="(\d+)"[^>]*>\s*([a-z]+)\s*</option>', html)
    index = next(value for value, title in formats if title == fmt)
    response = client.post(url, {"format": index, "resource": "0", **dict.fromkeys(fields, "on")})
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.fixture
def admin_client_(client, reference):
    admin_user = factories.user("root", User.Role.ADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    Unit.objects.filter(code="001001").update(name=ATTACKS[0])
    Unit.objects.filter(code="001002").update(name=ATTACKS[2])
    return client


def test_admin_offers_only_the_safe_formats(admin_client_):
    from django.contrib import admin

    for model_admin in admin.site._registry.values():
        if hasattr(model_admin, "get_export_formats"):
            assert set(model_admin.get_export_formats()) == {SafeCSV, SafeXLSX}
            assert set(model_admin.get_import_formats()) == {SafeCSV, SafeXLSX}


def test_admin_master_data_csv_export_is_neutralised(admin_client_):
    content = _admin_export(admin_client_, reverse("admin:units_unit_export"), "csv")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))
    names = {r[1] for r in rows[1:]}
    assert {"'" + ATTACKS[0], "'" + ATTACKS[2]} <= names
    assert not [n for n in names if n.startswith(("=", "+", "-", "@"))]


def test_admin_master_data_xlsx_export_has_text_cells(admin_client_):
    content = _admin_export(admin_client_, reverse("admin:units_unit_export"), "xlsx")
    cells = workbook_cells(content)
    assert all(c.data_type != "f" for c in cells)
    assert {ATTACKS[0], ATTACKS[2]} <= {c.value for c in cells if c.data_type == "s"}


def test_our_csv_reads_back_exactly(admin_client_):
    """The admin's export → import round trip keeps a name that starts with '='."""
    exported = UnitResource().export()
    content = SafeCSV().export_data(exported)
    assert ["001001", "'" + ATTACKS[0]] in [r[:2] for r in csv.reader(io.StringIO(content))]
    Unit.objects.filter(code="001001").update(name="改名了")
    dataset = SafeCSV().create_dataset(content)
    result = UnitResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    assert Unit.objects.get(code="001001").name == ATTACKS[0]
    xlsx = SafeXLSX().create_dataset(SafeXLSX().export_data(exported))
    assert ATTACKS[0] in [row[1] for row in xlsx]


def test_xlsx_survives_control_characters():
    data = tablib.Dataset(["a\x0bb", 1], headers=["名称", "数"])
    cells = workbook_cells(SafeXLSX().export_data(data))
    assert [c.value for c in cells] == ["名称", "数", "a\ufffdb", 1]


def test_project_workbook_keeps_text_cells(alice):
    """The per-project workbook was already safe: keep it so (text cells, never formulas)."""
    project = factories.ready_project(unit=alice.unit, name=ATTACKS[0])
    project.leader = ATTACKS[1]
    project.phone = ATTACKS[2]
    project.save()
    Indicator.objects.filter(project=project, order=0).update(name=ATTACKS[4])
    project.rule_documents.filter(order=0).update(title=ATTACKS[3])
    factories.ready_project(unit=alice.unit, name=ATTACKS[2])
    year = project.budget_year
    for content in (
        project_workbook(project),
        unit_workbook(alice.unit, year, unit_projects_for_export(alice.unit, year)),
    ):
        cells = workbook_cells(content)
        assert all(c.data_type != "f" for c in cells)
        texts = {c.value for c in cells if c.data_type == "s" and isinstance(c.value, str)}
        for text in ATTACKS[:5]:
            assert any(text in t for t in texts), text
