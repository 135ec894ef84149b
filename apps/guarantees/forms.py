from functools import cache

from django.forms import modelformset_factory

from apps.core.formsets import SheetRowForm, SheetRowFormSet
from apps.guarantees.models import RuleDocument
from apps.sheets.forms import formfield_callback, items_by_name, table_field_names
from apps.sheets.schema import DEFAULT_VERSION, DOCS


class RuleDocumentForm(SheetRowForm):
    class Meta:
        model = RuleDocument
        fields = table_field_names(DOCS, DEFAULT_VERSION)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["required"] = "请选择制度类别。"


@cache
def rule_document_formset(version: str):
    return modelformset_factory(
        RuleDocument,
        form=RuleDocumentForm,
        formset=SheetRowFormSet,
        fields=table_field_names(DOCS, version),
        formfield_callback=formfield_callback(items_by_name(DOCS.columns), version, long_rows=2),
        extra=0,
        can_order=False,
        can_delete=True,
    )


RuleDocumentFormSet = rule_document_formset(DEFAULT_VERSION)
