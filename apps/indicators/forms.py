from django import forms
from django.core.exceptions import ValidationError
from django.forms import modelformset_factory

from apps.core.formsets import PageChoices, SheetRowForm, SheetRowFormSet
from apps.core.limits import INDICATORS
from apps.indicators.models import Indicator


class IndicatorForm(SheetRowForm):
    level2 = forms.TypedChoiceField(label="一级/二级目标", coerce=int, empty_value=None)

    class Meta:
        model = Indicator
        fields = ["level2", "name", "target_raw", "remark", "sub_project"]
        widgets = {"remark": forms.Textarea(attrs={"rows": 1})}

    def __init__(self, *args, level2s=None, level2_choices=None, **kwargs):
        """``level2_choices``: PageChoices of the year's taxonomy, grouped by level 1."""
        self._level2s = level2s or {}
        self._level2_choices = level2_choices or PageChoices([("", "请选择")])
        super().__init__(*args, **kwargs)
        self.fields["level2"].choices = self._level2_choices
        self.fields["level2"].error_messages["required"] = "请选择一级、二级目标。"
        if self.instance.pk:
            self.initial["level2"] = self.instance.level2_id

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
        if level2_id not in self._level2s:
            raise ValidationError("请选择本年度指标体系中的一级、二级目标。")
        return self._level2s[level2_id]


IndicatorFormSet = modelformset_factory(
    Indicator,
    form=IndicatorForm,
    formset=SheetRowFormSet,
    extra=0,
    can_order=False,
    can_delete=True,
    max_num=INDICATORS.max_rows,
    validate_max=True,
)
