from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms

from apps.budgets.models import BudgetYear
from apps.imports.files import LIMITS_TEXT, FileRefused, check_size
from apps.imports.permissions import importable_units


class UploadForm(forms.Form):
    file = forms.FileField(
        label="Excel 工作簿（.xlsx）",
        help_text=f"本系统导出的单个项目或全单位工作簿，或按官方三张表模板填写的工作簿。限制：{LIMITS_TEXT}。",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
    unit = forms.ModelChoiceField(label="导入到单位", queryset=None, empty_label=None)
    budget_year = forms.ModelChoiceField(
        label="预算年度",
        queryset=BudgetYear.objects.all(),
        required=False,
        empty_label="按表格上注明的年度",
        help_text="表格上没有注明年度时必须选择；选择后按所选年度导入。",
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        units = importable_units(user)
        self.fields["unit"].queryset = units
        if user.unit_id and units.filter(pk=user.unit_id).exists():
            self.fields["unit"].initial = user.unit_id
        self.helper = FormHelper()
        self.helper.form_id = "import-upload"
        self.helper.attrs = {"enctype": "multipart/form-data"}
        self.helper.add_input(Submit("submit", "上传并预览"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except FileRefused as exc:
            raise forms.ValidationError(exc.message) from None
        return upload
