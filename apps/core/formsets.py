"""Shared pieces of the sheet row forms (indicators, budget lines, rule documents)."""

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseModelFormSet

from apps.core.renderers import SHEET_RENDERER


class FieldValidatedForm(forms.ModelForm):
    """A model form whose fields already check what the model's constraints check.

    The database constraints stay the last line of defence; re-checking each of them
    here would cost one query per constraint per row on every save and live check.
    """

    default_renderer = SHEET_RENDERER

    def validate_constraints(self):
        return None


class SheetRowForm(FieldValidatedForm):
    """A row of a sheet table: compact widgets, and choices handed in once per page.

    ``sub_projects`` maps id → SubProject of the project; passing it through
    ``form_kwargs`` keeps the query count of a page independent of its row count.
    """

    sub_project = forms.TypedChoiceField(
        label="子项目", required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args, sub_projects=None, **kwargs):
        super().__init__(*args, **kwargs)
        self._sub_projects = sub_projects or {}
        if not self._sub_projects:
            # Most projects have none: no column, and no select to build on every row.
            del self.fields["sub_project"]
            return
        self.fields["sub_project"].choices = [
            ("", "—"),
            *[(sp.id, sp.name) for sp in self._sub_projects.values()],
        ]
        if self.instance.pk:
            self.initial["sub_project"] = self.instance.sub_project_id

    def _get_validation_exclusions(self):
        # The choice fields are resolved against the page's own dicts (no query per row).
        return {*super()._get_validation_exclusions(), "sub_project", "level2"}

    def clean_sub_project(self):
        sub_id = self.cleaned_data.get("sub_project")
        if sub_id is None:
            return None
        if sub_id not in self._sub_projects:
            raise ValidationError("请选择本项目的子项目。")
        return self._sub_projects[sub_id]


class ExistingRowField(forms.Field):
    """The hidden id of a saved row, resolved against the rows the formset already loaded.

    Django's default is a ModelChoiceField that runs one query per row on every save;
    this looks the row up in the formset's own dict, so ids of other projects' rows fail.
    """

    widget = forms.HiddenInput

    def __init__(self, *, lookup, **kwargs):
        super().__init__(required=False, **kwargs)
        self._lookup = lookup

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            obj = self._lookup(int(value))
        except (TypeError, ValueError):
            obj = None
        if obj is None:
            raise ValidationError("该行已不存在或不属于本项目，请刷新页面后重试。")
        return obj

    def prepare_value(self, value):
        return getattr(value, "pk", value)

    def has_changed(self, initial, data):
        initial = getattr(initial, "pk", initial)
        return str(initial if initial is not None else "") != str(data or "")


def style_row_widgets(form_class):
    """Give a row form's widgets their compact classes once, on the class, not per row."""
    for field in form_class.base_fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select form-select-sm")
        else:
            widget.attrs.setdefault("class", "form-control form-control-sm")
        if isinstance(widget, forms.Textarea):
            widget.attrs.setdefault("rows", 2)
    return form_class


class SheetRowFormSet(BaseModelFormSet):
    """Rows in the order the page shows them; ORDER is renumbered by the page's script."""

    ordering_widget = forms.HiddenInput

    def add_fields(self, form, index):
        super().add_fields(form, index)
        pk_name = self.model._meta.pk.name
        initial = form.fields[pk_name].initial
        form.fields[pk_name] = ExistingRowField(
            lookup=self._existing_object,
            initial=initial,
        )

    def get_ordering_widget(self):
        return forms.HiddenInput(attrs={"data-order": "1"})

    def rows_in_order(self):
        """Forms that are kept (not deleted, not blank extras), in the page's order."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            kept.append(form)
        # Rows without an ORDER (added without the page's script) keep their place at the end.
        return sorted(kept, key=lambda f: getattr(f, "cleaned_data", {}).get("ORDER") or 10**9)
