"""The blank official template of a year: downloaded, opened with openpyxl, filled by
writing cells the way a unit fills it offline, and imported through the preview/commit
services. Unfilled, it is refused with a Chinese message."""

import io
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from apps.budgets.models import BudgetYear
from apps.exports.blank import DOC_ROWS, INDICATOR_ROWS, LINE_ROWS
from apps.imports.files import FileRefused
from apps.imports.services import import_batch_commit, import_batch_create
from apps.indicators.models import Level2
from apps.projects.models import Project

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(client, year: int) -> bytes:
    response = client.get(reverse("exports:blank_template", args=[year]))
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert "attachment" in response["Content-Disposition"]
    return response.content


def find(ws, text: str, after_row: int = 0):
    """The first cell whose text (stripped of full-width indents) is ``text``."""
    for row in ws.iter_rows(min_row=after_row + 1):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.strip("\u3000 ") == text:
                return cell
    raise AssertionError(f"{text} not on {ws.title}")


def right_of(ws, cell):
    """The cell after ``cell``'s merge, where its value goes."""
    last = cell.column
    for merged in ws.merged_cells.ranges:
        if cell.coordinate in merged:
            last = merged.max_col
    return ws.cell(row=cell.row, column=last + 1)


def columns(ws, head_row: int) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for cell in ws[head_row]:
        if isinstance(cell.value, str):
            out.setdefault(cell.value, []).append(cell.column)
    return out


def test_the_download_is_the_years_form_with_no_project_in_it(client_a, reference):
    for year, version_heads in ((2020, {"目标值"}), (2021, {"指标性质", "度量单位", "分值"})):
        wb = load_workbook(io.BytesIO(download(client_a, year)))
        assert wb.sheetnames == ["项目总体情况", "绩效目标", "制度保障"]
        overview, goals, docs = wb.worksheets
        assert overview["A2"].value.replace(" ", "") == f"（{year}年）"
        head = find(goals, "三级目标" if year == 2020 else "三级指标").row
        assert version_heads <= set(columns(goals, head))
        # Every 二级目标 of the year's taxonomy, with its empty rows; nothing typed.
        taxonomy = BudgetYear.objects.get(year=year).taxonomy
        taxonomy_rows = INDICATOR_ROWS * Level2.objects.filter(level1__taxonomy=taxonomy).count()
        line_head = find(goals, "明细金额").row
        assert line_head - head - 1 == taxonomy_rows
        assert find(goals, "金额合计").row - line_head - 1 == LINE_ROWS
        assert find(docs, "项目管理制度").row + DOC_ROWS == find(docs, "预算管理制度").row
        for ws in wb.worksheets:
            values = [c.value for row in ws.iter_rows() for c in row if c.value not in (None, "")]
            assert not [v for v in values if not isinstance(v, str)], ws.title  # no figures
            assert not any("☑" in v for v in values)


def test_the_import_page_offers_each_years_template(client_a, reference):
    page = client_a.get(reverse("imports:upload")).content.decode()
    assert 'id="blank-templates"' in page
    assert reverse("exports:blank_template", args=[2021]) in page


def test_unknown_year_is_404_and_anonymous_goes_to_login(client, client_a, reference):
    assert client_a.get(reverse("exports:blank_template", args=[1999])).status_code == 404
    client.logout()
    response = client.get(reverse("exports:blank_template", args=[2020]))
    assert response.status_code == 302 and "login" in response["Location"]


def fill_2020(data: bytes) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    overview, goals, docs = wb.worksheets
    right_of(overview, find(overview, "项目名称")).value = "离线填写的项目"
    find(
        overview, "☐一次性项目\u3000☐经常性项目\u3000☐中期预算试点项目"
    ).value = "☐一次性项目\u3000☑经常性项目\u3000☐中期预算试点项目"
    right_of(overview, find(overview, "项目负责人：")).value = "张三"
    right_of(overview, find(overview, "联系电话：")).value = "021-12345678"
    right_of(overview, find(overview, "起始日期：")).value = "2020-01-01"
    right_of(overview, find(overview, "结束日期：")).value = "2020-12-31"
    right_of(overview, find(overview, "项目概况")).value = "离线填写的概况。"
    right_of(overview, find(overview, "依据：")).value = "依据文件。"
    for label, amount in (
        ("一、项目总预算：", 1500),
        ("二、当年预算：", 1500),
        ("（一）财政拨款：", 1500),
        ("2. 本级财政安排：", 1500),
        ("（二）其他资金：", 0),
    ):
        right_of(overview, find(overview, label)).value = amount
    right_of(overview, find(overview, "年度绩效目标")).value = "年度目标。"
    find(overview, "填报人（填表人）：").value = "填报人（填表人）：李四"

    head = find(goals, "三级目标").row
    cols = columns(goals, head)
    name_col, target_col = cols["三级目标"][0], cols["目标值"][0]
    quantity = find(goals, "数量", head).row
    goals.cell(quantity, name_col).value = "培训场次"
    goals.cell(quantity, target_col).value = "≥4次"
    goals.cell(quantity + 1, name_col).value = "【一期】培训人数"  # the level carries down
    typed = goals.cell(quantity + 1, target_col)
    typed.value, typed.data_type = "=200人", "s"  # text, as Excel keeps '=200人
    satisfaction = find(goals, "满意度", head).row
    goals.cell(satisfaction, name_col).value = "学员满意度"
    goals.cell(satisfaction, target_col).value = "≥90%"

    line_head = find(goals, "明细金额").row
    lcols = columns(goals, line_head)
    row = line_head + 1
    goals.cell(row, lcols["项目名称"][0]).value = "培训"
    goals.cell(row, lcols["项目内容"][0]).value = "【一期】授课"
    goals.cell(row, lcols["项目明细"][0]).value = "讲课费"
    goals.cell(row, lcols["明细金额"][0]).value = 1500
    goals.cell(row, lcols["单价"][0]).value = 500
    goals.cell(row, lcols["数量"][0]).value = 3
    goals.cell(row, lcols["依据"][0]).value = "标准"
    total = find(goals, "金额合计")
    goals.cell(total.row, lcols["明细金额"][0]).value = 1500

    head = find(docs, "文件名称").row
    dcols = columns(docs, head)
    stages = columns(docs, head + 1)
    doc = find(docs, "财务管理制度").row
    docs.cell(doc, dcols["文件名称"][0]).value = "财务制度"
    docs.cell(doc, dcols["具体措施"][0]).value = "按制度执行"
    docs.cell(doc, stages["实施阶段"][0]).value = "☑"
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_filled_blank_template_imports(client_a, alice):
    data = fill_2020(download(client_a, 2020))
    batch = import_batch_create(user=alice, unit=alice.unit, filename="模板.xlsx", data=data)
    plan = batch.plan["projects"]
    assert batch.status == "preview", [p["issues"] for p in plan]
    assert [p["action"] for p in plan] == ["create"]
    import_batch_commit(batch=batch, user=alice)
    p = Project.objects.get(name="离线填写的项目")
    assert (p.unit, p.budget_year.year, p.category) == (alice.unit, 2020, "recurring")
    assert (p.leader, p.phone, p.start_date) == ("张三", "021-12345678", date(2020, 1, 1))
    assert (p.overview, p.basis, p.annual_goal, p.filler_name) == (
        "离线填写的概况。",
        "依据文件。",
        "年度目标。",
        "李四",
    )
    assert (p.total_budget, p.fiscal_local, p.other_funds) == (
        Decimal("1500.00"),
        Decimal("1500.00"),
        Decimal("0.00"),
    )
    rows = [
        (
            i.level2.level1.name,
            i.level2.name,
            i.name,
            i.target_raw,
            i.sub_project and i.sub_project.name,
        )
        for i in p.indicators.select_related("level2__level1", "sub_project")
    ]
    assert rows == [
        ("产出目标", "数量", "培训场次", "≥4次", None),
        ("产出目标", "数量", "培训人数", "=200人", "一期"),
        ("影响力目标", "满意度", "学员满意度", "≥90%", None),
    ]
    line = p.budget_lines.get()
    assert (line.content, line.amount, line.unit_price, line.quantity, line.price_basis) == (
        "授课",
        Decimal("1500.00"),
        Decimal("500.00"),
        Decimal("3.00"),
        "标准",
    )
    assert line.sub_project.name == "一期"
    doc = p.rule_documents.get()
    assert (doc.category, doc.title, doc.stage_implementation, doc.stage_planning) == (
        "finance",
        "财务制度",
        True,
        False,
    )
    assert p.declared_total == Decimal("1500.00")


def test_a_filled_2021_template_imports_with_its_columns(client_a, alice):
    wb = load_workbook(io.BytesIO(download(client_a, 2021)))
    overview, goals, _docs = wb.worksheets
    right_of(overview, find(overview, "项目名称")).value = "2021 离线项目"
    head = find(goals, "三级指标").row
    cols = columns(goals, head)
    row = find(goals, "服务对象满意度指标", head).row
    for heading, value in (
        ("三级指标", "学员满意度"),
        ("指标性质", "正向"),
        ("指标值", "90"),
        ("度量单位", "%"),
        ("分值", 10),
        ("指标解释", "问卷"),
    ):
        goals.cell(row, cols[heading][0]).value = value
    out = io.BytesIO()
    wb.save(out)
    batch = import_batch_create(user=alice, unit=alice.unit, filename="t.xlsx", data=out.getvalue())
    assert batch.status == "preview", [p["issues"] for p in batch.plan["projects"]]
    import_batch_commit(batch=batch, user=alice)
    indicator = Project.objects.get(name="2021 离线项目").indicators.select_related("level2").get()
    assert (indicator.level2.name, indicator.nature, indicator.target_raw, indicator.weight) == (
        "服务对象满意度指标",
        "positive",
        "≥90%",
        Decimal("10.00"),
    )


@pytest.mark.parametrize("year", [2020, 2021])
def test_the_unfilled_template_is_refused_in_chinese(client_a, alice, year):
    data = download(client_a, year)
    with pytest.raises(FileRefused) as exc:
        import_batch_create(user=alice, unit=alice.unit, filename="空白.xlsx", data=data)
    assert "空白模板" in exc.value.message
    response = client_a.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("空白.xlsx", data), "unit": alice.unit.pk},
    )
    body = response.content.decode()
    assert response.status_code == 400  # the upload page, saying why (not a 500)
    assert 'id="import-refused"' in body and "空白模板" in body
    assert not Project.objects.exists()


@pytest.mark.parametrize("who", ["alice", "bob", "charlie", "outsider"])
def test_every_signed_in_role_may_download_it(client, request, who):
    # The empty form of a year holds no unit's data: nothing to scope.
    client.force_login(request.getfixturevalue(who))
    assert load_workbook(io.BytesIO(download(client, 2021))).sheetnames[0] == "项目总体情况"
