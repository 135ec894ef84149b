from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from apps.core.forms import form_kept_whole
from apps.indicators.models import Level2
from apps.library.models import LibraryIndicator, Mandated, Tier
from apps.library.permissions import is_finance
from apps.units.models import Unit


class LevelChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.level1.taxonomy.name} · {obj.level1.name} · {obj.name}"


def _levels():
    return Level2.objects.select_related("level1__taxonomy").order_by(
        "level1__taxonomy__code", "level1__order", "order", "id"
    )


def _owner_field(form, user, label_none: str) -> None:
    """Finance chooses any department (or none: its own); a department only itself."""
    field = form.fields["owner"]
    departments = Unit.objects.filter(kind=Unit.Kind.DEPARTMENT)
    if is_finance(user):
        field.queryset = departments
        field.empty_label = label_none
    else:
        field.queryset = departments.filter(pk=user.unit_id)
        field.empty_label = None
        field.required = True
        field.initial = user.unit_id


class LibraryEntryForm(forms.ModelForm):
    level2 = LevelChoiceField(label="一级/二级指标", queryset=Level2.objects.none())

    class Meta:
        model = LibraryIndicator
        fields = [
            "owner",
            "level2",
            "name",
            "nature",
            "comparator",
            "typical_value",
            "unit",
            "explanation",
            "formula",
            "scoring",
            "function_code",
            "sector",
            "category",
            "valid_from",
            "valid_to",
        ]
        widgets = {
            "explanation": forms.Textarea(attrs={"rows": 2}),
            "formula": forms.Textarea(attrs={"rows": 2}),
            "scoring": forms.Textarea(attrs={"rows": 2}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level2"].queryset = _levels()
        _owner_field(self, user, "（共性指标，财政维护）")
        form_kept_whole(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean(self):
        data = super().clean()
        owner = data.get("owner")
        self.instance.tier = Tier.DEPARTMENT if owner else Tier.COMMON
        start, end = data.get("valid_from"), data.get("valid_to")
        if start and end and end < start:  # said here: the constraint's own message is its name
            self.add_error("valid_to", "停用日期不能早于启用日期。")
        level2, name = data.get("level2"), data.get("name")
        if level2 and name:
            same = LibraryIndicator.objects.filter(level2=level2, name=name, owner=owner)
            if same.exclude(pk=self.instance.pk).exists():
                self.add_error("name", "该二级指标下已有同名的库指标。")
        return data


class MandatedForm(forms.ModelForm):
    level2 = LevelChoiceField(label="一级/二级指标", queryset=Level2.objects.none())

    class Meta:
        model = Mandated
        fields = [
            "budget_year",
            "owner",
            "category",
            "level2",
            "name",
            "target",
            "mode",
            "editable",
            "weight",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level2"].queryset = _levels()
        self.fields["budget_year"].empty_label = None
        _owner_field(self, user, "（财政设定，对所有单位）")
        form_kept_whole(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "保存"))

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_weight(self):
        weight = self.cleaned_data["weight"]
        if weight is not None and weight < 0:
            raise forms.ValidationError("分值不能为负数。")
        return weight

    def clean_target(self):
        from apps.indicators.targets import parse_target

        target = self.cleaned_data["target"].strip()
        parsed = parse_target(target)
        if parsed.kind == "invalid":
            raise forms.ValidationError("无法识别该指标值，请写成如“≥90%”或文字描述。")
        return target

    def clean(self):
        data = super().clean()
        year, level2 = data.get("budget_year"), data.get("level2")
        if year and level2 and level2.level1.taxonomy_id != year.taxonomy_id:
            self.add_error(
                "level2", f"请选择 {year.year} 年度指标体系（{year.taxonomy}）中的二级指标。"
            )
        key = {
            "budget_year": year,
            "owner": data.get("owner"),
            "category": data.get("category") or "",
            "level2": level2,
            "name": data.get("name"),
        }
        if all(v is not None for k, v in key.items() if k != "owner"):
            if Mandated.objects.filter(**key).exclude(pk=self.instance.pk).exists():
                self.add_error("name", "已有相同的固化指标。")
        return data


class ProposalForm(forms.Form):
    tier = forms.ChoiceField(label="拟纳入", choices=Tier.choices, initial=Tier.DEPARTMENT)
    indicators = forms.MultipleChoiceField(
        label="指标",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请选择要纳入指标库的指标。"},
    )
    remark = forms.CharField(label="说明", required=False, max_length=500)

    def __init__(self, *args, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicators"].choices = [
            (str(i.pk), f"{i.level2.level1.name if i.level2 else ''} · {i.name} {i.target_raw}")
            for i in indicators
        ]
        form_kept_whole(self)


class DecisionForm(forms.Form):
    reason = forms.CharField(label="处理意见", required=False, max_length=500)
