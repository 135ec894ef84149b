"""The declaration of the sheets is complete: every model field of the sheets is declared
(or listed as not sheet content), and every consumer that keeps per-column state knows
every declared column."""

import dataclasses

import pytest
from django.apps import apps

from apps.checks import snapshot as rules_snapshot
from apps.imports.parser.goals import heads_for
from apps.sheets import schema


def declared_names(model: str) -> set[str]:
    if model == "projects.Project":
        return {i.name for i in schema.fields()}
    table = next(t for t in schema.TABLES if t.model == model)
    return {c.name for c in table.columns}


@pytest.mark.parametrize("model", sorted(schema.NOT_SHEET_FIELDS))
def test_every_model_field_is_declared(model):
    """A field added to a sheet model and not declared fails here: it would be missing
    from the pages, the print, the import, the history and the diffs."""
    fields = {f.name for f in apps.get_model(model)._meta.concrete_fields}
    undeclared = fields - declared_names(model) - schema.NOT_SHEET_FIELDS[model]
    assert not undeclared, f"{model}: declare {sorted(undeclared)} in apps/sheets/schema.py"
    stale = (declared_names(model) | schema.NOT_SHEET_FIELDS[model]) - fields
    assert not stale, f"{model}: {sorted(stale)} declared but not on the model"


@pytest.mark.parametrize("table", schema.TABLES, ids=lambda t: t.key)
def test_the_rules_rows_carry_every_declared_column(table):
    row_fields = {f.name for f in dataclasses.fields(rules_snapshot.ROW_CLASSES[table.key])}
    for column in table.columns:
        if column.kind == "level":
            assert {"level2_id", "level1_name", "level2_name"} <= row_fields
        elif column.name in schema.STAGE_COLUMNS:
            assert "stages" in row_fields
        else:
            assert column.name in row_fields, f"{table.key}.{column.name} not in the rules row"


@pytest.mark.parametrize("version", schema.ALL)
def test_the_import_reads_every_printed_column_by_its_heading(version):
    heads = heads_for(schema.INDICATORS, version)
    for column in schema.INDICATORS.columns_for(version):
        if column.printed:
            assert (
                heads.get(column.label_for(version).replace("（", "(").replace("）", ")"))
                == (column.name)
                or heads.get(column.label_for(version)) == column.name
            )


def test_every_item_has_a_known_kind_and_a_version():
    for item in (*schema.fields(), *(c for t in schema.TABLES for c in t.columns)):
        assert item.kind in schema.KINDS, item
        assert item.versions and set(item.versions) <= set(schema.ALL), item


def test_every_text_the_sheets_keep_is_bounded():
    """No declared text without a maximum length: the page, the import and the PDF stay
    bounded (a 30,000-character paragraph is refused at its field, not rendered for 24 s)."""
    for model, names in (
        ("projects.Project", [i.name for i in schema.fields() if i.kind in ("text", "long")]),
        *[
            (t.model, [c.name for c in t.columns if c.kind in ("text", "long")])
            for t in schema.TABLES
        ],
    ):
        for name in names:
            limit = schema.model_field(model, name).max_length
            assert limit and limit <= schema.LONG_TEXT_MAX, f"{model}.{name}"
