from functools import cache

from django.forms import Textarea, modelformset_factory

from apps.budget_lines.models import BudgetLine
from apps.core.formsets import SheetRowForm, SheetRowFormSet, style_row_widgets
from apps.sheets.forms import formfield_callback, items_by_name, table_field_names
from apps.sheets.schema import DEFAULT_VERSION, LINES


class BudgetLineForm(SheetRowForm):
    class Meta:
        model = BudgetLine
        fields = table_field_names(LINES, DEFAULT_VERSION)


@cache
def budget_line_formset(version: str):
    """The rows of 项目构成分解 as the form version declares them."""
    formset = modelformset_factory(
        BudgetLine,
        form=BudgetLineForm,
        formset=SheetRowFormSet,
        fields=table_field_names(LINES, version),
        formfield_callback=formfield_callback(items_by_name(LINES.columns), version),
        extra=0,
        can_order=False,
        can_delete=True,
    )
    # Long texts of the printed form wrap in their cells instead of hiding in an input.
    for name, field in formset.form.base_fields.items():
        if name in ("item_name", "content", "detail", "price_basis", "quantity_basis"):
            field.widget = Textarea(attrs={"rows": 1})
    style_row_widgets(formset.form)
    return formset


BudgetLineFormSet = budget_line_formset(DEFAULT_VERSION)
