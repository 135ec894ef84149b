"""A form renderer for the sheet tables: the same HTML as Django's widget templates, faster.

A 类项目's 绩效目标 page holds about a thousand widgets (60 indicators and 40 budget lines,
each row ten fields); through the template engine they cost ~3 ms a row on our machines.
This renderer builds the markup of Django's plain widget templates (input, textarea,
select) in Python and hands every other template to the default renderer. Widget classes,
attributes and values still come from Django; ``tests/core/test_renderers.py`` checks the
output against Django's own templates.
"""

from html import escape as _html_escape  # Django's adds a lazy-string check per call

from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import SafeString, mark_safe

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


_ESCAPED: dict[str, str] = {}


def escape(text: str) -> str:
    """``html.escape``, remembered for short texts: a page escapes the same classes,
    names and ids for every row and on every request (bounded: at most 20,000 texts of at
    most 64 characters; what is typed into long cells is escaped each time)."""
    if len(text) > 64:
        return _html_escape(text)
    escaped = _ESCAPED.get(text)
    if escaped is None:
        if len(_ESCAPED) > 20_000:
            _ESCAPED.clear()
        escaped = _ESCAPED[text] = _html_escape(text)
    return escaped


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


def _select_body(choices, values: tuple[str, ...]) -> str:
    """The options of a select (Django's ``Select.optgroups``: the first option whose value
    is among ``values`` is selected), as ``_select`` writes them."""
    out = []
    has_selected = False
    for option_value, option_label in choices:
        if option_value is None:
            option_value = ""
        if isinstance(option_label, (list, tuple)):
            group_name, options = option_value, option_label
        else:
            group_name, options = None, [(option_value, option_label)]
        if group_name:
            out.append(f'\n  <optgroup label="{escape(str(group_name))}">')
        for value, label in options:
            selected = not has_selected and str(value) in values
            has_selected |= selected
            attrs = {"selected": True} if selected else {}
            out.append("\n  " + _option({"value": value, "label": label, "attrs": attrs}))
        if group_name:
            out.append("\n  </optgroup>")
    return "".join(out)


def _page_select(widget, name: str, value, attrs: dict) -> str:
    """A select of a page's shared choices (``PageChoices``): its options are written once
    per page and value shown, not once per row."""
    values = tuple(widget.format_value(value))
    body = widget.choices.rendered_options.get(values)
    if body is None:
        body = widget.choices.rendered_options[values] = _select_body(widget.choices, values)
    return (
        f'<select name="{escape(name)}"{_attrs(widget.build_attrs(widget.attrs, attrs))}>'
        f"{body}\n</select>"
    )


class SheetBoundField(BoundField):
    """A field that prints its findings right after its widget, and writes the widgets of
    ``_BUILDERS`` without the template machinery.

    The sheet page gives each form ``findings_html`` (field name → HTML); printing them
    here saves a template lookup per cell on pages of a thousand cells.
    """

    def __str__(self):
        html = super().__str__()
        findings = getattr(self.form, "findings_html", None)
        if findings and self.name in findings:
            return mark_safe(html + findings[self.name])
        return html

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        """``BoundField.as_widget`` for a field's own widget: the same attributes (required,
        disabled, aria-invalid, aria-describedby, id) and the same markup
        (tests/core/test_renderers.py), at a fraction of the calls."""
        builder = None
        if widget is None and not attrs and not only_initial:
            builder = _BUILDERS.get(self.field.widget.template_name)
        if builder is None:
            return super().as_widget(widget, attrs, only_initial)
        field, widget, form = self.field, self.field.widget, self.form
        if field.localize:
            widget.is_localized = True
        attrs = {}
        if (
            field.required
            and form.use_required_attribute
            and widget.use_required_attribute(self.initial)
        ):
            attrs["required"] = True
        if field.disabled:
            attrs["disabled"] = True
        errors = form.errors.get(self.name)
        hidden = widget.is_hidden
        if errors and not hidden:
            attrs["aria-invalid"] = "true"
        auto_id = self.auto_id
        if auto_id and not hidden and not widget.use_fieldset:
            if not widget.attrs.get("aria-describedby"):
                described = [f"{auto_id}_helptext"] if self.help_text else []
                if errors:
                    described.append(f"{auto_id}_error")
                if described:
                    attrs["aria-describedby"] = " ".join(described)
        if auto_id and "id" not in widget.attrs:
            attrs["id"] = auto_id
        value = self.value()
        if builder is _select and _is_page_select(widget):
            return SafeString(_page_select(widget, self.html_name, value, attrs))
        context = widget.get_context(self.html_name, value, attrs)
        return SafeString(builder(context["widget"]))  # not mark_safe: its lazy check


def _is_page_select(widget) -> bool:
    return hasattr(widget.choices, "rendered_options") and not widget.allow_multiple_selected


class SheetRenderer(DjangoTemplates):
    bound_field_class = SheetBoundField

    def render(self, template_name, context, request=None):
        builder = _BUILDERS.get(template_name)
        if builder is None or "widget" not in context:
            return super().render(template_name, context, request=request)
        return mark_safe(builder(context["widget"]))


SHEET_RENDERER = SheetRenderer()
