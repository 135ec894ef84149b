"""Form fields of the sheet pages, made from the declaration: each item of a form version
becomes a field of its kind, labelled as that version prints it."""

from django import forms

from apps.core.forms import MoneyField, QuantityField, kept_whole
from apps.sheets.schema import Item, Table, fields

DATE_WIDGET = {"type": "date"}


def formfield_callback(items: dict[str, Item], version: str, long_rows: int = 1):
    """A ``formfield_callback`` for a model form of the declared ``items``."""

    def callback(db_field, **kwargs):
        field = _callback(db_field, **kwargs)
        return None if field is None else kept_whole(field)

    def _callback(db_field, **kwargs):
        item = items.get(db_field.name)
        if item is None:
            return db_field.formfield(**kwargs)
        label = item.label_for(version)
        if item.kind == "money":
            return MoneyField(label=label)
        if item.kind == "number":
            return QuantityField(
                label=label, max_digits=db_field.max_digits, places=db_field.decimal_places
            )
        if item.kind == "date":
            return db_field.formfield(
                label=label, widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
            )
        if item.kind == "long":
            field = db_field.formfield(
                label=label, widget=forms.Textarea(attrs={"rows": long_rows})
            )
            # Keep a paragraph's leading full-width indent (　　) as typed.
            field.strip = False
            return field
        return db_field.formfield(label=label, **kwargs)

    return callback


def sheet_field_names(sheet_items, version: str, printed_only: bool = True) -> list[str]:
    return [i.name for i in sheet_items if i.has(version) and (i.printed or not printed_only)]


def table_field_names(table: Table, version: str) -> list[str]:
    """The row form's fields, in printed order (``sub_project`` last, as the page shows it)."""
    names = [c.name for c in table.columns_for(version) if c.kind != "sub"]
    return [*names, "sub_project"]


def items_by_name(items) -> dict[str, Item]:
    return {i.name: i for i in items}


ALL_FIELDS = items_by_name(fields())
