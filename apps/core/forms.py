from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator

from apps.core.money import fmt_money, fmt_number, parse_amount


def kept_whole(field: forms.Field) -> forms.Field:
    """A text field that never loses a character silently: no ``maxlength`` on its input
    (a browser cuts a longer paste there without a word; the field refuses the text at its
    place with its length instead, and the page keeps it whole), and a NUL character
    (which PostgreSQL cannot keep) refused in plain Chinese — Django's zh-hans message
    reads “no empty string”."""
    field.widget.attrs.pop("maxlength", None)
    for validator in field.validators:
        if isinstance(validator, ProhibitNullCharactersValidator):
            validator.message = f"{field.label}中含有空字符（\\x00），无法保存，请删去后再保存。"
    return field


def form_kept_whole(form: forms.BaseForm) -> None:
    """``kept_whole`` for every field of a form."""
    for field in form.fields.values():
        kept_whole(field)


class AmountInput(forms.TextInput):
    """Money typed as text so "14,718,993.60" is accepted and shown with separators."""

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})


class MoneyField(forms.DecimalField):
    widget = AmountInput
    default_error_messages = {
        "invalid": "请输入金额（元），如 14,718,993.60。",
        "negative": "金额不能为负数。",
    }

    def __init__(self, *, places: int = 2, **kwargs):
        kwargs.setdefault("max_digits", 18)
        kwargs.setdefault("decimal_places", places)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.localize = False

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            number = parse_amount(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if number is not None and number < 0:
            raise ValidationError(self.error_messages["negative"], code="negative")
        return number

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return fmt_money(value)
        return value

    def widget_attrs(self, widget):
        # DecimalField would add step/min attributes meant for number inputs.
        return {}


class QuantityField(MoneyField):
    default_error_messages = {
        "invalid": "请输入数量，如 5 或 2.50。",
        "negative": "数量不能为负数。",
    }

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return fmt_number(value)
        return value
