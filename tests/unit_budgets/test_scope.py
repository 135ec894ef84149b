"""Every URL of the app: another unit's filler and another department's reviewer get 404
(GET and POST) and change nothing; the supervising reviewer reads but cannot write."""

import pytest
from django.urls import reverse

from tests.unit_budgets.helpers import post_data, snapshot

NAMES = ["detail", "edit", "print", "tables_pdf", "tables_xlsx"]


def _urls(unit, year=2020):
    return [reverse(f"unit_budgets:{name}", args=[unit.pk, year]) for name in NAMES]


@pytest.mark.parametrize("who", ["bob", "outsider"])
@pytest.mark.parametrize("name", NAMES)
def test_outside_scope_is_404_get_and_post(client, request, book_004, budget_004, who, name):
    client.force_login(request.getfixturevalue(who))
    before = snapshot(budget_004)
    url = reverse(f"unit_budgets:{name}", args=[book_004.unit.pk, 2020])
    assert client.get(url).status_code == 404
    data = post_data(book_004)
    data["reception"] = "1"
    assert client.post(url, data).status_code == 404
    assert snapshot(budget_004) == before


def test_outside_scope_not_listed(client, bob, budget_004):
    client.force_login(bob)
    body = client.get(reverse("unit_budgets:index")).content.decode()
    assert "上海市闵行区教育信息中心" in body
    assert "上海市闵行区教育学院" not in body


def test_unknown_unit_or_year_is_404(client, alice, budget_004):
    client.force_login(alice)
    assert client.get(reverse("unit_budgets:detail", args=[alice.unit.pk, 1999])).status_code == 404
    assert client.get(reverse("unit_budgets:detail", args=[999999, 2020])).status_code == 404


def test_anonymous_goes_to_login(client, budget_004, unit_a):
    for url in _urls(unit_a):
        response = client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]


def test_reviewer_in_scope_reads_but_cannot_write(client, charlie, book_004, budget_004):
    client.force_login(charlie)
    detail = client.get(reverse("unit_budgets:detail", args=[book_004.unit.pk, 2020]))
    assert detail.status_code == 200
    assert "只有本单位填报人、单位负责人或管理员可以修改单位预算。" in detail.content.decode()
    edit_url = reverse("unit_budgets:edit", args=[book_004.unit.pk, 2020])
    page = client.get(edit_url).content.decode()
    assert "<fieldset disabled>" in page and "保存单位预算" not in page
    before = snapshot(budget_004)
    data = post_data(book_004)
    data["reception"] = "1"
    assert client.post(edit_url, data).status_code == 403
    assert snapshot(budget_004) == before


def test_filler_of_another_unit_cannot_create_one_here(client, bob, unit_a, codes):
    from apps.unit_budgets.models import UnitBudget

    client.force_login(bob)
    url = reverse("unit_budgets:edit", args=[unit_a.pk, 2020])
    assert client.post(url, {"rev-TOTAL_FORMS": "0"}).status_code == 404
    assert not UnitBudget.objects.exists()
