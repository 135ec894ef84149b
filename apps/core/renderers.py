"""A form renderer for the sheet tables: the same HTML as Django's widget templates, faster.

A 类项目's 绩效目标 page holds about a thousand widgets (60 indicators and 40 budget lines,
each row ten fields); through the template engine they cost ~3 ms a row on our machines.
This renderer builds the markup of Django's plain widget templates (input, textarea,
select) in Python and hands every other template to the default renderer. Widget classes,
attributes and values still come from Django; ``tests/core/test_renderers.py`` checks the
output against Django's own templates.
"""

from html import escape  # Django's escape is this plus a lazy-string check per call

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe

_WIDGETS = "django/forms/widgets/"
_INPUTS = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "text",
        "hidden",
        "checkbox",
        "date",
        "number",
        "email",
        "url",
        "password",
        "input",
    )
}


def _attrs(attrs: dict) -> str:
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{escape(str(value))}"')
    return "".join(parts)


def _input(w: dict) -> str:
    value = "" if w["value"] is None else f' value="{escape(str(w["value"]))}"'
    return f'<input type="{w["type"]}" name="{escape(w["name"])}"{value}{_attrs(w["attrs"])}>'


def _textarea(w: dict) -> str:
    value = escape(str(w["value"])) if w["value"] else ""
    return f'<textarea name="{escape(w["name"])}"{_attrs(w["attrs"])}>\n{value}</textarea>'


def _option(o: dict) -> str:
    # Django's select_option.html ends with a newline, hence the one after </option>.
    return (
        f'<option value="{escape(str(o["value"]))}"{_attrs(o["attrs"])}>'
        f"{escape(str(o['label']))}</option>\n"
    )


def _select(w: dict) -> str:
    out = [f'<select name="{escape(w["name"])}"{_attrs(w["attrs"])}>']
    for group_name, options, _index in w["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{escape(str(group_name))}">')
        for option in options:
            out.append("\n  " + _option(option))
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


_BUILDERS = {
    **{name: _input for name in _INPUTS},
    f"{_WIDGETS}textarea.html": _textarea,
    f"{_WIDGETS}select.html": _select,
}


class SheetBoundField(BoundField):
    """A field that prints its findings right after its widget.

    The sheet page gives each form ``findings_html`` (field name → HTML); printing them
    here saves a template lookup per cell on pages of a thousand cells.
    """

    def __str__(self):
        html = super().__str__()
        findings = getattr(self.form, "findings_html", None)
        if findings and self.name in findings:
            return mark_safe(html + findings[self.name])
        return html


class SheetRenderer(DjangoTemplates):
    bound_field_class = SheetBoundField

    def render(self, template_name, context, request=None):
        builder = _BUILDERS.get(template_name)
        if builder is None or "widget" not in context:
            return super().render(template_name, context, request=request)
        return mark_safe(builder(context["widget"]))


SHEET_RENDERER = SheetRenderer()
