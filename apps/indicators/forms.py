from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory

from apps.core.formsets import PageChoices, SheetRowForm, SheetRowFormSet
from apps.indicators.models import Indicator
from apps.sheets import limits
from apps.sheets.forms import formfield_callback, items_by_name, table_field_names
from apps.sheets.schema import DEFAULT_VERSION, INDICATORS


class IndicatorForm(SheetRowForm):
    # Not required: a row whose level is not chosen (or was imported with a level the
    # taxonomy lacks) is saved as a draft with a finding (I_LEVEL_UNKNOWN), like any other
    # rule; only an id outside the year's taxonomy is refused as input.
    level2 = forms.TypedChoiceField(
        label="一级/二级目标", coerce=int, empty_value=None, required=False
    )

    class Meta:
        model = Indicator
        fields = table_field_names(INDICATORS, DEFAULT_VERSION)

    def __init__(self, *args, level2s=None, level2_choices=None, **kwargs):
        """``level2_choices``: PageChoices of the year's taxonomy, grouped by level 1."""
        self._level2s = level2s or {}
        self._level2_choices = level2_choices or PageChoices([("", "请选择")])
        super().__init__(*args, **kwargs)
        self.fields["level2"].choices = self._level2_choices
        self.fields["level2"].error_messages["required"] = "请选择一级、二级目标。"
        if self.instance.pk:
            self.initial["level2"] = self.instance.level2_id

    def _saved_row_init(self, *, level2s=None, level2_choices=None, **kwargs):
        # No ``or``: the truth of choices counts them.
        self._level2s = {} if level2s is None else level2s
        self._level2_choices = level2_choices

    @property
    def level1_name(self) -> str:
        value = self["level2"].value()
        try:
            return self._level2_choices.labels.get(int(value), ("", ""))[0]
        except (TypeError, ValueError):
            return ""

    def _get_validation_exclusions(self):
        # Resolved against the page's own dict by clean_level2 (no query per row).
        return {*super()._get_validation_exclusions(), "level2"}

    def clean_level2(self):
        level2_id = self.cleaned_data.get("level2")
        if level2_id is None:
            return None
        if level2_id not in self._level2s:
            raise ValidationError("请选择本年度指标体系中的一级、二级目标。")
        return self._level2s[level2_id]


@cache
def indicator_formset(version: str):
    """The indicator rows of a form version's 绩效目标 table (its columns, its labels)."""
    return modelformset_factory(
        Indicator,
        form=IndicatorForm,
        formset=SheetRowFormSet,
        fields=table_field_names(INDICATORS, version),
        formfield_callback=formfield_callback(items_by_name(INDICATORS.columns), version),
        extra=0,
        can_order=False,
        can_delete=True,
        max_num=limits.INDICATORS.max_rows,
        validate_max=True,
    )


IndicatorFormSet = indicator_formset(DEFAULT_VERSION)
