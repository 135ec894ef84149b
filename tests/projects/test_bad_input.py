"""Bad input gets a clear Chinese error at its place; nothing is lost or half-saved."""

from decimal import Decimal

from django.urls import reverse

from apps.budget_lines.models import BudgetLine
from apps.checks.findings import Sheet
from apps.indicators.models import Indicator
from apps.projects.models import SubProject
from tests.formdata import form_data


def sheet_url(project, sheet=Sheet.GOALS):
    return reverse("projects:sheet", args=[project.pk, sheet])


def check_url(project, sheet=Sheet.GOALS):
    return reverse("projects:sheet_check", args=[project.pk, sheet])


def goals(client, project):
    return form_data(client.get(sheet_url(project)).content.decode())


def test_huge_target_number_is_a_finding_not_a_crash(client_a, project):
    data = goals(client_a, project)
    data["ind-0-target_raw"] = "≥9999999999999999999%"
    found = client_a.post(check_url(project), data).json()["findings"]
    assert any(
        f["code"] == "T_UNPARSEABLE"
        and f["anchor"] == "ind-0-target_raw"
        and "超出可保存的范围" in f["message"]
        for f in found
    )
    assert client_a.post(sheet_url(project), data).status_code == 302
    saved = Indicator.objects.get(project=project, name="平台建设计划完成率")
    assert (saved.target_raw, saved.target_kind, saved.target_number) == (
        "≥9999999999999999999%",
        "invalid",
        None,
    )


def test_huge_price_times_quantity_is_checked_exactly(client_a, project):
    data = goals(client_a, project)
    data.update({"line-0-unit_price": "100000000000000", "line-0-quantity": "10000000000000"})
    found = client_a.post(check_url(project), data).json()["findings"]
    assert any(f["code"] == "L_PRICE_QTY" and f["anchor"] == "line-0-amount" for f in found)
    assert client_a.post(sheet_url(project), data).status_code == 302


def test_impossible_dates_in_targets_are_not_dates(client_a, project):
    data = goals(client_a, project)
    data["ind-2-target_raw"] = "0001年0月"
    response = client_a.post(check_url(project), data)
    assert response.status_code == 200
    assert any(f["anchor"] == "ind-2-target_raw" for f in response.json()["findings"])


def test_refused_save_shows_rows_as_the_user_left_them(client_a, project):
    """Removed rows stay removed, moved rows stay moved, 金额合计 is the page's own."""
    data = goals(client_a, project)
    data["line-0-DELETE"] = "on"
    data["line-1-amount"] = "abc"
    data["ind-ROWS"] = "ind-5,ind-0,ind-1,ind-2,ind-3,ind-4"
    response = client_a.post(sheet_url(project), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-prefix="line-0" hidden' in body
    assert body.index('data-prefix="ind-5"') < body.index('data-prefix="ind-0"')
    kept = form_data(body)
    assert kept["line-0-DELETE"] == "on" and kept["line-1-amount"] == "abc"
    assert kept["ind-ROWS"] == "ind-5,ind-0,ind-1,ind-2,ind-3,ind-4"
    assert '<span id="lines-total">0.00</span>' in body  # line 0 removed, line 1 unreadable
    assert (
        "项目构成分解 · 第 1 行 · 明细金额：请输入金额（元），如 14,718,993.60。"
        in body.replace("</a>", "")
    )
    # fixing the typo saves exactly what the page showed
    kept["line-1-amount"] = "351,000"
    assert client_a.post(sheet_url(project), kept).status_code == 302
    assert list(BudgetLine.objects.filter(project=project).values_list("detail", flat=True)) == [
        "明细2"
    ]
    names = list(project.indicators.values_list("name", flat=True))
    assert names[0] == "学校安保负责人满意度"


def test_refused_overview_keeps_the_saved_name_in_the_header(client_a, project):
    data = form_data(client_a.get(sheet_url(project, Sheet.OVERVIEW)).content.decode())
    data.update(name="未保存的新名字", total_budget="abc")
    body = client_a.post(sheet_url(project, Sheet.OVERVIEW), data).content.decode()
    header = body[body.index('class="breadcrumb') : body.index("</ol>")]
    assert "安全集成管理平台" in header and "未保存的新名字" not in header
    assert form_data(body)["name"] == "未保存的新名字"


def test_errors_of_every_field_show_beside_it(client_a, project):
    data = form_data(client_a.get(sheet_url(project, Sheet.OVERVIEW)).content.decode())
    data["filing_date"] = "2020-13-45"
    body = client_a.post(sheet_url(project, Sheet.OVERVIEW), data).content.decode()
    assert 'data-anchor="filing_date">请输入日期，如 2020-01-01。' in body
    data = goals(client_a, project)
    data["line-0-content"] = "长" * 301
    body = client_a.post(sheet_url(project), data).content.decode()
    assert 'data-anchor="line-0-content">' in body


def test_tampered_row_count_is_refused_without_duplicating_rows(client_a, project):
    data = goals(client_a, project)
    data["line-INITIAL_FORMS"] = "0"
    response = client_a.post(sheet_url(project), data)
    assert response.status_code == 200
    assert "表格数据不完整" in response.content.decode()
    assert BudgetLine.objects.filter(project=project).count() == 2


def test_full_width_indent_of_long_texts_is_kept(client_a, project):
    data = form_data(client_a.get(sheet_url(project, Sheet.OVERVIEW)).content.decode())
    data["overview"] = "　　第一段。\n\n　　第二段。"
    assert client_a.post(sheet_url(project, Sheet.OVERVIEW), data).status_code == 302
    project.refresh_from_db()
    assert project.overview == "　　第一段。\n\n　　第二段。"


def sub_data(client, project):
    url = reverse("projects:sub_projects", args=[project.pk])
    return url, form_data(client.get(url).content.decode(), form_id="sub-form")


def test_duplicate_sub_project_names_are_refused(client_a, project):
    SubProject.objects.create(project=project, name="PATHS", order=0)
    url, data = sub_data(client_a, project)
    data["sub-1-name"] = "PATHS"
    response = client_a.post(url, data)
    assert response.status_code == 200
    assert "子项目名称重复：PATHS。" in response.content.decode()
    assert project.sub_projects.count() == 1


def test_sub_project_names_can_be_swapped(client_a, project):
    a = SubProject.objects.create(project=project, name="A", order=0)
    b = SubProject.objects.create(project=project, name="B", order=1)
    url, data = sub_data(client_a, project)
    data.update({"sub-0-name": "B", "sub-1-name": "A"})
    assert client_a.post(url, data).status_code == 302
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.name, b.name) == ("B", "A")


def test_sub_project_id_of_another_project_is_refused(client_a, alice, project):
    from tests import factories

    other = factories.ready_project(unit=alice.unit, name="另一个项目")
    foreign = SubProject.objects.create(project=other, name="WAP课程")
    mine = SubProject.objects.create(project=project, name="PATHS")
    url, data = sub_data(client_a, project)
    data["sub-0-id"] = str(foreign.pk)
    response = client_a.post(url, data)
    assert response.status_code == 200
    assert "该行已不存在或不属于本项目" in response.content.decode()
    assert list(project.sub_projects.values_list("pk", flat=True)) == [mine.pk]
    foreign.refresh_from_db()
    assert foreign.project == other


def test_amounts_beyond_decimal_18_2_get_a_chinese_error(client_a, project):
    data = goals(client_a, project)
    data["line-0-amount"] = "1" + "0" * 17
    response = client_a.post(sheet_url(project), data)
    assert response.status_code == 200
    assert BudgetLine.objects.get(project=project, detail="明细1").amount == Decimal("560000.00")
