from functools import cache

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from apps.budgets.models import BudgetYear
from apps.core.forms import MoneyField, form_kept_whole
from apps.core.formsets import FieldValidatedForm, SheetRowFormSet
from apps.projects.models import Project, SubProject
from apps.sheets import schema
from apps.sheets.forms import ALL_FIELDS, formfield_callback, sheet_field_names
from apps.units.models import Unit


class ProjectCreateForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["unit", "budget_year", "name", "category"]
        help_texts = {
            "category": "选择后自动加入该类项目的固化指标；也可稍后在项目总体情况中填写。"
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["budget_year"].queryset = BudgetYear.objects.all()
        self.fields["budget_year"].empty_label = None
        form_kept_whole(self)
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
    """Sheet 1 — 项目总体情况: every field the project's form version prints
    (``overview_form`` makes the class of a version from the declaration)."""

    class Meta:
        model = Project
        fields = ["name"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "category" in self.fields:
            self.fields["category"].choices = list(Project.Category.choices)
            self.fields["category"].required = False
            self.fields["category"].widget = forms.RadioSelect(
                attrs={"class": "form-check-input"}, choices=self.fields["category"].choices
            )
        for name, field in self.fields.items():
            if name != "category":
                field.widget.attrs.setdefault("class", "form-control form-control-sm")
            if isinstance(field, MoneyField):
                field.widget.attrs["class"] += " text-end money"
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["rows"] = 4
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = "请输入日期，如 2020-01-01。"
        self.fields["name"].error_messages["required"] = "项目名称不能为空。"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        clash = Project.objects.filter(
            unit_id=self.instance.unit_id, budget_year_id=self.instance.budget_year_id, name=name
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("本单位该年度已有同名项目。")
        return name


@cache
def overview_form(version: str) -> type[OverviewForm]:
    return forms.modelform_factory(
        Project,
        form=OverviewForm,
        fields=sheet_field_names(schema.OVERVIEW.items, version),
        formfield_callback=formfield_callback(ALL_FIELDS, version),
    )


class GoalsForm(FieldValidatedForm):
    """The scalar parts of sheet 2: 项目构成 text, and the 金额合计 of an imported sheet."""

    use_computed_total = forms.BooleanField(label="以系统按明细计算的金额合计为准", required=False)

    class Meta:
        model = Project
        fields = sheet_field_names(schema.GOALS.items, schema.DEFAULT_VERSION)
        formfield_callback = formfield_callback(ALL_FIELDS, schema.DEFAULT_VERSION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.update(rows=4, **{"class": "form-control"})
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


class ProjectCopyForm(forms.Form):
    """复制上年 / 复制为新项目: the year of the new draft, its name, amounts kept or not."""

    KEEP, CLEAR = "keep", "clear"

    budget_year = forms.ModelChoiceField(
        label="复制到预算年度", queryset=BudgetYear.objects.none(), empty_label=None
    )
    name = forms.CharField(label="新项目名称", max_length=200)
    amounts = forms.ChoiceField(
        label="金额",
        choices=[
            (KEEP, "复制原项目的金额"),
            (CLEAR, "清空金额（项目资金、明细金额和单价），重新填写"),
        ],
        initial=CLEAR,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, source: Project, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = source
        self.fields["budget_year"].queryset = BudgetYear.objects.filter(
            year__gte=source.budget_year.year
        ).order_by("year")
        self.fields["name"].error_messages["required"] = "请填写新项目的名称。"
        form_kept_whole(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", "复制"))

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean(self):
        data = super().clean()
        year, name = data.get("budget_year"), data.get("name")
        if year and name:
            taken = Project.objects.filter(unit_id=self.source.unit_id, budget_year=year, name=name)
            if taken.exists():
                self.add_error("name", "本单位该年度已有同名项目。")
        return data

    @property
    def keep_amounts(self) -> bool:
        return self.cleaned_data["amounts"] == self.KEEP
