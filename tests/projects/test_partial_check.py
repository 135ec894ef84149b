"""The live check posts only the rows that changed; the rows it names as saved (each
table's ``SAME``) stand for their saved values. Its findings and totals must be those of
the same page posted whole — on every demo project, and after random edits."""

import io
import random

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.checks.findings import Sheet
from apps.projects.models import Project
from tests import factories
from tests.formdata import TABLES, as_live_check, form_data, row_indexes

ROW_SHEETS = (Sheet.GOALS, Sheet.GUARANTEES)


def check(client, project, sheet, data):
    url = reverse("projects:sheet_check", args=[project.pk, sheet])
    response = client.post(url, data)
    assert response.status_code == 200
    return response.json()


def filler_client(project) -> Client:
    user = User.objects.filter(unit=project.unit, role=User.Role.FILLER).first()
    if user is None:
        user = factories.user(f"filler{project.unit_id}", User.Role.FILLER, project.unit)
    client = Client()
    client.force_login(user)
    return client


def page(client, project, sheet) -> dict:
    response = client.get(reverse("projects:sheet", args=[project.pk, sheet]))
    assert response.status_code == 200
    return form_data(response.content.decode())


TEXTS = ["", "  ", "新的内容", "≥95%", "》90%", "90%以上", "*", "≤2020年12月", "x" * 1001, "100%"]
AMOUNTS = ["", "abc", "1,000", "-5", "12345.678", "九十一万", "0", "14,718,993.60"]


def random_edit(rng: random.Random, data: dict, changed: set[str]) -> None:
    """One edit a filler could make; the row it touches is posted in full."""
    tables = [t for t in TABLES if f"{t}-TOTAL_FORMS" in data]
    table = rng.choice(tables)
    rows = row_indexes(data, table)
    action = rng.choice(["text", "text", "amount", "level", "delete", "order", "add", "id"])
    if action == "add" or not rows:
        i = int(data[f"{table}-TOTAL_FORMS"])
        data[f"{table}-TOTAL_FORMS"] = str(i + 1)
        data[f"{table}-{i}-id"] = ""
        first = [k for k in data if k.startswith(f"{table}-{rows[0]}-")] if rows else []
        for key in first:
            name = key.split("-", 2)[2]
            if name not in ("id", "DELETE"):
                data[f"{table}-{i}-{name}"] = rng.choice(TEXTS[:4])
        order = data.get(f"{table}-ROWS", "")
        data[f"{table}-ROWS"] = ",".join(p for p in [order, f"{table}-{i}"] if p)
        changed.add(f"{table}-{i}")
        return
    i = rng.choice(rows)
    prefix = f"{table}-{i}"
    names = [k.split("-", 2)[2] for k in data if k.startswith(f"{prefix}-")]
    if action == "delete":
        data[f"{prefix}-DELETE"] = "on"  # a removed row may stay named as saved
        return
    if action == "order":
        order = [p for p in data.get(f"{table}-ROWS", "").split(",") if p]
        rng.shuffle(order)
        data[f"{table}-ROWS"] = ",".join(order)
        return
    changed.add(prefix)
    if action == "id":
        data[f"{prefix}-id"] = rng.choice(["", "999999", "abc"])
    elif action == "level" and f"{prefix}-level2" in data:
        data[f"{prefix}-level2"] = rng.choice(["", "999999", data[f"{prefix}-level2"]])
    elif action == "amount" and f"{prefix}-amount" in data:
        data[f"{prefix}-{rng.choice(['amount', 'unit_price', 'quantity'])}"] = rng.choice(AMOUNTS)
    else:
        texts = [n for n in names if n not in ("id", "DELETE", "level2", "sub_project")]
        data[f"{prefix}-{rng.choice(texts)}"] = rng.choice(TEXTS)


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO())
    return list(Project.objects.select_related("unit").order_by("pk"))


def test_saved_rows_give_the_findings_of_the_whole_page_on_every_demo_project(demo):
    compared = 0
    for project in demo:
        client = filler_client(project)
        for sheet in ROW_SHEETS:
            data = page(client, project, sheet)
            whole = check(client, project, sheet, data)
            sent = as_live_check(data, changed=set())
            assert any(sent.get(f"{t}-SAME") for t in TABLES)
            assert check(client, project, sheet, sent) == whole, (project.name, sheet)
            compared += 1
    assert compared == 2 * len(demo) >= 18


def test_random_edits_give_the_findings_of_the_whole_page(demo):
    rng = random.Random(15)
    runs = 0
    for project in demo:
        client = filler_client(project)
        for sheet in ROW_SHEETS:
            saved = page(client, project, sheet)
            for _ in range(6):
                data, changed = dict(saved), set()
                for _ in range(rng.randint(1, 5)):
                    random_edit(rng, data, changed)
                whole = check(client, project, sheet, data)
                answer = check(client, project, sheet, as_live_check(data, changed))
                assert answer == whole, (project.name, sheet, changed)
                runs += 1
    assert runs >= 100


def test_a_changed_row_that_fails_shows_its_error_at_its_field(client_a, project):
    data = page(client_a, project, Sheet.GOALS)
    data["line-1-amount"] = "九十一万"
    answer = check(client_a, project, Sheet.GOALS, as_live_check(data, changed={"line-1"}))
    assert {
        (f["code"], f["anchor"], f["message"])
        for f in answer["findings"]
        if f["code"] == "FORM_INVALID"
    } == {("FORM_INVALID", "line-1-amount", "请输入金额（元），如 14,718,993.60。")}
    assert answer == check(client_a, project, Sheet.GOALS, data)


def test_saved_rows_that_are_not_saved_rows_ask_for_the_whole_page(client_a, project, bob):
    data = page(client_a, project, Sheet.GOALS)
    other = factories.ready_project(unit=bob.unit, name="别的单位的项目")
    sent = as_live_check(data, changed=set())
    sent["ind-0-id"] = str(other.indicators.first().pk)  # another project's row
    assert check(client_a, project, Sheet.GOALS, sent) == {"full": True}
    sent = as_live_check(data, changed=set())
    new = int(data["ind-TOTAL_FORMS"])  # a row added on the page: not saved
    sent.update({"ind-TOTAL_FORMS": str(new + 1), f"ind-{new}-id": ""})
    sent["ind-SAME"] += f",ind-{new}"
    assert check(client_a, project, Sheet.GOALS, sent) == {"full": True}


def test_saved_rows_of_an_older_revision_ask_for_the_whole_page(client_a, project):
    data = page(client_a, project, Sheet.GOALS)
    Project.objects.filter(pk=project.pk).update(revision=project.revision + 1)
    assert check(client_a, project, Sheet.GOALS, as_live_check(data, set())) == {"full": True}
    data["revision"] = str(project.revision + 1)
    whole = check(client_a, project, Sheet.GOALS, data)
    assert check(client_a, project, Sheet.GOALS, as_live_check(data, set())) == whole


def test_a_save_never_takes_rows_as_saved(client_a, project):
    """The save validates every row it is sent; a post naming rows as saved (the live
    check's shape) is refused with the input kept, never saved with rows blanked."""
    data = page(client_a, project, Sheet.GOALS)
    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    names = sorted(project.indicators.values_list("name", flat=True))
    response = client_a.post(url, as_live_check(data, changed=set()))
    assert response.status_code == 200
    assert "页面数据不完整" in response.content.decode()
    assert sorted(project.indicators.values_list("name", flat=True)) == names
