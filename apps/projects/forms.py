from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from apps.budgets.models import BudgetYear
from apps.core.forms import MoneyField
from apps.core.formsets import FieldValidatedForm, SheetRowFormSet
from apps.projects.models import (
    FUNDING_FIELDS,
    LONG_TEXT_FIELDS,
    OVERVIEW_FIELDS,
    Project,
    SubProject,
)
from apps.units.models import Unit


class ProjectCreateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["unit", "budget_year", "name"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_year"].queryset = BudgetYear.objects.all()
        self.fields["budget_year"].empty_label = None
        if user.unit_id and not (user.is_superuser or user.role == user.Role.ADMIN):
            self.fields["unit"].queryset = Unit.objects.filter(pk=user.unit_id)
            self.fields["unit"].initial = user.unit_id
            self.fields["unit"].disabled = True
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "新建项目"))

    def clean(self):
        data = super().clean()
        if data.get("unit") and data.get("budget_year") and data.get("name"):
            exists = Project.objects.filter(
                unit=data["unit"], budget_year=data["budget_year"], name=data["name"].strip()
            ).exists()
            if exists:
                self.add_error("name", "本单位该年度已有同名项目。")
        return data


class OverviewForm(FieldValidatedForm):
    """Sheet 1 — 项目总体情况, every field of the paper form."""

    total_budget = MoneyField(label="项目总预算")
    current_budget = MoneyField(label="当年预算")
    fiscal_total = MoneyField(label="财政拨款")
    fiscal_upper = MoneyField(label="上级财政拨款")
    fiscal_local = MoneyField(label="本级财政安排")
    fiscal_lower = MoneyField(label="下级财政配套")
    other_funds = MoneyField(label="其他资金")

    class Meta:
        model = Project
        fields = OVERVIEW_FIELDS
        widgets = {
            "category": forms.RadioSelect(attrs={"class": "form-check-input"}),
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "filing_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            **{name: forms.Textarea(attrs={"rows": 4}) for name in LONG_TEXT_FIELDS},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(Project.Category.choices)
        self.fields["category"].required = False
        for name, field in self.fields.items():
            if name != "category":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
        for name in FUNDING_FIELDS:
            self.fields[name].widget.attrs["class"] += " text-end money"
        for name in LONG_TEXT_FIELDS:
            # Keep a paragraph's leading full-width indent (　　) as typed.
            self.fields[name].strip = False
        self.fields["name"].error_messages["required"] = "项目名称不能为空。"
        for name in ("start_date", "end_date", "filing_date"):
            self.fields[name].error_messages["invalid"] = "请输入日期，如 2020-01-01。"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Project.objects.filter(
            unit_id=self.instance.unit_id, budget_year_id=self.instance.budget_year_id, name=name
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("本单位该年度已有同名项目。")
        return name


class GoalsForm(FieldValidatedForm):
    """The scalar parts of sheet 2: 项目构成 text, and the 金额合计 of an imported sheet."""

    use_computed_total = forms.BooleanField(label="以系统按明细计算的金额合计为准", required=False)

    class Meta:
        model = Project
        fields = ["composition"]
        widgets = {"composition": forms.Textarea(attrs={"rows": 4, "class": "form-control"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["composition"].strip = False
        self.fields["use_computed_total"].widget.attrs["class"] = "form-check-input"
        if self.instance.total_source == Project.TotalSource.COMPUTED:
            del self.fields["use_computed_total"]


class SubProjectForm(FieldValidatedForm):
    class Meta:
        model = SubProject
        fields = ["name"]
        widgets = {"name": forms.TextInput(attrs={"class": "form-control form-control-sm"})}


class BaseSubProjectFormSet(SheetRowFormSet):
    def clean(self):
        super().clean()
        names = [
            f.cleaned_data["name"].strip()
            for f in self.rows_in_order()
            if f.cleaned_data.get("name")
        ]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise forms.ValidationError(f"子项目名称重复：{'、'.join(repeated)}。")


SubProjectFormSet = forms.modelformset_factory(
    SubProject, form=SubProjectForm, formset=BaseSubProjectFormSet, extra=1, can_delete=True
)


class RevisionForm(forms.Form):
    """The revision a sheet page was read at; a save from an older one is refused."""

    revision = forms.IntegerField(min_value=0, widget=forms.HiddenInput)

    def expected(self) -> int:
        """The posted revision; -1 (never current) when a page posts none or garbage."""
        return self.cleaned_data["revision"] if self.is_valid() else -1
