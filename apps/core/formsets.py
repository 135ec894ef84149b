"""Shared pieces of the sheet row forms (indicators, budget lines, rule documents)."""

import copy
from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet, BaseModelFormSet
from django.forms.formsets import (
    DELETION_FIELD_NAME,
    INITIAL_FORM_COUNT,
    MAX_NUM_FORM_COUNT,
    MIN_NUM_FORM_COUNT,
    TOTAL_FORM_COUNT,
    ManagementForm,
)
from django.forms.utils import ErrorDict, ErrorList
from django.utils.choices import BaseChoiceIterator, normalize_choices
from django.utils.functional import cached_property
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from apps.core.forms import kept_whole
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
    def rendered_options(self) -> dict:
        """The options' HTML per selected value, written once per page (renderers.py)."""
        return {}

    @cached_property
    def option_values(self) -> dict:
        """The values of the options, as strings, in order (a dict for lookups)."""
        return _option_values(self.choices)

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

    @classmethod
    def saved_row(cls, *, prefix, instance, fields, data, sub_projects=None, **kwargs):
        """A row a live check posted without its fields, because it is as saved: what its
        form would give for the saved values the page shows, without building the form.

        Each field cleans the value its widget shows (a choice the select cannot show
        falls back to its first option, as a browser posts it), so its cleaned values and
        its Chinese errors are the bound form's; the model's own validation is skipped, as
        the row was written through the same fields. Only for the live check: a save
        always posts and validates every row.
        """
        form = cls.__new__(cls)
        form.prefix, form.instance, form.data, form.files = prefix, instance, data, {}
        form.is_bound, form.renderer, form.error_class = True, SHEET_RENDERER, ErrorList
        form._sub_projects = sub_projects or {}
        form.fields = fields  # shared by the table's saved rows: none changes them
        form.__dict__["changed_data"] = []  # as saved (only extra rows ask, and this is none)
        form._saved_row_init(**kwargs)
        form.cleaned_data, form._errors = {}, ErrorDict()
        hooks = _clean_hooks(cls)
        for name, field in fields.items():
            if name == DELETION_FIELD_NAME:
                value = field.widget.value_from_datadict(data, {}, f"{prefix}-{name}")
            elif name == "id":
                value = instance.pk
            else:  # the model's value, as model_to_dict gives a form its initial
                value = _shown_value(field, getattr(instance, _attname(cls._meta.model, name)))
            try:
                form.cleaned_data[name] = field.clean(value)
                if name in hooks:
                    form.cleaned_data[name] = getattr(form, f"clean_{name}")()
            except ValidationError as exc:
                form._errors[name] = ErrorList(exc.messages)
                form.cleaned_data.pop(name, None)
        return form

    def _saved_row_init(self, *, sub_project_choices=(), **kwargs):
        """What ``__init__`` keeps of the page's form kwargs, for ``saved_row``."""

    @property
    def cells(self) -> list:
        """The row's bound fields in printed order (the declared columns of its form
        version; the sub-project, id and delete fields have cells of their own)."""
        return [
            self[name]
            for name in self._meta.fields
            if name in self.fields and name != "sub_project"
        ]

    def _post_clean(self):
        """A saved row posted as saved: its values passed the model's validation when they
        were written, and the row models have no validation of their own beyond their
        fields' (no clean(), no validators: tests/projects/test_sheets.py), which the form's
        fields have just checked. Building the instance and validating it again was a
        tenth of an unchanged save at 500 rows."""
        if self.instance.pk is not None and not self.has_changed():
            return
        super()._post_clean()

    def validate_unique(self):
        """Nothing to check per row: the row models have no unique field but their id
        (tests/projects/test_sheets.py asserts it), so Django's per-row pass found
        nothing, at a twentieth of a save's time at 500 rows."""

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


@cache
def _clean_hooks(form_class) -> frozenset[str]:
    return frozenset(n[6:] for n in dir(form_class) if n.startswith("clean_"))


@cache
def _attname(model, name: str) -> str:
    return model._meta.get_field(name).attname  # level2 → level2_id


def _shown_value(field, value):
    """The value a row's widget shows for a saved value, as the browser posts it back."""
    value = field.prepare_value(value)
    if isinstance(field, forms.ChoiceField):
        options = _field_options(field)
        shown = "" if value is None else str(value)
        if shown not in options:
            return next(iter(options), "")  # a select without that option posts its first
        return shown
    return value


def _option_values(choices) -> dict:
    """The values of a select's options as strings, in order (a dict, for lookups)."""
    values = {}
    for value, label in choices:
        if isinstance(label, (list, tuple)):
            values.update((str(v), None) for v, _ in label)
        else:
            values[str(value)] = None
    return values


def _field_options(field) -> dict:
    choices = field.choices
    if isinstance(choices, PageChoices):
        return choices.option_values
    cached = field.__dict__.get("_option_values")
    if cached is None or cached[0] is not choices:
        cached = field.__dict__["_option_values"] = (choices, _option_values(choices))
    return cached[1]


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
        kept_whole(field)
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


class PartialPostRefused(ValueError):
    """A live check named a row as saved that is not one: it must post the page whole."""


class RowsManagementForm(ManagementForm):
    """Django's management form plus ROWS: the row prefixes in the order the page shows.

    One field for the whole table instead of an ORDER input on every row; the page's
    script rewrites it when rows are added, removed or moved.
    """

    ROWS = forms.CharField(required=False, widget=forms.HiddenInput)

    def render(self, template_name=None, context=None, renderer=None):
        """Its hidden inputs, as Django's form template prints a form of hidden fields
        only (tests/core/test_renderers.py), without the template: twice a page."""
        if template_name or context or renderer or self.errors:
            return super().render(template_name, context, renderer)
        return SafeString("".join(str(self[name]) for name in self.fields))

    __str__ = __html__ = render


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

    def __init__(self, *args, same_rows: bool = False, **kwargs):
        """``same_rows``: honour the table's ``SAME`` field, the rows a live check posted
        without their fields because they are as saved (``SheetRowForm.saved_row``)."""
        super().__init__(*args, **kwargs)
        posted = (self.data.get(self.add_prefix("SAME")) or "") if self.is_bound else ""
        self._same = {prefix for prefix in posted.split(",") if prefix} if same_rows else set()
        # A save must be sent every row: rows named as saved would be taken as blank.
        self._same_refused = bool(posted) and not same_rows

    def _construct_form(self, i, **kwargs):
        prefix = self.add_prefix(i)
        if prefix not in self._same:
            return super()._construct_form(i, **kwargs)
        instance = None
        if i < self.initial_form_count():
            try:
                instance = self._existing_object(int(self.data.get(f"{prefix}-id", "")))
            except ValueError:
                instance = None
        if instance is None:
            raise PartialPostRefused(f"{prefix} is not a saved row of this table")
        return self.form.saved_row(
            prefix=prefix,
            instance=instance,
            fields=self._saved_row_fields,
            data=self.data,
            **self.form_kwargs,
        )

    @cached_property
    def _saved_row_fields(self) -> dict:
        """The fields of a saved row of a partial post: those of one real row, built once
        (which also gives the shared fields their page's choices, which the saved rows'
        selects are read against), id and DELETE included."""
        form = self.form(**self.get_form_kwargs(0), prefix=self.add_prefix(0))
        self.add_fields(form, 0)
        return form.fields

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
        if index is None or self.can_order:  # the empty form: its own fields, as Django's
            form.fields[self._pk_field.name] = ExistingRowField(
                lookup=self._existing_object, initial=pk_value
            )
            BaseFormSet.add_fields(self, form, index)
            return
        # A page's rows share their id and DELETE fields (two fields built per row were a
        # tenth of a page's forms); the row's id is its initial instead of the field's.
        saved = index < self.initial_form_count()
        form.fields[self._pk_field.name] = self._shared_fields[saved][0]
        form.initial[self._pk_field.name] = pk_value
        if self.can_delete and (self.can_delete_extra or saved):
            form.fields[DELETION_FIELD_NAME] = self._shared_fields[saved][1]

    def validate_unique(self):
        """Nothing to check across sheet rows either: their models have no unique field,
        and Django leaves the id out (it is not among the form's Meta.fields), so this
        pass compared nothing (tests/projects/test_sheets.py)."""
        if not issubclass(self.form, SheetRowForm):
            super().validate_unique()

    @cached_property
    def _shared_fields(self) -> dict[bool, tuple]:
        """(id, DELETE) fields of the saved rows (True; Django makes their id required)
        and of the added ones (False)."""
        return {
            saved: (
                ExistingRowField(lookup=self._existing_object),
                forms.BooleanField(
                    label=_("Delete"), required=False, widget=self.get_deletion_widget()
                ),
            )
            for saved in (True, False)
        }

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

    def saved_instances(self) -> list:
        """The rows the formset shows, in its order: the instances of its forms, or of an
        unbound formset whose forms are not built yet its queryset, without building them
        (its forms are one per saved row, in that order, then blank extras)."""
        if self.is_bound or "forms" in self.__dict__:
            return [form.instance for form in self.forms]
        return list(self.get_queryset())

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
        if self._same_refused:
            raise ValidationError("页面数据不完整（有的行没有随页面提交），请刷新页面后重新填写。")
        for form in self.extra_forms:
            if form.has_changed() and form.cleaned_data.get(self._pk_field.name) is not None:
                raise ValidationError("表格数据不完整（行数与行号不符），请刷新页面后重新填写。")
