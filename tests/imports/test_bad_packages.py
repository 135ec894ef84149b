"""Packages made to get past the checks: damaged or encrypted zip members, limits dodged
by quoting or leaving out row numbers, merges and links over a whole sheet, XML
entities. Each is refused with a Chinese message and nothing written."""

import io
import struct
import zipfile

import pytest

from apps.imports import files
from apps.imports.files import FileRefused, check_package, open_workbook
from apps.imports.parser import parse_workbook
from tests.imports.builders import official_spec, official_workbook, save
from tests.imports.test_bad_files import refused, upload

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def client_in(client_a, alice):
    client_a.unit_pk = alice.unit_id
    return client_a


def rewrite(data: bytes, member: str, change) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            dst.writestr(item, change(content) if item.filename == member else content)
    return out.getvalue()


def simple_workbook() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "绩效目标"
    wb.active["A1"] = "x"
    return save(wb)


def stored(data: bytes) -> bytes:
    """The same package with every member stored, so its bytes can be patched."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            item.compress_type = zipfile.ZIP_STORED
            dst.writestr(item, content)
    return out.getvalue()


def patch_headers(data: bytes, member: str, *, flag=None, method=None, size=None) -> bytes:
    """Change the member's flag bits, compression method or size in both its local and
    its central directory header."""
    buf = bytearray(data)
    name = member.encode()
    for signature, flag_at, method_at, size_at, name_len_at, name_at in (
        (b"PK\x03\x04", 6, 8, 22, 26, 30),
        (b"PK\x01\x02", 8, 10, 24, 28, 46),
    ):
        pos = buf.find(signature)
        while pos != -1:
            (name_len,) = struct.unpack_from("<H", buf, pos + name_len_at)
            if bytes(buf[pos + name_at : pos + name_at + name_len]) == name:
                if flag is not None:
                    struct.pack_into("<H", buf, pos + flag_at, flag)
                if method is not None:
                    struct.pack_into("<H", buf, pos + method_at, method)
                if size is not None:
                    struct.pack_into("<I", buf, pos + size_at, size)
            pos = buf.find(signature, pos + 4)
    return bytes(buf)


def corrupt_deflate(data: bytes) -> bytes:
    """Garble the middle of the deflated sheet (its headers stay valid)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    info = z.getinfo(SHEET)
    assert info.compress_type == zipfile.ZIP_DEFLATED
    buf = bytearray(data)
    (name_len, extra_len) = struct.unpack_from("<HH", buf, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    for i in range(start + 2, start + min(info.compress_size - 2, 40)):
        buf[i] ^= 0xFF
    return bytes(buf)


def deflated(data: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            item.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(item, content)
    return out.getvalue()


DAMAGED = {
    "corrupt deflate stream": lambda d: corrupt_deflate(deflated(d)),
    "unsupported compression": lambda d: patch_headers(stored(d), SHEET, method=99),
    "encrypted member": lambda d: patch_headers(stored(d), SHEET, flag=1),
    "size that lies": lambda d: patch_headers(stored(d), SHEET, size=10),
    "damaged workbook.xml": lambda d: patch_headers(stored(d), "xl/workbook.xml", method=99),
    "damaged content types": lambda d: patch_headers(stored(d), "[Content_Types].xml", flag=1),
}


@pytest.mark.parametrize("damage", DAMAGED, ids=list(DAMAGED))
def test_damaged_zip_member(client_in, nothing_written, damage):
    data = DAMAGED[damage](official_workbook(official_spec()))
    refused(upload(client_in, data), "文件已损坏")


def add_rows(xml_rows: bytes):
    return lambda xml: xml.replace(b"</sheetData>", xml_rows + b"</sheetData>")


@pytest.mark.parametrize(
    "rows",
    [
        b"<row r='900000'><c r='A900000' t='inlineStr'><is><t>y</t></is></c></row>",
        b"<row r = \"2001\"><c t='inlineStr'><is><t>y</t></is></c></row>",
        b"<row><c t='inlineStr'><is><t>y</t></is></c></row>" * files.MAX_ROWS,
    ],
    ids=["single quotes", "spaces around =", "rows without r"],
)
def test_row_limit_cannot_be_dodged(client_in, nothing_written, rows):
    data = rewrite(simple_workbook(), SHEET, add_rows(rows))
    refused(upload(client_in, data), "工作表“绩效目标”有", "超过上限 2000 行")


def test_row_number_written_as_a_character_reference(client_in, nothing_written):
    # &#50;001 is 2001 to an XML parser but no number to a pattern: refused as damaged.
    rows = b"<row r='&#50;001'><c t='inlineStr'><is><t>y</t></is></c></row>"
    data = rewrite(simple_workbook(), SHEET, add_rows(rows))
    refused(upload(client_in, data), "文件已损坏", "行号“&amp;#50;001”无效")


@pytest.mark.parametrize(
    "cells",
    [
        b"<row r='2'><c r='BZ2' t='inlineStr'><is><t>y</t></is></c></row>",
        b"<row r='2'>" + b"<c t='inlineStr'><is><t>y</t></is></c>" * 61 + b"</row>",
    ],
    ids=["single quotes", "cells without r"],
)
def test_column_limit_cannot_be_dodged(client_in, nothing_written, cells):
    data = rewrite(simple_workbook(), SHEET, add_rows(cells))
    refused(upload(client_in, data), "列，超过上限 60 列")


@pytest.mark.parametrize(
    "element",
    [
        b"<mergeCells count='1'><mergeCell ref='A1:XFD1048576'/></mergeCells>",
        b'<hyperlinks><hyperlink ref="A1:XFD1048576" display="x"/></hyperlinks>',
    ],
    ids=["merge", "hyperlink"],
)
def test_a_range_over_the_whole_sheet_is_refused_before_it_is_built(
    client_in, nothing_written, element
):
    # openpyxl makes a cell for every cell of a merged or linked range: a billion of them.
    def change(xml):
        return xml.replace(b"</sheetData>", b"</sheetData>" + element)

    data = rewrite(simple_workbook(), SHEET, change)
    refused(upload(client_in, data), "超过上限")


def test_limits_checked_again_on_the_workbook_as_read(monkeypatch):
    """Whatever the raw checks miss, the sheet as openpyxl reads it is within the limits
    before a grid is built over it."""
    data = rewrite(
        simple_workbook(),
        SHEET,
        add_rows(b"<row r='30'><c r='A30' t='inlineStr'><is><t>y</t></is></c></row>"),
    )
    check_package(data)
    monkeypatch.setattr(files, "MAX_ROWS", 20)
    with pytest.raises(FileRefused, match="有 30 行，超过上限 20 行"):
        open_workbook(data)


ENTITIES = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
)


@pytest.mark.parametrize("member", ["xl/workbook.xml", SHEET])
def test_xml_entities_are_refused(client_in, nothing_written, member):
    def change(xml):
        xml = xml.split(b"?>", 1)[1] if xml.startswith(b"<?xml") else xml
        return ENTITIES + xml.replace(b">x<", b">&lol2;<")

    refused(upload(client_in, rewrite(simple_workbook(), member, change)), "文件已损坏")


def test_export_metadata_without_unit_code(client_in, project, nothing_written):
    from openpyxl import load_workbook

    from tests.imports.builders import export_project

    wb = load_workbook(io.BytesIO(export_project(project)))
    meta = wb["元数据"]
    meta.delete_rows(next(r[0].row for r in meta.iter_rows() if r[0].value == "unit_code"))
    response = upload(client_in, save(wb))
    text = response.content.decode()
    assert "None" not in text
    refused(response, "元数据中没有单位编码")


def test_parse_is_not_reached_for_a_refused_file():
    data = rewrite(
        simple_workbook(),
        SHEET,
        add_rows(b"<row r='900000'><c r='A900000' t='inlineStr'><is><t>y</t></is></c></row>"),
    )
    with pytest.raises(FileRefused):
        check_package(data)
    with pytest.raises(FileRefused):
        parse_workbook(open_workbook(data))
