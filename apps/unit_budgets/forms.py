"""The entry form of a unit budget: the scalar figures and three tables of leaf rows.

Only leaves are entered — revenue and expenditure per 功能分类 项, basic expenditure per
经济分类 款; every sum is computed. Codes are chosen from the budget year's lists, built
once per page (no query per row).
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import MoneyField
from apps.core.formsets import PageChoices, style_row_widgets
from apps.unit_budgets.models import Source, UnitBudget
from apps.unit_budgets.services import TEXT_FIELDS

ZERO_FIELDS = UnitBudget.MONEY_FIELDS


class UnitBudgetForm(forms.ModelForm):
    """The figures of the 三公经费 table, 政府采购, last year's budget and the texts."""

    class Meta:
        model = UnitBudget
        fields = [*UnitBudget.MONEY_FIELDS, *UnitBudget.PREV_FIELDS, *TEXT_FIELDS]
        widgets = {
            "duties": forms.Textarea(attrs={"rows": 4}),
            "organisation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in [*UnitBudget.MONEY_FIELDS, *UnitBudget.PREV_FIELDS]:
            label = UnitBudget._meta.get_field(name).verbose_name
            self.fields[name] = MoneyField(label=f"{label}（元）")
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

        def row(*names):
            return Row(*[Column(n, css_class="col-md") for n in names])

        self.helper.layout = Layout(
            Fieldset(
                "“三公”经费和机关运行经费（元，表中以万元列示）",
                row("abroad", "reception", "vehicle_purchase", "vehicle_running", "office_running"),
            ),
            Fieldset(
                "政府采购预算（元）",
                row("procurement_goods", "procurement_works", "procurement_services"),
            ),
            Fieldset(
                "上年预算数（元，用于编制说明中的增减变化；不详可留空）",
                row("prev_basic", "prev_project", "prev_office_running"),
                row("prev_abroad", "prev_reception", "prev_vehicle"),
            ),
            Fieldset(
                "变化原因（编制说明中“主要原因是……”）",
                row("reason_basic", "reason_project"),
                row("reason_abroad", "reason_vehicle", "reason_reception"),
            ),
            Fieldset("单位概况", "duties", "organisation"),
        )

    def clean(self):
        data = super().clean()
        for name in ZERO_FIELDS:
            if name in data and data[name] is None:
                data[name] = 0  # a blank amount of the 三公 table is a zero
        return data


class CodeField(forms.TypedChoiceField):
    default_error_messages = {
        "required": "请选择科目。",
        "invalid_choice": "请选择本年度科目表中的科目。",
    }

    def __init__(self, **kwargs):
        super().__init__(coerce=int, empty_value=None, **kwargs)


class _EntryRowForm(forms.Form):
    """A row: a code of the year's list and its amounts (blank amounts are zeros)."""

    AMOUNTS: list[str] = []

    def __init__(self, *args, codes=None, code_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self._codes = codes or {}
        self.fields["code"].choices = code_choices

    def clean_code(self):
        pk = self.cleaned_data.get("code")
        if pk not in self._codes:
            raise ValidationError(CodeField.default_error_messages["invalid_choice"])
        return self._codes[pk]

    def clean(self):
        data = super().clean()
        for name in self.AMOUNTS:
            if name in data and data[name] is None:
                data[name] = 0
        return data

    def entry(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k != "DELETE"}


@style_row_widgets
class RevenueRowForm(_EntryRowForm):
    AMOUNTS = ["general", "fund", "business", "operating", "other"]

    code = CodeField(label="功能分类科目（项）")
    general = MoneyField(label="一般公共预算拨款")
    fund = MoneyField(label="政府性基金拨款")
    business = MoneyField(label="事业收入")
    operating = MoneyField(label="事业单位经营收入")
    other = MoneyField(label="其他收入")


@style_row_widgets
class ExpenditureRowForm(_EntryRowForm):
    AMOUNTS = ["personnel", "public", "project"]

    code = CodeField(label="功能分类科目（项）")
    source = forms.ChoiceField(
        label="资金来源",
        choices=Source.choices,
        initial=Source.GENERAL,
        error_messages={"required": "请选择资金来源。", "invalid_choice": "请选择资金来源。"},
    )
    personnel = MoneyField(label="基本支出·人员经费")
    public = MoneyField(label="基本支出·公用经费")
    project = MoneyField(label="项目支出")
    purpose = forms.CharField(label="主要用途（编制说明）", max_length=500, required=False)


@style_row_widgets
class EconomicRowForm(_EntryRowForm):
    AMOUNTS = ["personnel", "public"]

    code = CodeField(label="部门经济分类科目（款）")
    personnel = MoneyField(label="人员经费")
    public = MoneyField(label="公用经费")


class EntryFormSet(forms.BaseFormSet):
    """Rows of one table; a code (with its source) may appear once."""

    key_fields = ("code",)

    def _kept(self):
        """Rows to save: saved rows unless deleted, new rows if anything was typed."""
        for i, form in enumerate(self.forms):
            if self._should_delete_form(form):
                continue
            if i >= self.initial_form_count() and not form.has_changed():
                continue
            yield form

    def clean(self):
        seen = set()
        for form in self._kept():
            data = getattr(form, "cleaned_data", None) or {}
            if any(data.get(k) is None for k in self.key_fields):
                continue
            key = tuple(data[k] for k in self.key_fields)
            if key in seen:
                form.add_error("code", "该科目已有一行，请合并为一行。")
            seen.add(key)

    def entries(self) -> list[dict]:
        return [form.entry() for form in self._kept()]


class ExpenditureFormSet(EntryFormSet):
    key_fields = ("code", "source")


def _factory(form, formset=EntryFormSet):
    return forms.formset_factory(form, formset=formset, extra=3, can_delete=True)


RevenueFormSet = _factory(RevenueRowForm)
ExpenditureFormSetClass = _factory(ExpenditureRowForm, ExpenditureFormSet)
EconomicFormSet = _factory(EconomicRowForm)


def table_helper() -> FormHelper:
    helper = FormHelper()
    helper.template = "bootstrap5/table_inline_formset.html"
    helper.form_tag = False
    helper.disable_csrf = True
    return helper


def entry_formsets(book, data=None) -> dict[str, forms.BaseFormSet]:
    """The three row formsets of a unit budget page, with the year's codes built once."""
    codes = book.codes.values()
    leaves = {
        "function": {c.pk: c for c in codes if c.kind == "function" and len(c.code) == 7},
        "economic": {c.pk: c for c in codes if c.kind == "economic" and len(c.code) == 5},
    }
    choices = {
        kind: PageChoices(
            [("", "—— 选择科目 ——")]
            + [(pk, str(c)) for pk, c in sorted(found.items(), key=lambda kv: kv[1].code)]
        )
        for kind, found in leaves.items()
    }
    by_code = {kind: {c.code: pk for pk, c in found.items()} for kind, found in leaves.items()}
    e = book.entries
    initial = {
        "rev": [
            {
                "code": by_code["function"].get(code),
                **dict(zip(RevenueRowForm.AMOUNTS, v, strict=True)),
            }
            for code, v in sorted(e.revenue.items())
        ],
        "exp": [
            {
                "code": by_code["function"].get(code),
                "source": source,
                **dict(zip(ExpenditureRowForm.AMOUNTS, v, strict=True)),
                "purpose": book.purpose_of(code, source),
            }
            for code, by_source in sorted(e.expenditure.items())
            for source, v in by_source.items()
        ],
        "eco": [
            {
                "code": by_code["economic"].get(code),
                **dict(zip(EconomicRowForm.AMOUNTS, v, strict=True)),
            }
            for code, v in sorted(e.economic.items())
        ],
    }
    out = {}
    for prefix, cls, kind in (
        ("rev", RevenueFormSet, "function"),
        ("exp", ExpenditureFormSetClass, "function"),
        ("eco", EconomicFormSet, "economic"),
    ):
        out[prefix] = cls(
            data,
            prefix=prefix,
            initial=initial[prefix],
            form_kwargs={"codes": leaves[kind], "code_choices": choices[kind]},
        )
    return out
