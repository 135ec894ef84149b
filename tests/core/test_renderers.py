"""The sheet renderer writes the same HTML as Django's own widget templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from apps.core.forms import AmountInput, MoneyField
from apps.core.formsets import PageChoices
from apps.core.renderers import SHEET_RENDERER

DJANGO = DjangoTemplates()
GROUPED = PageChoices(
    [
        ("", "请选择"),
        ("产出目标", [(1, "数量"), (2, "质量"), (3, "时效 & <成本>")]),
        ("效果目标", [(4, "社会效益")]),
    ]
)

CASES = [
    (forms.TextInput(attrs={"class": "form-control"}), "x", 'a "quoted" <b> & 值'),
    (forms.TextInput(), "x", None),
    (forms.TextInput(attrs={"required": True, "disabled": False, "maxlength": 300}), "x", ""),
    (AmountInput(attrs={"class": "money"}), "amount", "14,718,993.60"),
    (forms.HiddenInput(), "ind-0-id", 42),
    (forms.CheckboxInput(), "doc-0-stage_planning", True),
    (forms.CheckboxInput(), "doc-0-stage_planning", False),
    (forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), "start_date", "2020-01-01"),
    (forms.Textarea(attrs={"rows": 2}), "overview", "第一段。\n\n<第二段> & “引号”"),
    (forms.Textarea(), "overview", ""),
    (forms.Select(choices=GROUPED), "ind-0-level2", 3),
    (forms.Select(choices=GROUPED), "ind-0-level2", None),
    (forms.Select(choices=[("", "—"), (7, "PATHS"), (8, "WAP课程")]), "sub", "8"),
]


@pytest.mark.parametrize(("widget", "name", "value"), CASES)
def test_same_html_as_django_templates(widget, name, value):
    attrs = {"id": f"id_{name}"}
    ours = widget.render(name, value, attrs=attrs, renderer=SHEET_RENDERER)
    theirs = widget.render(name, value, attrs=attrs, renderer=DJANGO)
    assert ours == theirs


def test_other_templates_fall_back_to_django():
    radios = forms.RadioSelect(choices=[("a", "一次性项目"), ("b", "经常性项目")])
    ours = radios.render("category", "a", renderer=SHEET_RENDERER)
    assert ours == radios.render("category", "a", renderer=DJANGO)
    assert 'value="a"' in ours and "checked" in ours


# --- Whole fields: SheetBoundField.as_widget against Django's BoundField ----------------


class Sample(forms.Form):
    default_renderer = SHEET_RENDERER

    text = forms.CharField(max_length=10, help_text="说明")
    hidden = forms.CharField(widget=forms.HiddenInput, required=False)
    amount = MoneyField()
    flag = forms.BooleanField(required=False)
    flag_required = forms.BooleanField()
    day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), required=False)
    area = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    fixed = forms.CharField(disabled=True, required=False)
    level = forms.TypedChoiceField(coerce=int, empty_value=None, required=False)
    level_required = forms.TypedChoiceField(coerce=int, empty_value=None)
    plain = forms.ChoiceField(choices=[("", "—"), ("a", "甲 & <乙>")])
    described = forms.CharField(
        widget=forms.TextInput(attrs={"aria-describedby": "elsewhere"}), required=False
    )
    radios = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "甲")], required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = GROUPED
        self.fields["level_required"].choices = GROUPED


POSTS = [
    None,  # unbound
    {"text": "好", "amount": "1,000", "flag": "on", "flag_required": "on", "level": "3"},
    {"text": "x" * 11, "amount": "九十一万", "day": "2020-13-45", "level": "99", "plain": "z"},
    {"text": "", "level_required": "", "area": "第一段\n<第二段>", "described": "文"},
]


@pytest.mark.parametrize("data", POSTS)
@pytest.mark.parametrize("auto_id", ["id_%s", False, "f-%s"])
def test_fields_same_html_as_django_bound_fields(data, auto_id):
    ours = Sample(data, auto_id=auto_id, prefix="ind-0")
    theirs = Sample(data, auto_id=auto_id, prefix="ind-0", renderer=DJANGO)
    assert type(ours["text"]).__name__ == "SheetBoundField"
    assert type(theirs["text"]).__name__ == "BoundField"
    for name in Sample.base_fields:
        assert str(ours[name]) == str(theirs[name]), name
    # The options written once per page are the same for a second row.
    again = Sample(data, auto_id=auto_id, prefix="ind-1")
    assert str(again["level"]) == str(theirs["level"]).replace("ind-0", "ind-1")


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"ind-TOTAL_FORMS": "2", "ind-INITIAL_FORMS": "2", "ind-ROWS": "ind-1,ind-0"},
        {"ind-TOTAL_FORMS": "x", "ind-ROWS": '"><script>'},  # refused: Django's own template
    ],
)
def test_management_form_same_html_as_djangos_form_template(data):
    from django.forms.forms import BaseForm

    from apps.core.formsets import RowsManagementForm

    initial = {"TOTAL_FORMS": 2, "INITIAL_FORMS": 2, "MIN_NUM_FORMS": 0, "MAX_NUM_FORMS": 1000}
    form = RowsManagementForm(
        data, prefix="ind", initial={**initial, "ROWS": "ind-0,ind-1"}, renderer=SHEET_RENDERER
    )
    if data is not None:
        form.full_clean()
    django = BaseForm.render(form)
    assert str(form) == django
    assert "{{" not in str(form) and "<input" in str(form)
