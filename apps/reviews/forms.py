from crispy_forms.helper import FormHelper
from django import forms

from apps.checks.findings import SHEET_LABELS
from apps.projects.models import Project


class _Helper(FormHelper):
    form_tag = False
    disable_csrf = True


class CommentForm(forms.Form):
    sheet = forms.ChoiceField(choices=[(str(k), v) for k, v in SHEET_LABELS.items()])
    anchor = forms.ChoiceField(label="位置", required=False)
    text = forms.CharField(
        label="意见",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "请填写意见。"},
    )

    def __init__(self, *args, places=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sheet"].widget = forms.HiddenInput()
        if places is not None:
            self.fields["anchor"].choices = places
        self.helper = _Helper()

    def anchor_label(self) -> str:
        return dict(self.fields["anchor"].choices).get(self.cleaned_data["anchor"], "")


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="意见",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, required=False, label="意见", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = required
        self.fields["reason"].label = label
        self.fields["reason"].error_messages["required"] = f"请填写{label}。"
        self.helper = _Helper()


class ApproveForm(ReasonForm):
    grade = forms.ChoiceField(
        label="评定等级",
        choices=[("", "请选择")] + list(Project.Grade.choices),
        error_messages={
            "required": "请评定等级（优、良、中、差）。",
            "invalid_choice": "请评定等级（优、良、中、差）。",
        },
    )
    field_order = ["grade", "reason"]


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="回复",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        error_messages={"required": "请填写回复。"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _Helper()
