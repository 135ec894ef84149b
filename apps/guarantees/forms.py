from django import forms
from django.forms import modelformset_factory

from apps.core.formsets import SheetRowForm, SheetRowFormSet
from apps.core.limits import DOCS
from apps.guarantees.models import RuleDocument


class RuleDocumentForm(SheetRowForm):
    class Meta:
        model = RuleDocument
        fields = [
            "category",
            "sub_project",
            "title",
            "measures",
            "stage_planning",
            "stage_implementation",
            "stage_closing",
        ]
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "measures": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].error_messages["required"] = "请选择制度类别。"


RuleDocumentFormSet = modelformset_factory(
    RuleDocument,
    form=RuleDocumentForm,
    formset=SheetRowFormSet,
    extra=0,
    can_order=False,
    can_delete=True,
    max_num=DOCS.max_rows,
    validate_max=True,
)
