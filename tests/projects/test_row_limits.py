"""A project at its row limits can always be saved again; past them the sheet says so in
Chinese and keeps what was typed; a post over Django's limits answers in Chinese
(issue 16, item 4)."""

import time
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.urls import reverse

from apps.budget_lines.models import BudgetLine
from apps.checks.findings import Sheet
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator
from apps.projects.services import project_create_from_data
from apps.sheets import limits
from tests.formdata import as_live_check, form_data

URLENCODED = "application/x-www-form-urlencoded"


def sheet_url(project, sheet):
    return reverse("projects:sheet", args=[project.pk, sheet])


def post_as_browser(client, url, data: dict):
    """Post like a browser does: urlencoded, every field counted by Django's limits."""
    return client.post(url, urlencode(data), content_type=URLENCODED)


def text(n: int) -> str:
    return ("教育信息化平台建设" * (n // 9 + 1))[:n]


def fill_to(project, *, indicators=0, lines=0, docs=0, full_texts=False):
    """Add rows up to the counts given, with every bounded text at its maximum length."""
    level2 = project.indicators.first().level2
    start = project.indicators.count()
    Indicator.objects.bulk_create(
        Indicator(
            project=project,
            level2=level2,
            name=text(300) if full_texts else f"指标{i}",
            target_raw=(text(195) if full_texts else "") + f"≥{i}",
            remark=text(limits.UNBOUNDED_TEXT_CHARS) if full_texts else "",
            order=i,
        )
        for i in range(start, indicators)
    )
    start = project.budget_lines.count()
    BudgetLine.objects.bulk_create(
        BudgetLine(
            project=project,
            item_name=text(200) if full_texts else "项目",
            content=text(300) if full_texts else "",
            detail=text(300) if full_texts else f"明细{i}",
            price_basis=text(300) if full_texts else "",
            quantity_basis=text(300) if full_texts else "",
            remark=text(300) if full_texts else "",
            amount=Decimal("1000000000.00"),
            unit_price=Decimal("1000000000.00"),
            quantity=Decimal("1"),
            order=i,
        )
        for i in range(start, lines)
    )
    start = project.rule_documents.count()
    RuleDocument.objects.bulk_create(
        RuleDocument(
            project=project,
            category="project",
            title=text(limits.UNBOUNDED_TEXT_CHARS) if full_texts else f"制度{i}",
            measures=text(limits.UNBOUNDED_TEXT_CHARS) if full_texts else "",
            stage_planning=True,
            stage_implementation=True,
            stage_closing=True,
            order=i,
        )
        for i in range(start, docs)
    )


def test_a_project_at_the_row_limits_saves_again_and_again(client_a, project):
    fill_to(
        project,
        indicators=limits.INDICATORS.max_rows,
        lines=limits.LINES.max_rows,
        docs=limits.DOCS.max_rows,
        full_texts=True,
    )
    for sheet in (Sheet.GOALS, Sheet.GUARANTEES):
        for attempt in range(2):
            started = time.monotonic()
            page = client_a.get(sheet_url(project, sheet))
            data = form_data(page.content.decode())
            body = urlencode(data)
            assert len(data) <= settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
            assert len(body) <= settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if attempt:
                data["composition" if sheet == Sheet.GOALS else "doc-0-title"] = (
                    f"第{attempt}次修改"
                )
            response = post_as_browser(client_a, sheet_url(project, sheet), data)
            assert response.status_code == 302, (sheet, attempt, response.content[:300])
            print(sheet, len(data), "fields", len(body), "bytes", time.monotonic() - started, "s")
    assert project.indicators.count() == limits.INDICATORS.max_rows
    assert project.budget_lines.count() == limits.LINES.max_rows
    assert project.rule_documents.count() == limits.DOCS.max_rows
    for sheet in (Sheet.GOALS, Sheet.GUARANTEES):  # and it is checked live, as posted
        data = form_data(client_a.get(sheet_url(project, sheet)).content.decode())
        check_url = reverse("projects:sheet_check", args=[project.pk, sheet])
        whole = client_a.post(check_url, data).json()
        assert "findings" in whole
        assert client_a.post(check_url, as_live_check(data, changed=set())).json() == whole
    project.refresh_from_db()
    assert project.composition == "第1次修改"
    assert project.rule_documents.get(order=0).title == "第1次修改"


def _with_new_indicator(data: dict, name: str) -> dict:
    index = int(data["ind-TOTAL_FORMS"])
    level2 = data["ind-0-level2"]
    data.update(
        {
            f"ind-{index}-level2": level2,
            f"ind-{index}-name": name,
            f"ind-{index}-target_raw": "≥1",
            f"ind-{index}-remark": "",
            f"ind-{index}-id": "",
            "ind-TOTAL_FORMS": str(index + 1),
            "ind-ROWS": data["ind-ROWS"] + f",ind-{index}",
        }
    )
    return data


def test_one_row_over_the_limit_is_refused_in_chinese_and_the_input_kept(client_a, project):
    fill_to(project, indicators=limits.INDICATORS.max_rows)
    data = form_data(client_a.get(sheet_url(project, Sheet.GOALS)).content.decode())
    data["composition"] = "刚刚写下的建设内容"
    response = post_as_browser(
        client_a, sheet_url(project, Sheet.GOALS), _with_new_indicator(data, "多出来的指标")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f"最多 {limits.INDICATORS.max_rows} 行" in html
    assert "多出来的指标" in html and "刚刚写下的建设内容" in html
    assert project.indicators.count() == limits.INDICATORS.max_rows
    project.refresh_from_db()
    assert project.composition != "刚刚写下的建设内容"


def test_the_limits_are_what_the_formsets_enforce():
    from apps.budget_lines.forms import budget_line_formset
    from apps.guarantees.forms import rule_document_formset
    from apps.indicators.forms import indicator_formset
    from apps.sheets.schema import ALL

    for make, table in (
        (indicator_formset, limits.INDICATORS),
        (budget_line_formset, limits.LINES),
        (rule_document_formset, limits.DOCS),
    ):
        widest = 0
        for version in ALL:  # the limits hold for the widest form version
            formset = make(version)
            assert (formset.max_num, formset.validate_max) == (table.max_rows, True)
            widest = max(widest, len(formset.form.base_fields))
        # Every field a row can post (sub-project included), plus the hidden id and DELETE.
        assert widest + 2 == table.fields_per_row, table.key


def test_django_limits_follow_from_the_row_limits():
    goals = (
        limits.INDICATORS.max_rows * limits.INDICATORS.fields_per_row
        + limits.LINES.max_rows * limits.LINES.fields_per_row
    )
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == limits.MAX_POST_FIELDS > goals
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == limits.MAX_POST_BYTES


def test_a_loaded_project_over_the_limits_is_refused(reference):
    data = {"indicators": [{}] * (limits.INDICATORS.max_rows + 1), "budget_lines": []}
    data["rule_documents"] = [{}] * (limits.DOCS.max_rows + 1)
    with pytest.raises(limits.TooManyRows) as refused:
        project_create_from_data(data={**data, "unit": "x", "year": 2020})
    assert "绩效目标最多 1000 行，现有 1001 行" in str(refused.value)
    assert "制度保障最多 200 行" in str(refused.value)


@pytest.mark.parametrize("debug", [False, True])
def test_too_many_fields_answer_in_chinese(client_a, project, settings, debug):
    settings.DEBUG = debug
    data = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    response = post_as_browser(client_a, sheet_url(project, Sheet.GOALS), data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "提交的内容过多" in html and "后退" in html
    assert "Bad Request" not in html


def test_too_big_a_post_answers_in_chinese(client_a, project, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = post_as_browser(client_a, sheet_url(project, Sheet.GOALS), {"x": "y" * 2000})
    assert response.status_code == 400
    assert "提交的内容过多" in response.content.decode()


def test_the_live_check_of_an_oversized_page_answers_400_json(client_a, project):
    data = {f"f{i}": "x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    url = reverse("projects:sheet_check", args=[project.pk, Sheet.GOALS])
    response = post_as_browser(client_a, url, data)
    assert response.status_code == 400


def test_other_projects_sheets_stay_out_of_reach(client, bob, project):
    """The middleware answers before the view: a foreign user learns nothing more."""
    client.force_login(bob)
    assert client.get(sheet_url(project, Sheet.GOALS)).status_code == 404
    assert post_as_browser(client, sheet_url(project, Sheet.GOALS), {"x": "1"}).status_code == 404


def test_before_login_the_small_limit_holds(client, reference):
    response = post_as_browser(client, reverse("login"), {"username": "x" * 3_000_000})
    assert response.status_code == 400
    assert "提交的内容过多" in response.content.decode()


def test_after_login_a_large_sheet_post_reaches_the_sheet(client_a, project):
    data = form_data(client_a.get(sheet_url(project, Sheet.GOALS)).content.decode())
    data["composition"] = "很长的建设内容" * 150_000  # ~9.5 MB urlencoded
    response = post_as_browser(client_a, sheet_url(project, Sheet.GOALS), data)
    # It reaches the sheet view (not a 400 for its size), which refuses the text at its field
    # (10,000 characters at most) with the input kept and nothing saved.
    assert response.status_code == 200
    assert "确保该变量包含不超过 10000 字符" in response.content.decode()
    project.refresh_from_db()
    assert project.composition != data["composition"]
