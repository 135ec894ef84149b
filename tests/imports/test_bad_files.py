"""Every kind of bad file: a clear Chinese message, and nothing written.

Uploaded through the page, as a user would; ``nothing_written`` counts the project rows
before and after each test."""

import io
import zipfile
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from apps.imports import files
from apps.imports.models import ImportBatch
from tests.imports.builders import official_spec, official_workbook, save

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def upload(client, data: bytes, name="表.xlsx", **extra):
    return client.post(
        reverse("imports:upload"),
        {
            "file": SimpleUploadedFile(name, data, content_type=XLSX),
            "unit": extra.pop("unit", None) or client.unit_pk,
            **extra,
        },
    )


@pytest.fixture
def client_in(client_a, alice):
    client_a.unit_pk = alice.unit_id
    return client_a


def refused(response, *fragments):
    assert response.status_code == 400
    text = response.content.decode()
    assert "文件未导入" in text and "没有写入任何内容" in text
    for fragment in fragments:
        assert fragment in text, fragment
    assert ImportBatch.objects.count() == 0


def with_member(data: bytes, name: str, content: bytes) -> bytes:
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(data)) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for item in src.infolist():
            dst.writestr(item, src.read(item.filename))
        dst.writestr(name, content)
    return out.getvalue()


def test_not_an_xlsx(client_in, nothing_written):
    refused(
        upload(client_in, "项目名称,当年预算\n甲,100\n".encode(), "表.csv"),
        "文件不是 Excel 工作簿（.xlsx）",
    )


def test_a_zip_that_is_not_a_workbook(client_in, nothing_written):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    refused(upload(client_in, buffer.getvalue(), "报告.xlsx"), "其中没有工作簿内容")


def test_macro_workbook(client_in, nothing_written):
    data = with_member(official_workbook(official_spec()), "xl/vbaProject.bin", b"\x00VBA")
    refused(upload(client_in, data, "带宏.xlsm"), "文件含有宏", "不含宏")


def test_xlsm_by_name_only(client_in, nothing_written):
    refused(upload(client_in, official_workbook(official_spec()), "带宏.xlsm"), "文件含有宏")


def test_password_protected(client_in, nothing_written):
    # What Excel writes for a workbook with an open password: an OLE compound file
    # holding the EncryptionInfo and EncryptedPackage streams.
    data = (
        files.OLE_SIGNATURE + b"\x00" * 504 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 512
    )
    refused(upload(client_in, data), "设置了打开密码", "取消密码")


def test_old_xls(client_in, nothing_written):
    refused(
        upload(client_in, files.OLE_SIGNATURE + b"\x00" * 1024, "旧表.xls"),
        "Excel 97-2003 格式（.xls）",
    )


def test_oversized_file(client_in, nothing_written):
    response = upload(client_in, b"PK" + b"\x00" * files.MAX_BYTES)
    assert response.status_code == 200  # the form's own error, shown at the field
    assert "超过上限 10 MB" in response.content.decode()
    assert ImportBatch.objects.count() == 0


def test_unpacked_size_over_the_limit(client_in, nothing_written, monkeypatch):
    monkeypatch.setattr(files, "MAX_UNPACKED_BYTES", 2 * 1024 * 1024)
    data = with_member(
        official_workbook(official_spec()), "xl/media/image1.png", b"\x00" * (3 * 1024 * 1024)
    )
    refused(upload(client_in, data), "文件解压后为 3 MB，超过上限 2 MB")


def test_too_many_sheets(client_in, nothing_written):
    wb = Workbook()
    for i in range(files.MAX_SHEETS):
        wb.create_sheet(f"表{i}")
    refused(
        upload(client_in, save(wb)), f"工作簿有 {files.MAX_SHEETS + 1} 张工作表，超过上限 300 张"
    )


def test_too_many_rows(client_in, nothing_written):
    wb = Workbook()
    wb.active.title = "绩效目标"
    wb.active.cell(row=files.MAX_ROWS + 1, column=1, value="x")
    refused(upload(client_in, save(wb)), "工作表“绩效目标”有 2001 行，超过上限 2000 行")


def test_too_many_columns(client_in, nothing_written):
    wb = Workbook()
    wb.active.cell(row=1, column=files.MAX_COLUMNS + 1, value="x")
    refused(upload(client_in, save(wb)), "用到第 61 列，超过上限 60 列")


def test_unknown_layout(client_in, nothing_written):
    wb = Workbook()
    wb.active.append(["序号", "项目", "金额"])
    wb.active.append([1, "某项目", 100])
    refused(upload(client_in, save(wb)), "无法识别的表格格式", "官方三张表模板")


def test_sheet_missing(client_in, nothing_written):
    data = official_workbook(official_spec(), skip=("guarantees",))
    refused(
        upload(client_in, data),
        "工作表缺失",
        "第 1 个项目（从工作表“项目总体情况”开始）缺少“制度保障”表",
    )


def test_formulas_without_cached_values(client_in, nothing_written):
    spec = official_spec()
    spec["funding"][2] = ("（一）财政拨款：", "=SUM(D13:D15)")
    wb = Workbook()
    wb.remove(wb.active)
    from tests.imports.builders import write_official

    write_official(wb, spec)
    wb["项目总体情况"]["D12"].data_type = "f"  # a real formula, never calculated
    refused(
        upload(client_in, save(wb)),
        "有 1 个单元格是公式，但文件中没有公式的计算结果",
        "项目总体情况!D12",
    )


def test_formula_with_a_cached_value_is_read(alice):
    """What Excel saves: the formula and its last result; the result is imported."""
    from apps.imports.files import _formulas_without_values

    xml = b'<c r="D12"><f>SUM(D13:D15)</f><v>911000</v></c><c r="D13" t="str"><f>""&amp;""</f><v></v></c>'
    assert _formulas_without_values(xml) == []


def test_date_in_a_text_cell(client_in, alice, nothing_written):
    spec = official_spec(phone=datetime(2020, 5, 6))
    response = upload(client_in, official_workbook(spec))
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and batch.status == ImportBatch.Status.BLOCKED
    page = client_in.get(reverse("imports:preview", args=[batch.pk])).content.decode()
    assert (
        "“项目总体情况”表 · 第 6 行 · 联系电话（F6）：此处应为文字，单元格却是 Excel 日期/时间（2020-05-06）"
        in page
    )
    assert "不能导入；没有写入任何内容" in page
    response = client_in.post(reverse("imports:commit", args=[batch.pk]), follow=True)
    assert "这个导入的状态为“有错误，不能导入”，不能再导入。" in response.content.decode()


def test_long_number_in_a_text_cell(client_in, nothing_written):
    spec = official_spec()
    spec["lines"][0] = (
        "安全集成平台",
        "软件开发",
        110101199003071234,
        14000000,
        None,
        "",
        None,
        "",
        "",
    )
    upload(client_in, official_workbook(spec))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.BLOCKED
    [issue] = [i for i in batch.plan["projects"][0]["issues"] if i["severity"] != "notice"]
    assert (issue["where"], issue["cell"]) == ("“绩效目标”表 · 第 16 行 · 项目明细（D16）", "D16")
    # Excel (and so the file) holds 1.10101199003071E+17: the ID's last digits are gone.
    assert "单元格是一个 18 位的数字" in issue["message"]
    assert "Excel 只保留 15 位有效数字，后几位已经丢失" in issue["message"]


def test_phone_typed_as_a_number_is_read_as_its_digits(client_in):
    upload(client_in, official_workbook(official_spec(phone=13916338685)))
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEW
    assert batch.plan["projects"][0]["data"]["fields"]["phone"] == "13916338685"


@pytest.fixture
def other_units_export(unit_b):
    from tests import factories
    from tests.imports.builders import export_project

    return export_project(factories.ready_project(unit=unit_b))


def test_export_of_another_unit(client_in, other_units_export, nothing_written):
    before = nothing_written
    refused(
        upload(client_in, other_units_export),
        "这个工作簿是单位“上海市闵行区教育信息中心”（编码 001002）的项目，只能导入本单位“上海市闵行区教育学院”的项目。",
    )
    assert ImportBatch.objects.count() == before


def test_export_of_a_newer_version(client_in, project, nothing_written):
    from openpyxl import load_workbook

    from tests.imports.builders import export_project

    wb = load_workbook(io.BytesIO(export_project(project)))
    meta = wb["元数据"]
    next(r for r in meta.iter_rows() if r[0].value == "version")[1].value = 99
    refused(upload(client_in, save(wb)), "格式版本 99")
