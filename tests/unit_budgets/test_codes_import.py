"""Classification codes from Excel through the admin's import-export resource."""

from io import BytesIO

import pytest
import tablib
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.accounts.models import User
from apps.unit_budgets.models import ClassificationCode
from apps.unit_budgets.resources import ClassificationCodeResource
from tests import factories

HEAD = ["预算年度", "分类", "科目编码", "科目名称"]


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEAD)
    for row in rows:
        ws.append(row)
    buffer = BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


ROWS = [
    (2021, "功能分类", 205, "教育支出"),
    (2021, "功能分类", "205 03", "职业教育"),
    (2021, "功能分类", 2050302, "中等职业教育"),
    (2021, "部门经济分类", "301", "工资福利支出"),
    (2021, "部门经济分类", "30101", "基本工资"),
]


@pytest.fixture
def year_2021(reference):
    from apps.budgets.models import BudgetYear

    # The reference data has 2021 (the 2021 form version's demo year), without codes.
    year, _ = BudgetYear.objects.get_or_create(
        year=2021, defaults={"taxonomy": BudgetYear.objects.get(year=2020).taxonomy}
    )
    return year


def test_xlsx_import_creates_codes(year_2021):
    dataset = tablib.Dataset().load(xlsx(ROWS), format="xlsx")
    result = ClassificationCodeResource().import_data(dataset, dry_run=False)
    assert not result.has_errors() and not result.has_validation_errors()
    codes = ClassificationCode.objects.filter(budget_year=year_2021)
    assert sorted(codes.values_list("kind", "code", "name")) == [
        ("economic", "301", "工资福利支出"),
        ("economic", "30101", "基本工资"),
        ("function", "205", "教育支出"),
        ("function", "20503", "职业教育"),
        ("function", "2050302", "中等职业教育"),
    ]
    # Imported again with a renamed code: renamed, not duplicated.
    renamed = [*ROWS[:4], (2021, "部门经济分类", "30101", "基本工资（调整）")]
    ClassificationCodeResource().import_data(
        tablib.Dataset().load(xlsx(renamed), format="xlsx"), dry_run=False
    )
    assert codes.count() == 5
    assert codes.get(code="30101").name == "基本工资（调整）"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ((2021, "功能分类", "12", "坏编码"), "科目编码应为类/款/项"),
        ((2021, "部门经济分类", "3010101", "太长"), "科目编码应为类/款"),
        ((2021, "其他分类", "205", "教育支出"), "分类应为“功能分类”或“部门经济分类”"),
    ],
)
def test_bad_rows_are_refused_and_nothing_is_imported(year_2021, row, message):
    dataset = tablib.Dataset().load(xlsx([ROWS[0], row]), format="xlsx")
    result = ClassificationCodeResource().import_data(dataset, dry_run=False)
    assert result.has_errors() or result.has_validation_errors()
    errors = [str(e.error) for line in result.row_errors() for e in line[1]] + [
        str(m) for row in result.invalid_rows for msgs in row.error_dict.values() for m in msgs
    ]
    assert any(message in e for e in errors), errors
    assert not ClassificationCode.objects.filter(budget_year=year_2021).exists()


def test_import_through_the_admin_pages(client, year_2021):
    admin_user = factories.user("root", User.Role.ADMIN)
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    model_admin = admin.site._registry[ClassificationCode]
    formats = model_admin.get_import_formats()
    xlsx_index = next(i for i, f in enumerate(formats) if f().get_title() == "xlsx")
    url = reverse("admin:unit_budgets_classificationcode_import")
    upload = SimpleUploadedFile("codes.xlsx", xlsx(ROWS))
    response = client.post(url, {"resource": "0", "format": str(xlsx_index), "import_file": upload})
    assert response.status_code == 200
    confirm = response.context["confirm_form"]
    assert confirm is not None, response.context.get("errors")
    response = client.post(
        reverse("admin:unit_budgets_classificationcode_process_import"),
        {**confirm.initial, "resource": "0"},
    )
    assert response.status_code == 302
    assert ClassificationCode.objects.filter(budget_year=year_2021).count() == len(ROWS)
    listing = client.get(reverse("admin:unit_budgets_classificationcode_changelist"))
    assert "中等职业教育" in listing.content.decode()


def test_a_code_without_its_parent_is_refused_and_nothing_is_imported(year_2021):
    """A 项 whose 款 is neither in the file nor stored could not print under its parent."""
    rows = [(2021, "功能分类", 205, "教育支出"), (2021, "功能分类", 2050302, "中等职业教育")]
    result = ClassificationCodeResource().import_data(
        tablib.Dataset().load(xlsx(rows), format="xlsx"), dry_run=False
    )
    assert result.has_errors()
    messages = " ".join(str(e.error) for e in result.base_errors)
    assert "2050302（缺少上级科目 20503）" in messages
    assert not ClassificationCode.objects.filter(budget_year=year_2021).exists()
    # With the parent stored earlier, the same 项 is accepted.
    ClassificationCode.objects.create(
        budget_year=year_2021, kind="function", code="205", name="教育支出"
    )
    ClassificationCode.objects.create(
        budget_year=year_2021, kind="function", code="20503", name="职业教育"
    )
    result = ClassificationCodeResource().import_data(
        tablib.Dataset().load(xlsx(rows[1:]), format="xlsx"), dry_run=False
    )
    assert not result.has_errors()


def test_admin_shows_entries_read_only_and_keeps_codes_in_use(rf, budget_004):
    """Entries are written on the unit's page (whose service checks each code); the admin
    only shows them, and a code in use keeps its year, kind and number."""
    from apps.unit_budgets.models import UnitBudget

    request = rf.get("/")
    request.user = factories.user("root", User.Role.ADMIN)
    request.user.is_superuser = request.user.is_staff = True
    budget_admin = admin.site._registry[UnitBudget]
    for inline in budget_admin.get_inline_instances(request, budget_004):
        assert not inline.has_add_permission(request, budget_004)
        assert not inline.has_change_permission(request, budget_004)
    code_admin = admin.site._registry[ClassificationCode]
    used = budget_004.revenues.first().code
    assert code_admin.get_readonly_fields(request, used) == ["budget_year", "kind", "code"]
    unused = ClassificationCode.objects.create(
        budget_year=used.budget_year, kind="economic", code="399", name="未用"
    )
    assert code_admin.get_readonly_fields(request, unused) == []
