"""The sheet renderer writes the same HTML as Django's own widget templates."""

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from apps.core.forms import AmountInput
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
