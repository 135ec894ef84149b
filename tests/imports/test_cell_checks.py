"""Cells that used to pass the preview and fail (or be cut) at the commit: sub-project
tags too long for their field, numbers Python cannot turn into text, and names with
spaces around them."""

import io
import zipfile

import pytest

from apps.imports.cells import Issues, Value, as_amount, as_text
from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_commit, import_batch_create
from apps.projects.models import Project
from tests.imports.builders import official_spec, official_workbook


def create(user, data) -> ImportBatch:
    return import_batch_create(user=user, unit=user.unit, filename="t.xlsx", data=data)


def errors(batch) -> list[tuple[str, str]]:
    return [
        (i["cell"], i["message"])
        for p in batch.plan["projects"]
        for i in p["issues"]
        if i["severity"] == "error"
    ]


def test_sub_project_tag_too_long_in_a_budget_line(alice, nothing_written):
    spec = official_spec()
    line = list(spec["lines"][0])
    line[1] = f"【{'长' * 101}】软件开发"
    spec["lines"][0] = tuple(line)
    batch = create(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.BLOCKED
    assert ("C16", "【】中的子项目名称有 101 个字，超过上限 100 个字。") in errors(batch)


def test_sub_project_tag_too_long_in_a_rule_document(alice, nothing_written):
    spec = official_spec()
    doc = list(spec["docs"][1])
    doc[1] = f"【{'长' * 120}】《项目校管理制度》"
    spec["docs"][1] = tuple(doc)
    batch = create(alice, official_workbook(spec))
    assert batch.status == ImportBatch.Status.BLOCKED
    assert ("B6", "【】中的子项目名称有 120 个字，超过上限 100 个字。") in errors(batch)


def replace_value(data: bytes, member: str, old: bytes, new: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            content = src.read(item.filename)
            if item.filename == member:
                assert old in content
                content = content.replace(old, new)
            dst.writestr(item, content)
    return out.getvalue()


@pytest.mark.parametrize("number", [b"1E400", b"-1E400"])
def test_infinite_or_nan_number_in_a_text_cell(alice, nothing_written, number):
    data = official_workbook(official_spec(phone=12345678901))
    data = replace_value(
        data, "xl/worksheets/sheet1.xml", b"<v>12345678901</v>", b"<v>" + number + b"</v>"
    )
    batch = create(alice, data)
    assert batch.status == ImportBatch.Status.BLOCKED
    [(cell, message)] = errors(batch)
    assert cell == "F6" and "不是有效数字" in message


@pytest.mark.parametrize("number", [b"1E400", b"-1E400"])
def test_infinite_or_nan_number_in_a_money_cell(alice, nothing_written, number):
    spec = official_spec()
    spec["funding"][2] = ("（一）财政拨款：", 777777)
    data = replace_value(
        official_workbook(spec),
        "xl/worksheets/sheet1.xml",
        b"<v>777777</v>",
        b"<v>" + number + b"</v>",
    )
    batch = create(alice, data)
    assert batch.status == ImportBatch.Status.BLOCKED
    assert [c for c, m in errors(batch) if "不是有效数字" in m] == ["D12"]


@pytest.mark.parametrize("raw", [float("inf"), float("-inf"), float("nan")])
def test_not_finite_numbers_are_reported_at_their_cell(raw):
    # openpyxl reads no NaN from a file, but a float is a float: the reader must not crash.
    for read in (as_text, as_amount):
        issues = Issues()
        assert read(Value(raw, "General", 6, 6), issues, "项目总体情况", "联系电话") in ("", None)
        [issue] = issues
        assert (issue.cell, issue.is_error) == ("F6", True) and "不是有效数字" in issue.message


def test_spaces_around_name_and_single_line_fields_are_dropped(alice):
    spec = official_spec(
        name="  信息化项目-安全集成管理平台信息化建设 ",
        leader=" 周硕青 ",
        contact_cell=("联系人：", "陈杰　"),
        phone=" 18017592779 ",
        footer=["填报单位负责人： 王五 ", "填报人：张三 ", "填报日期：2020-03-01"],
    )
    data = official_workbook(spec)
    batch = import_batch_commit(batch=create(alice, data), user=alice)
    p = Project.objects.get(pk=batch.result["created"][0]["pk"])
    assert (p.name, p.leader, p.contact, p.phone) == (
        "信息化项目-安全集成管理平台信息化建设",
        "周硕青",
        "陈杰",
        "18017592779",
    )
    assert (p.unit_head_name, p.filler_name) == ("王五", "张三")
    # The same file again is the same project, unchanged — not a second one of that name.
    again = create(alice, data)
    assert again.status == ImportBatch.Status.PREVIEW, errors(again)
    assert [q["action"] for q in again.plan["projects"]] == ["unchanged"]
