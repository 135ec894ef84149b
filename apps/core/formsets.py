"""Shared pieces of the sheet row forms (indicators, budget lines, rule documents)."""

import copy

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, BaseModelFormSet
from django.forms.formsets import (
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.functional import cached_property

from apps.core.renderers import SHEET_RENDERER


class PageChoices(BaseChoiceIterator):
    """Choices built once per page and shared, unchanged, by every row's select.

    Django normalises a plain list of choices twice per field and deep-copies it per
    form; a hundred rows a page made that a tenth of the page's time.
    """

    def __init__(self, choices):
        self.choices = normalize_choices(choices)

    def __iter__(self):
        return iter(self.choices)

    def __deepcopy__(self, memo):
        return self

    @cached_property
    def labels(self) -> dict:
        """Value → (group label, option label)."""
        out = {}
        for value, label in self.choices:
            if isinstance(label, (list, tuple)):
                out.update({v: (value, lab) for v, lab in label})
            else:
                out[value] = ("", label)
        return out


class PageFields(dict):
    """A row form's fields, deep-copied once per page and shared by every row of it.

    Django deep-copies a form's ``base_fields`` for each form; on a page of a hundred rows
    that was a fifth of the time of a page, a live check and a save. Rows of one page set
    the same choices and messages on their fields, so they can share one copy: deep-copying
    this dict gives a new dict (each form adds its own id and DELETE fields) of the same
    fields. Never shared between pages: a page of another year has other choices.
    """

    def __deepcopy__(self, memo):
        return dict(self)


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

    ``sub_projects`` maps id → SubProject of the project, ``sub_project_choices`` are
    their PageChoices; passing them through ``form_kwargs`` keeps the queries and the
    work of a page independent of its row count.
    """

    sub_project = forms.TypedChoiceField(
        label="子项目", required=False, coerce=int, empty_value=None
    )

    def __init__(
        self, *args, sub_projects=None, sub_project_choices=(), page_fields=None, **kwargs
    ):
        if page_fields is not None:
            self.base_fields = page_fields  # the page's one copy (SheetRowFormSet)
        super().__init__(*args, **kwargs)
        self._sub_projects = sub_projects or {}
        if not self._sub_projects:
            # Most projects have none: no column, and no select to build on every row.
            del self.fields["sub_project"]
            return
        self.fields["sub_project"].choices = sub_project_choices
        if self.instance.pk:
            self.initial["sub_project"] = self.instance.sub_project_id

    @property
    def cells(self) -> list:
        """The row's bound fields in printed order (the declared columns of its form
        version; the sub-project, id and delete fields have cells of their own)."""
        return [
            self[name]
            for name in self._meta.fields
            if name in self.fields and name != "sub_project"
        ]

    def _get_validation_exclusions(self):
        # Resolved against the page's own dict by clean_sub_project (no query per row).
        return {*super()._get_validation_exclusions(), "sub_project"}

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
            # Django's default cols=40 would make the column as wide as 40 characters.
            widget.attrs["cols"] = 10
    return form_class


class RowsManagementForm(ManagementForm):
    """Django's management form plus ROWS: the row prefixes in the order the page shows.

    One field for the whole table instead of an ORDER input on every row; the page's
    script rewrites it when rows are added, removed or moved.
    """

    ROWS = forms.CharField(required=False, widget=forms.HiddenInput)


class SheetRowFormSet(BaseModelFormSet):
    """The rows of one sheet table, kept in the order the page shows them."""

    # max_num comes from apps/sheets/limits.py; the finding names the table.
    default_error_messages = {
        "too_many_forms": "本表最多 %(num)d 行，请删去多余的行后再保存（本页内容均已保留）。"
    }

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # modelformset_factory builds a new form class with fresh widgets: style those.
        if getattr(cls, "form", None) is not None:
            style_row_widgets(cls.form)

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        # The page's rows share; the empty form (the template of new rows) gets its own.
        if index is not None and issubclass(self.form, SheetRowForm):
            kwargs["page_fields"] = self._page_fields
        return kwargs

    @cached_property
    def _page_fields(self) -> PageFields:
        return PageFields(copy.deepcopy(self.form.base_fields))

    def add_fields(self, form, index):
        # Not BaseModelFormSet.add_fields: it builds a ModelChoiceField (and a queryset)
        # per row only to have it replaced here.
        self._pk_field = self.model._meta.pk
        pk_value = None if form.instance._state.adding else form.instance.pk
        form.fields[self._pk_field.name] = ExistingRowField(
            lookup=self._existing_object, initial=pk_value
        )
        BaseFormSet.add_fields(self, form, index)

    @cached_property
    def management_form(self):
        if self.is_bound:
            form = RowsManagementForm(
                self.data, auto_id=self.auto_id, prefix=self.prefix, renderer=self.renderer
            )
            form.full_clean()
            return form
        return RowsManagementForm(
            auto_id=self.auto_id,
            prefix=self.prefix,
            renderer=self.renderer,
            initial={
                TOTAL_FORM_COUNT: self.total_form_count(),
                INITIAL_FORM_COUNT: self.initial_form_count(),
                MIN_NUM_FORM_COUNT: self.min_num,
                MAX_NUM_FORM_COUNT: self.max_num,
                "ROWS": ",".join(form.prefix for form in self.forms),
            },
        )

    def _posted_positions(self) -> dict[str, int]:
        rows = ""
        if self.is_bound and self.management_form.is_valid():
            rows = self.management_form.cleaned_data.get("ROWS") or ""
        return {prefix: i for i, prefix in enumerate(rows.split(",")) if prefix}

    def _in_page_order(self, forms_with_index):
        position = self._posted_positions()
        # Rows the order does not name (posted without the page's script) keep their place.
        return sorted(
            forms_with_index, key=lambda pair: position.get(pair[1].prefix, len(position) + pair[0])
        )

    def rows_in_order(self):
        """Forms that are kept (not deleted, not blank extras), in the page's order."""
        kept = []
        for index, form in enumerate(self.forms):
            if self.can_delete and self._should_delete_form(form):
                continue
            if index >= self.initial_form_count() and not form.has_changed():
                continue
            kept.append((index, form))
        return [form for _, form in self._in_page_order(kept)]

    def forms_for_display(self):
        """Every form in the order the page showed it; removed rows marked to stay hidden.

        A page re-rendered after a refused save must look as the user left it: moved rows
        where they were put, removed rows still removed (and still marked for deletion).
        """
        ordered = [form for _, form in self._in_page_order(list(enumerate(self.forms)))]
        for form in ordered:
            form.is_removed = False
            if self.is_bound and self.can_delete:
                form.is_valid()  # cleans the form (once), so that DELETE can be read
                form.is_removed = bool(self._should_delete_form(form))
        return ordered

    def clean(self):
        super().clean()
        for form in self.extra_forms:
            if form.has_changed() and form.cleaned_data.get(self._pk_field.name) is not None:
                raise ValidationError("表格数据不完整（行数与行号不符），请刷新页面后重新填写。")
