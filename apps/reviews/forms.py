from crispy_forms.helper import FormHelper
from django import forms

from apps.checks.findings import SHEET_LABELS
from apps.core.renderers import SHEET_RENDERER
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


BATCH_LIMIT = 200
BATCH_ACTIONS = {
    "pass": "审核通过",
    "return": "退回修改",
    "approve": "批复",
    "export": "导出所选",
}


class BatchForm(forms.Form):
    """Batch decisions on the queue: the ticked projects, one action, one reason or grade.

    The checkboxes are the ``ids`` field's own widgets, one printed in each row of the page;
    on POST any posted id is a choice: scope is decided per project by the service.
    """

    ids = forms.TypedMultipleChoiceField(
        label="选择",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "请先勾选要处理的项目。",
            "invalid_choice": "所选项目编号无效。",
        },
    )
    action = forms.ChoiceField(
        choices=list(BATCH_ACTIONS.items()),
        error_messages={"required": "请选择操作。", "invalid_choice": "没有这种批量操作。"},
    )
    reason = forms.CharField(
        label="理由 / 意见（退回必填，对所选项目同一条）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 1}),
    )
    grade = forms.ChoiceField(
        label="评定等级（批复必选）",
        required=False,
        choices=[("", "请选择")] + list(Project.Grade.choices),
    )
    # The queue's filters, to go back to them afterwards.
    next = forms.CharField(required=False, widget=forms.HiddenInput, max_length=2000)

    def __init__(self, *args, projects=(), actions=(), **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            posted = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
            choices = [(v, v) for v in posted if str(v).isdigit()]
        else:
            choices = [(p.pk, p.name) for p in projects]
        self.fields["ids"].choices = choices
        self.actions = [(name, BATCH_ACTIONS[name]) for name in actions]
        self.fields["action"].choices = self.actions
        self.helper = _Helper()

    def clean_ids(self):
        ids = list(dict.fromkeys(self.cleaned_data["ids"]))
        if len(ids) > BATCH_LIMIT:
            raise forms.ValidationError(f"一次最多处理 {BATCH_LIMIT} 个项目。")
        return ids

    def clean(self):
        data = super().clean()
        if data.get("action") == "return" and not (data.get("reason") or "").strip():
            self.add_error("reason", "批量退回须填写退回理由。")
        if data.get("action") == "approve" and not data.get("grade"):
            self.add_error("grade", "批量批复须评定等级（优、良、中、差）。")
        return data


class DashboardForm(forms.Form):
    """Which year (and optionally which unit of the user's scope) the overview shows."""

    default_renderer = SHEET_RENDERER  # every unit for finance: options built in Python

    year = forms.ModelChoiceField(
        label="年度",
        queryset=None,
        to_field_name="year",
        required=False,
        empty_label=None,
        error_messages={"invalid_choice": "没有这个预算年度。"},
    )
    unit = forms.ModelChoiceField(
        label="单位",
        queryset=None,
        required=False,
        empty_label="全部单位",
        error_messages={"invalid_choice": "没有这个单位，或它不在您的范围内。"},
    )

    def __init__(self, *args, units, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].queryset = years
        self.fields["unit"].queryset = units
        for f in self.fields.values():
            f.widget.attrs.update(
                {"class": "form-select-sm", "aria-label": f.label, "data-autosubmit": ""}
            )
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.disable_csrf = True
        self.helper.form_show_labels = False
        self.helper.form_class = "d-flex flex-wrap gap-2 align-items-end filter-form"
