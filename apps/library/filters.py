import django_filters
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.db.models import Q

from apps.indicators.models import Taxonomy
from apps.library.models import LibraryIndicator, Tier


class LibraryFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label="指标名称", method="filter_q")
    taxonomy = django_filters.ModelChoiceFilter(
        label="指标体系",
        field_name="level2__level1__taxonomy",
        queryset=Taxonomy.objects.all(),
        empty_label="全部指标体系",
    )
    tier = django_filters.ChoiceFilter(label="层级", choices=Tier.choices, empty_label="全部层级")

    class Meta:
        model = LibraryIndicator
        fields = ["q", "taxonomy", "tier"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form = self.form
        form.fields["q"].widget.attrs.update(placeholder="搜索指标名称", size=14)
        helper = FormHelper()
        helper.form_method = "get"
        helper.form_class = "d-flex flex-wrap gap-2 align-items-end"
        helper.form_show_labels = False
        helper.disable_csrf = True
        helper.add_input(Submit("", "筛选", css_class="btn-sm"))
        form.helper = helper
        for field in form.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs["class"] = "form-select-sm"

    def filter_q(self, queryset, name, value):
        condition = Q()
        for word in value.split():
            condition &= Q(name__icontains=word)
        return queryset.filter(condition)
