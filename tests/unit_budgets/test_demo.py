from decimal import Decimal

from django.core.management import call_command
from django.urls import reverse

from apps.accounts.models import User
from apps.unit_budgets.models import ClassificationCode, UnitBudget
from apps.unit_budgets.selectors import book_for


def test_demo_loads_codes_and_the_004_book(db, capsys, client):
    call_command("demo")
    assert "已载入 1 份演示单位预算" in capsys.readouterr().out
    assert ClassificationCode.objects.filter(budget_year__year=2020).count() == 105
    budget = UnitBudget.objects.get(unit__name="上海市闵行区教育学院", budget_year__year=2020)
    book = book_for(budget.unit, budget.budget_year)
    assert book.table_summary().revenue_total == Decimal("104733480.93")
    assert len(book.projects) == 4  # 004a-d, the sheets the seed carries
    call_command("demo")
    assert "已载入 0 份演示单位预算" in capsys.readouterr().out
    # The demo filler sees the book; the admin pages of the app open.
    client.force_login(User.objects.get(username="jyxy"))
    page = client.get(reverse("unit_budgets:detail", args=[budget.unit_id, 2020]))
    assert page.status_code == 200
    client.force_login(User.objects.get(username="admin"))
    for url in (
        reverse("admin:unit_budgets_unitbudget_change", args=[budget.pk]),
        reverse("admin:unit_budgets_classificationcode_changelist"),
        reverse("admin:unit_budgets_classificationcode_import"),
        reverse("admin:unit_budgets_classificationcode_export"),
    ):
        assert client.get(url).status_code == 200, url
