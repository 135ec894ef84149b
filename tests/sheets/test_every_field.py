"""Every declared field and row column of each form version, filled with a distinct value,
is found unchanged everywhere: after a save on the sheet pages and a reload, in the PDF's
text, after an Excel export imported back as an update (无变化), in the version snapshot,
and in the diff against an edited copy (each changed value shown old → new)."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from apps.budgets.models import BudgetYear
from apps.exports.layout import project_for_export
from apps.exports.pdf import project_pdf
from apps.exports.xlsx import project_workbook
from apps.imports.models import ImportBatch
from apps.imports.services import import_batch_create
from apps.indicators.models import Level2
from apps.projects.models import Project, SubProject
from apps.sheets import schema
from apps.sheets.diff import show, snapshot_diff
from apps.sheets.snapshot import project_snapshot
from apps.sheets.values import display
from tests.exports.test_pdf import pdf_text
from tests.formdata import form_data

VERSIONS = [(2020, schema.MINHANG_2018), (2021, schema.NATIONAL_2021)]
CHOICES = {
    "category": ("recurring", "mid_term"),
    "nature": ("negative", "positive"),
    "total_source": ("typed", "blank"),
    "category@docs": ("budget", "finance"),
}


def value_for(item, n: int, k: int, key: str = ""):
    """The k-th distinct value (k = 1 or 2) of the n-th item, as the model holds it."""
    if item.kind == "money":
        return Decimal(f"{n}{k}{n}.{k}{n % 10}")
    if item.kind == "number":
        return Decimal(f"{n}.{k}5")
    if item.kind == "date":
        return date(2020 + k, 1 + n % 12, 1 + k)
    if item.kind == "choice":
        return CHOICES[key or item.name][k - 1]
    if item.kind == "bool":
        return k == 1
    if item.kind == "long":
        return f"段落{n}-{k}\n　　第二段 {n}"
    return f"值{n}-{k}"


def make_project(alice, year: int) -> Project:
    budget_year = BudgetYear.objects.get(year=year)
    project = Project.objects.create(unit=alice.unit, budget_year=budget_year, name="占位")
    SubProject.objects.create(project=project, name="子甲", order=0)
    level2 = Level2.objects.filter(level1__taxonomy=budget_year.taxonomy).order_by(
        "level1__order", "order"
    )[0]
    project.indicators.create(level2=level2, name="x", order=0)
    project.budget_lines.create(order=0)
    project.rule_documents.create(category="project", order=0)
    return project


def fill_through_pages(client, project: Project, version: str, k: int) -> dict:
    """Post the k-th distinct value of every declared item of ``version`` through the
    sheet pages; return what the model should now hold."""
    expected: dict = {}
    sub = project.sub_projects.get()
    sheet_items = {
        schema.OVERVIEW_SHEET: [(i, "") for i in schema.OVERVIEW.items if i.has(version)],
        schema.GOALS_SHEET: [(i, "") for i in schema.GOALS.items if i.has(version) and i.printed]
        + [(c, "ind-0-") for c in schema.INDICATORS.columns_for(version)]
        + [(c, "line-0-") for c in schema.LINES.columns_for(version)],
        schema.GUARANTEES_SHEET: [(c, "doc-0-") for c in schema.DOCS.columns_for(version)],
    }
    for n, (sheet, items) in enumerate(sheet_items.items()):
        url = reverse("projects:sheet", args=[project.pk, sheet])
        data = form_data(client.get(url).content.decode())
        for m, (item, prefix) in enumerate(items):
            key = f"{prefix}{item.name}"
            if item.kind == "level":
                continue  # chosen when the row was made; the import test renames none
            if item.kind == "sub":
                data[key] = str(sub.pk)
                expected[key] = sub.pk
                continue
            choice_key = "category@docs" if prefix == "doc-0-" and item.name == "category" else ""
            value = value_for(item, 10 * n + m + 1, k, choice_key)
            expected[key] = value
            if item.kind == "bool":
                data.pop(key, None)
                if value:
                    data[key] = "on"
            elif item.kind == "date":
                data[key] = value.isoformat()
            else:
                data[key] = str(value)
        response = client.post(url, data)
        assert response.status_code == 302, response.content.decode()[:3000]
    return expected


def stored(project: Project, key: str):
    prefix, _, name = key.rpartition("-") if key.count("-") >= 2 else ("", "", key)
    if not prefix:
        return getattr(Project.objects.get(pk=project.pk), key)
    related = {"ind-0": "indicators", "line-0": "budget_lines", "doc-0": "rule_documents"}[prefix]
    row = getattr(project, related).get()
    return row.sub_project_id if name == "sub_project" else getattr(row, name)


@pytest.mark.parametrize("year, version", VERSIONS, ids=[v for _, v in VERSIONS])
def test_every_declared_value_survives_everything(client_a, alice, year, version):
    project = make_project(alice, year)
    expected = fill_through_pages(client_a, project, version, 1)

    # 1. Saved and read back exactly.
    for key, value in expected.items():
        assert stored(project, key) == value, key
    project = project_for_export(project.pk)

    # 2. Every value printed in the PDF (as the sheet shows it).
    text = pdf_text(project_pdf(project))
    for key, value in expected.items():
        if key.endswith("sub_project"):
            assert "【子甲】" in text
            continue
        name = key.rpartition("-")[2] if "-" in key else key
        table = {"ind": schema.INDICATORS, "line": schema.LINES, "doc": schema.DOCS}.get(
            key.split("-")[0]
        )
        item = table.column(name) if table else schema.field(name)
        if not item.printed or item.kind == "bool":
            continue
        if item.kind == "choice":
            shown = dict(schema.choices(item, table.model if table else "projects.Project"))[value]
        elif item.kind == "date":
            shown = value.isoformat()
        else:
            shown = display(item, str(value) if item.kind in ("money", "number") else value)
        assert shown.replace("\n", "").replace(" ", "").replace("　", "") in text, (key, shown)

    # 3. Exported to Excel and imported back as an update: no change at all.
    batch = import_batch_create(
        user=alice, unit=alice.unit, filename="t.xlsx", data=project_workbook(project)
    )
    assert batch.status == ImportBatch.Status.PREVIEW
    (planned,) = batch.plan["projects"]
    assert planned["action"] == "unchanged", planned["changes"]

    # 4. The snapshot a version freezes holds every value.
    snap = project_snapshot(project)
    for key, value in expected.items():
        name = key.rpartition("-")[2] if "-" in key else key
        if "-" not in key:
            assert snap["fields"][name] == _json(value), key
        else:
            table = {"ind": "indicators", "line": "lines", "doc": "docs"}[key.split("-")[0]]
            want = "子甲" if name == "sub_project" else _json(value)
            assert snap[table][0][name] == want, key

    # 5. An edited copy: each changed value is in the diff, old → new.
    fill_through_pages(client_a, project, version, 2)
    edited = project_snapshot(project_for_export(project.pk))
    diffs = {d.key: d for d in snapshot_diff(snap, edited)}
    for key in expected:
        name = key.rpartition("-")[2] if "-" in key else key
        if name == "sub_project":
            continue
        if "-" not in key:
            item = schema.field(name)
            diff = diffs[f"f.{name}"]
            assert (diff.old, diff.new) == (
                show(item, snap["fields"][name]),
                show(item, edited["fields"][name]),
            )
        else:
            table = {"ind": schema.INDICATORS, "line": schema.LINES, "doc": schema.DOCS}[
                key.split("-")[0]
            ]
            row_id = snap[table.key][0]["id"]
            diff = diffs[f"{table.key}.{row_id}.{name}"]
            item = table.column(name)
            assert diff.old == show(item, snap[table.key][0][name], table.model)
            assert diff.new == show(item, edited[table.key][0][name], table.model)
            assert diff.old != diff.new


def _json(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value
