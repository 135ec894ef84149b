"""The GET filters of every project list (the list, its export, the queue): django-filter,
rendered by crispy. ``apps.projects.selectors.filtered_projects`` is the one way in."""

import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import F, Q

from apps.budgets.models import BudgetYear
from apps.core.renderers import SHEET_RENDERER
from apps.projects.models import Project
from apps.units.models import Unit

Status = Project.Status

# The sort keys of the column headers → the ordering they stand for; "-key" reverses it.
# Waiting days and 提交时间 are empty for projects never submitted: those go last both ways.
SORTS = {
    "name": (F("name"),),
    "unit": (F("unit__code"),),
    "year": (F("budget_year__year"),),
    "status": (F("status"),),
    "current_budget": (F("current_budget"),),
    "lines_total": (F("lines_total"),),
    "submitted_at": (F("submitted_at"),),
    "waiting": (F("waiting_since"),),
    "errors": (F("error_count"),),
}
DEFAULT_ORDER = ("unit__code", "-budget_year__year", "name", "pk")
# "waiting" sorts by the days shown, i.e. by the start of the wait reversed.
REVERSED_BY_DEFAULT = {"waiting"}


def order_by_sort(projects, sort: str):
    key = sort.removeprefix("-")
    if key not in SORTS:
        return projects.order_by(*DEFAULT_ORDER)
    descending = sort.startswith("-") != (key in REVERSED_BY_DEFAULT)
    exprs = [e.desc(nulls_last=True) if descending else e.asc(nulls_last=True) for e in SORTS[key]]
    return projects.order_by(*exprs, "pk")


class _InlineHelper(FormHelper):
    form_method = "get"
    form_class = "d-flex flex-wrap gap-2 align-items-end filter-form"
    form_show_labels = False  # each select says what it filters by its first option
    disable_csrf = True


class FilterForm(forms.Form):
    # The unit select lists every unit for finance: Django's per-option templates would
    # cost more than the list's queries. Same markup, built in Python.
    default_renderer = SHEET_RENDERER


class ProjectFilter(django_filters.FilterSet):
    """Name search, state, unit, year and ready. ``queue=True`` adds the queue's own default
    (empty state = what waits for me; "all" = every state)."""

    q = django_filters.CharFilter(label="项目名称", method="filter_name")
    status = django_filters.ChoiceFilter(
        label="状态", choices=Status.choices, empty_label=None, method="filter_status"
    )
    unit = django_filters.ModelChoiceFilter(
        label="单位", queryset=Unit.objects.none(), empty_label="全部单位"
    )
    year = django_filters.ModelChoiceFilter(
        label="年度",
        field_name="budget_year",
        to_field_name="year",
        queryset=BudgetYear.objects.all(),
        empty_label="全部年度",
    )
    ready = django_filters.ChoiceFilter(
        label="检查",
        choices=[("", "就绪与否"), ("1", "就绪"), ("0", "未就绪")],
        empty_label=None,
        method="filter_ready",
    )
    sort = django_filters.CharFilter(method="filter_sort", widget=forms.HiddenInput)

    class Meta:
        model = Project
        fields = ["q", "status", "unit", "year", "ready"]
        form = FilterForm

    def __init__(self, data=None, *args, units=None, queue=False, **kwargs):
        super().__init__(data, *args, **kwargs)
        form = self.form
        form.fields["unit"].queryset = units if units is not None else Unit.objects.none()
        form.fields["q"].widget.attrs.update(placeholder="搜索项目名称", size=14)
        if queue:
            form.fields["status"].choices = [("", "等待我处理的"), ("all", "全部状态")] + list(
                Status.choices
            )
        else:
            form.fields["status"].choices = [("", "全部状态")] + list(Status.choices)
        for name, field in form.fields.items():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.update({"class": "form-select-sm", "data-autosubmit": ""})
            elif name == "q":
                field.widget.attrs.update({"class": "form-control-sm"})
        form.helper = _InlineHelper()
        form.helper.add_input(Submit("", "筛选", css_class="btn-sm"))

    def filter_name(self, queryset, name, value):
        words = value.split()
        condition = Q()
        for word in words:
            condition &= Q(name__icontains=word)
        return queryset.filter(condition)

    def filter_status(self, queryset, name, value):
        if value == "all":
            return queryset
        return queryset.filter(status=value)

    def filter_ready(self, queryset, name, value):
        return (
            queryset.filter(error_count=0) if value == "1" else queryset.filter(error_count__gt=0)
        )

    def filter_sort(self, queryset, name, value):
        return queryset  # applied by the selector, after the list's annotations

    def value(self, name):
        """The cleaned value of one filter (None when absent or invalid)."""
        self.form.is_valid()  # cleans what it can; an invalid filter is simply not applied
        return self.form.cleaned_data.get(name)


def sort_links(current: str) -> dict[str, dict[str, str]]:
    """For each sortable column: the sort value its header link sets, and its arrow."""
    links = {}
    for key in SORTS:
        if current == key:
            links[key] = {"next": f"-{key}", "arrow": "▲"}
        elif current == f"-{key}":
            links[key] = {"next": key, "arrow": "▼"}
        else:
            links[key] = {"next": key, "arrow": ""}
    return links
