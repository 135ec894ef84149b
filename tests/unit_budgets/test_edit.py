"""The entry page: everything saved at once, or nothing; errors in Chinese at the field."""

from decimal import Decimal

import pytest
from django.urls import reverse

from apps.unit_budgets.models import ClassificationCode, UnitBudget
from apps.unit_budgets.selectors import book_for
from tests.unit_budgets.helpers import post_data, snapshot

D = Decimal


def _url(unit):
    return reverse("unit_budgets:edit", args=[unit.pk, 2020])


def _code(code, kind="function"):
    return ClassificationCode.objects.get(budget_year__year=2020, kind=kind, code=code)


def test_saving_unchanged_keeps_every_figure(client_a, book_004, budget_004):
    before = book_004.tables()
    response = client_a.post(_url(book_004.unit), post_data(book_004))
    assert response.status_code == 302
    after = book_for(book_004.unit, book_004.budget_year)
    assert after.tables() == before
    assert after.entries.purpose == book_004.entries.purpose


def test_a_changed_leaf_changes_every_sum_above_it(client_a, book_004):
    data = post_data(book_004)
    row = next(k for k, v in data.items() if k.startswith("exp-") and v == str(_code("2050801").pk))
    prefix = row.removesuffix("-code")
    data[f"{prefix}-public"] = "7,000,000.00"  # was 6,911,881.86
    assert client_a.post(_url(book_004.unit), data).status_code == 302
    book = book_for(book_004.unit, book_004.budget_year)
    assert book.table_expenditure().line("205").values[0] == D("89039886.49")
    assert book.table_summary().expenditure_total[2] == D("7000000.00")
    # The revenue and the economic table were not changed: the breaks show.
    from apps.unit_budgets.rules import check_budget

    codes = {f.code for f in check_budget(book)}
    assert {"UB_TOTALS", "UB_CODE_TOTALS", "UB_GENERAL", "UB_ECONOMIC"} <= codes


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("general", "九十一万", "请输入金额（元），如 14,718,993.60。"),
        ("general", "-5", "金额不能为负数。"),
        ("code", "999999", "请选择本年度科目表中的科目。"),
        ("code", "", "请选择科目。"),
    ],
)
def test_bad_row_input_is_refused_at_the_field(
    client_a, book_004, budget_004, field, value, message
):
    before = snapshot(budget_004)
    data = post_data(book_004)
    data["reception"] = "9999"  # a valid change elsewhere must not be saved either
    data[f"rev-0-{field}"] = value
    response = client_a.post(_url(book_004.unit), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert message in body
    assert "有填写错误，未保存" in body
    if field != "code":
        assert value in body  # what was typed is shown again
    assert snapshot(budget_004) == before


def test_codes_of_the_wrong_level_or_year_are_refused(client_a, book_004, budget_004, reference):
    from apps.budgets.models import BudgetYear

    other = ClassificationCode.objects.create(
        budget_year=BudgetYear.objects.get(year=2019),
        kind="function",
        code="2050801",
        name="教师进修",
    )
    before = snapshot(budget_004)
    for pk in (_code("205").pk, _code("20508").pk, _code("30101", "economic").pk, other.pk):
        data = post_data(book_004)
        data["rev-0-code"] = str(pk)
        body = client_a.post(_url(book_004.unit), data).content.decode()
        assert "请选择本年度科目表中的科目。" in body
    data = post_data(book_004)
    data["eco-0-code"] = str(_code("301", "economic").pk)
    assert (
        "请选择本年度科目表中的科目。" in client_a.post(_url(book_004.unit), data).content.decode()
    )
    assert snapshot(budget_004) == before


def test_a_code_twice_is_refused(client_a, book_004, budget_004):
    before = snapshot(budget_004)
    data = post_data(
        book_004,
        {
            "rev": [
                {
                    "code": _code("2050801").pk,
                    "general": "1",
                    "fund": "",
                    "business": "",
                    "operating": "",
                    "other": "",
                }
            ]
        },
    )
    body = client_a.post(_url(book_004.unit), data).content.decode()
    assert "该科目已有一行，请合并为一行。" in body
    assert snapshot(budget_004) == before
    # The same 项 from another source is another row.
    data = post_data(
        book_004,
        {
            "exp": [
                {
                    "code": _code("2050801").pk,
                    "source": "fund",
                    "personnel": "",
                    "public": "",
                    "project": "5",
                    "purpose": "",
                }
            ]
        },
    )
    assert client_a.post(_url(book_004.unit), data).status_code == 302


def test_bad_scalar_is_refused_at_the_field(client_a, book_004, budget_004):
    before = snapshot(budget_004)
    data = post_data(book_004)
    data["prev_basic"] = "abc"
    body = client_a.post(_url(book_004.unit), data).content.decode()
    assert "请输入金额（元），如 14,718,993.60。" in body
    assert snapshot(budget_004) == before


def test_rows_deleted_and_added(client_a, book_004, year_2020):
    new = ClassificationCode.objects.create(
        budget_year=year_2020, kind="economic", code="31021", name="文物和陈列品购置"
    )
    data = post_data(
        book_004,
        {"eco": [{"code": new.pk, "personnel": "", "public": "1,000.50"}]},
    )
    # delete 302 04 手续费 (an empty line)
    row = next(
        k
        for k, v in data.items()
        if k.startswith("eco-") and v == str(_code("30204", "economic").pk)
    )
    data[row.replace("-code", "-DELETE")] = "on"
    assert client_a.post(_url(book_004.unit), data).status_code == 302
    book = book_for(book_004.unit, book_004.budget_year)
    codes = [line.code for line in book.table_economic().lines]
    assert "30204" not in codes
    assert book.table_economic().line("31021").values == [D("1000.50"), D("0"), D("1000.50")]
    assert book.table_economic().line("310").values[0] == D("855000.50")


def test_first_filing_creates_the_budget(client_a, unit_a, codes, year_2020):
    book = book_for(unit_a, year_2020)
    page = client_a.get(_url(unit_a))
    assert page.status_code == 200
    data = post_data(
        book,
        {
            "rev": [
                {
                    "code": _code("2050801").pk,
                    "general": "100",
                    "fund": "",
                    "business": "",
                    "operating": "",
                    "other": "",
                }
            ],
            "exp": [
                {
                    "code": _code("2050801").pk,
                    "source": "general",
                    "personnel": "60",
                    "public": "40",
                    "project": "",
                    "purpose": "日常运行",
                }
            ],
        },
    )
    assert client_a.post(_url(unit_a), data).status_code == 302
    budget = UnitBudget.objects.get(unit=unit_a, budget_year__year=2020)
    assert budget.updated_by.username == "alice"
    book = book_for(unit_a, budget.budget_year)
    assert book.table_summary().revenue_total == D("100")
    assert book.table_expenditure().line("205").values == [D("100"), D("100"), D("0")]


def test_a_broken_post_is_refused_not_a_500(client_a, book_004, budget_004):
    before = snapshot(budget_004)
    response = client_a.post(_url(book_004.unit), {"reception": "1"})
    assert response.status_code == 200
    assert "有填写错误，未保存" in response.content.decode()
    assert snapshot(budget_004) == before


@pytest.mark.parametrize(
    ("field", "value"),
    [("rev-0-general", "1" * 17), ("exp-0-purpose", "用" * 501), ("reason_basic", "因" * 201)],
)
def test_too_long_input_is_refused_at_the_field(client_a, book_004, budget_004, field, value):
    before = snapshot(budget_004)
    data = post_data(book_004)
    data[field] = value
    response = client_a.post(_url(book_004.unit), data)
    assert response.status_code == 200
    assert "invalid-feedback" in response.content.decode()
    assert snapshot(budget_004) == before


def test_out_of_range_ids_are_404(client_a, book_004):
    for args in ([book_004.unit.pk, 99999999999], [99999999999999999999, 2020]):
        assert client_a.get(reverse("unit_budgets:detail", args=args)).status_code == 404


def test_a_save_from_a_stale_page_is_refused_and_the_input_kept(
    client_a, book_004, budget_004, unit_a
):
    """Two people on the entry page: the later save does not silently overwrite."""
    from django.test import Client

    from apps.accounts.models import User
    from tests import factories

    head = factories.user("head", User.Role.UNIT_HEAD, unit_a)
    other = Client()
    other.force_login(head)
    mine = post_data(book_004)
    theirs = post_data(book_004)
    theirs["vehicle_running"] = "1234.00"
    assert other.post(_url(unit_a), theirs).status_code == 302
    mine["reception"] = "99.00"
    response = client_a.post(_url(unit_a), mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "没有保存" in body and 'value="99.00"' in body
    budget = UnitBudget.objects.get(pk=budget_004.pk)
    assert budget.vehicle_running == D("1234.00") and budget.reception != D("99.00")
    # Saving the returned page again is deliberate, and goes through.
    again = dict(mine)
    again["version"] = body.split('name="version" value="')[1].split('"')[0]
    assert client_a.post(_url(unit_a), again).status_code == 302
    assert UnitBudget.objects.get(pk=budget_004.pk).reception == D("99.00")
