from decimal import Decimal

import pytest
from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from apps.budget_lines.models import BudgetLine
from apps.checks.findings import Sheet
from apps.indicators.models import Indicator
from apps.projects.models import Project
from tests import factories
from tests.formdata import form_data

WRITES = ("INSERT", "UPDATE", "DELETE")


def sheet_url(project, sheet):
    return reverse("projects:sheet", args=[project.pk, sheet])


def page_data(client, project, sheet):
    response = client.get(sheet_url(project, sheet))
    assert response.status_code == 200
    return form_data(response.content.decode())


def writes(queries):
    return [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(WRITES)]


@pytest.mark.parametrize("sheet", list(Sheet))
def test_saving_a_sheet_unchanged_writes_no_rows(client_a, project, sheet):
    data = page_data(client_a, project, sheet)
    with CaptureQueriesContext(connection) as ctx:
        response = client_a.post(sheet_url(project, sheet), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert writes(ctx.captured_queries) == []


def test_amounts_accept_thousands_separators_and_show_them(client_a, project):
    data = page_data(client_a, project, Sheet.OVERVIEW)
    assert data["current_budget"] == "911,000.00"
    data.update(total_budget="14,718,993.60", current_budget="911，000.00")
    response = client_a.post(sheet_url(project, Sheet.OVERVIEW), data)
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.total_budget == Decimal("14718993.60")
    assert page_data(client_a, project, Sheet.OVERVIEW)["total_budget"] == "14,718,993.60"


def test_invalid_input_is_kept_on_the_page_and_nothing_is_saved(client_a, project):
    data = page_data(client_a, project, Sheet.OVERVIEW)
    data.update(
        name="改过的名字",
        current_budget="九十一万",
        end_date="2020-13-45",
        overview="第一段。\n\n第二段。",
    )
    response = client_a.post(sheet_url(project, Sheet.OVERVIEW), data)
    assert response.status_code == 200
    body = response.content.decode()
    assert "请输入金额（元），如 14,718,993.60。" in body
    assert "请输入日期，如 2020-01-01。" in body
    kept = form_data(body)
    assert kept["current_budget"] == "九十一万"
    assert kept["name"] == "改过的名字"
    assert kept["overview"] == "第一段。\n\n第二段。"
    project.refresh_from_db()
    assert project.name == "安全集成管理平台"  # nothing half-saved


def test_draft_with_rule_errors_is_saved_and_marked_not_ready(client_a, project):
    assert project.error_count == 0
    data = page_data(client_a, project, Sheet.OVERVIEW)
    data.update(fiscal_local="900,000.00", overview="第一段。\r\n\r\n第二段。")
    response = client_a.post(sheet_url(project, Sheet.OVERVIEW), data, follow=True)
    body = response.content.decode()
    project.refresh_from_db()
    assert project.fiscal_local == Decimal("900000.00")
    assert project.overview == "第一段。\n\n第二段。"  # paragraphs kept, CRLF normalised
    assert project.error_count == 1
    assert "未就绪" in body
    assert (
        "财政拨款 911,000.00 不等于上级财政拨款、本级财政安排、下级财政配套之和 900,000.00" in body
    )


def test_goals_sheet_adds_removes_and_reorders_rows(client_a, project):
    data = page_data(client_a, project, Sheet.GOALS)
    level2 = data["ind-0-level2"]
    # remove the first budget line, add a new one, move indicator 0 to the end
    data["line-0-DELETE"] = "on"
    data.update(
        {
            "line-TOTAL_FORMS": "3",
            "line-2-item_name": "安全集成管理平台",
            "line-2-content": "新增",
            "line-2-detail": "监理费",
            "line-2-amount": "560,000",
            "line-2-unit_price": "280,000",
            "line-2-quantity": "2",
            "ind-ROWS": "ind-1,ind-2,ind-3,ind-4,ind-5,ind-6,ind-0",
            "ind-TOTAL_FORMS": "7",
            "ind-6-level2": level2,
            "ind-6-name": "新增指标",
            "ind-6-target_raw": "》95%",
        }
    )
    response = client_a.post(sheet_url(project, Sheet.GOALS), data)
    assert response.status_code == 302
    lines = list(BudgetLine.objects.filter(project=project).values_list("detail", "amount"))
    assert lines == [("明细2", Decimal("351000.00")), ("监理费", Decimal("560000.00"))]
    names = list(Indicator.objects.filter(project=project).values_list("name", flat=True))
    assert names[-2:] == ["新增指标", "平台建设计划完成率"]
    added = Indicator.objects.get(project=project, name="新增指标")
    assert (added.target_raw, added.target_comparator, added.target_number) == (
        "》95%",
        "≥",
        Decimal("95"),
    )
    project.refresh_from_db()
    assert project.warning_count == 1  # 》95% normalised to ≥95%


def test_live_check_reports_findings_and_totals_without_writing(client_a, project):
    data = page_data(client_a, project, Sheet.GOALS)
    data["line-0-amount"] = "abc"
    data["line-1-amount"] = "1,000"
    data["ind-2-target_raw"] = ""
    url = reverse("projects:sheet_check", args=[project.pk, Sheet.GOALS])
    with CaptureQueriesContext(connection) as ctx:
        response = client_a.post(url, data)
    assert writes(ctx.captured_queries) == []
    payload = response.json()
    by_code = {(f["code"], f["anchor"]) for f in payload["findings"]}
    assert ("FORM_INVALID", "line-0-amount") in by_code
    assert ("T_BLANK", "ind-2-target_raw") in by_code
    assert ("L_TOTAL_VS_BUDGET", "lines-total") in by_code
    assert payload["totals"]["lines_total"] == "1,000.00"


def test_sheet_page_query_count_does_not_grow_with_rows(
    client_a, alice, django_assert_max_num_queries
):
    small = factories.ready_project(unit=alice.unit, name="小项目")
    rows = factories.MINHANG_ROWS * 10
    big = factories.ready_project(
        unit=alice.unit,
        name="大项目",
        indicators=rows,
        lines=[(Decimal("100"), Decimal("50"), Decimal("2"))] * 40,
    )
    counts = []
    for p in (small, big):
        with CaptureQueriesContext(connection) as ctx:
            assert client_a.get(sheet_url(p, Sheet.GOALS)).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client_a.get(sheet_url(big, Sheet.GOALS))


def test_list_totals_and_ready_mark(client_a, alice, project):
    factories.ready_project(
        unit=alice.unit, name="第二个项目", lines=[(Decimal("100.10"), None, None)]
    )
    Project.objects.filter(name="第二个项目").update(current_budget=Decimal("100.00"))
    from apps.projects.services import project_refresh_findings

    project_refresh_findings(project=Project.objects.get(name="第二个项目"))
    body = client_a.get(reverse("projects:list") + "?year=2020").content.decode()
    assert "911,100.00" in body  # Σ 当年预算
    assert "911,100.10" in body  # Σ 金额合计
    assert "1 个未就绪" in body


def test_create_project_for_own_unit(client_a, alice, reference):
    from apps.budgets.models import BudgetYear

    year = BudgetYear.objects.get(year=2027)
    response = client_a.post(
        reverse("projects:create"), {"budget_year": year.pk, "name": "新项目", "unit": 999}
    )
    assert response.status_code == 302
    created = Project.objects.get(name="新项目")
    assert created.unit == alice.unit  # the unit field is fixed to the filler's unit
    assert created.error_count > 0


def test_create_refuses_duplicate_name(client_a, project):
    response = client_a.post(
        reverse("projects:create"), {"budget_year": project.budget_year_id, "name": project.name}
    )
    assert response.status_code == 200
    assert "本单位该年度已有同名项目。" in response.content.decode()


def test_list_query_count_does_not_grow_with_projects(client_a, alice, reference):
    from django.db import connection as conn

    counts = []
    for batch in (3, 30):
        for i in range(batch - Project.objects.filter(unit=alice.unit).count()):
            factories.ready_project(unit=alice.unit, name=f"项目{batch}-{i}")
        with CaptureQueriesContext(conn) as ctx:
            assert client_a.get(reverse("projects:list")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]


def test_row_models_have_no_unique_field_a_row_form_would_check():
    """SheetRowForm and SheetRowFormSet.validate_unique check nothing: true only while no
    row model has a unique field (but its id, which Django's pass leaves out) or
    unique_together; the database constraints are checked by the fields or the database
    (FieldValidatedForm)."""
    from apps.budget_lines.forms import budget_line_formset
    from apps.guarantees.forms import rule_document_formset
    from apps.guarantees.models import RuleDocument
    from apps.indicators.forms import indicator_formset
    from apps.sheets.schema import ALL

    for version in ALL:
        for formset in (indicator_formset, budget_line_formset, rule_document_formset):
            # Django's formset-wide unique pass leaves out what Meta.fields lacks.
            assert "id" not in formset(version).form._meta.fields
    for model in (Indicator, BudgetLine, RuleDocument):
        assert not model._meta.unique_together, model
        unique = [f.name for f in model._meta.fields if f.unique and not f.primary_key]
        assert unique == [], model
        assert model.clean is models.Model.clean, model  # no row rule skipped either
        # SheetRowForm._post_clean skips the model's validation of a row posted as saved.
        for f in model._meta.fields:
            assert list(f._validators) == [], (model, f.name)  # declared validators=[...]
