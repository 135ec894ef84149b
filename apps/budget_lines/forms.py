from django import forms
from django.forms import modelformset_factory

from apps.budget_lines.models import LINE_FIELDS, BudgetLine
from apps.core.forms import AmountInput, MoneyField, QuantityField
from apps.core.formsets import SheetRowForm, SheetRowFormSet
from apps.core.limits import LINES


class BudgetLineForm(SheetRowForm):
    amount = MoneyField(label="明细金额")
    unit_price = MoneyField(label="单价")
    quantity = QuantityField(label="数量")

    class Meta:
        model = BudgetLine
        fields = ["sub_project", *LINE_FIELDS]
        # Long texts of the printed form wrap in their cells instead of hiding in an input.
        widgets = {
            **{
                name: forms.Textarea(attrs={"rows": 1})
                for name in ("item_name", "content", "detail", "price_basis", "quantity_basis")
            },
            "amount": AmountInput,
            "unit_price": AmountInput,
            "quantity": AmountInput,
        }


BudgetLineFormSet = modelformset_factory(
    BudgetLine,
    form=BudgetLineForm,
    formset=SheetRowFormSet,
    extra=0,
    can_order=False,
    can_delete=True,
    max_num=LINES.max_rows,
    validate_max=True,
)
