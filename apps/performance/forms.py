"""The self-evaluation form: the funding block and one group of fields per approved
indicator (``r<id>-actual`` …), bounded like every text the sheets keep."""

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError

from apps.core.forms import form_kept_whole, kept_whole
from apps.core.money import parse_amount
from apps.performance import scoring
from apps.performance.models import (
    AMOUNT_FIELDS,
    FUNDING_COLUMNS,
    FUNDING_ROWS,
    EvaluationRow,
    MonitoringRound,
    MonitoringRow,
    SelfEvaluation,
)
from apps.sheets.schema import LONG_TEXT_MAX, ROW_TEXT_MAX

MAX_AMOUNT = 10**16
REVISION_MISSING = "页面不完整（缺少修订号），请刷新页面后再填写保存。"  # Decimal(18, 2)


class AmountField(forms.CharField):
    """An amount in 元 as people type it (``14,718,993.60``, ``¥``); refused at the field."""

    def to_python(self, value):
        value = super().to_python(value)
        try:
            amount = parse_amount(value)
        except ValueError as exc:
            raise ValidationError("请填写金额（元），如 14,718,993.60。") from exc
        if amount is not None and amount < 0:
            raise ValidationError("金额不能为负数。")
        if amount is not None and (abs(amount) >= MAX_AMOUNT or amount.as_tuple().exponent < -2):
            raise ValidationError("金额最多 16 位整数、2 位小数。")
        return amount


def _text(label, max_length, rows=2):
    return kept_whole(
        forms.CharField(
            label=label,
            required=False,
            max_length=max_length,
            strip=False,
            widget=forms.Textarea(attrs={"rows": rows, "class": "form-control form-control-sm"}),
            error_messages={
                "max_length": f"{label}最多 %(limit_value)d 个字（现有 %(show_value)d 个）。"
            },
        )
    )


def read_only(form: forms.BaseForm) -> None:
    """A report page the user may not change: fields disabled; a refused post (the report
    was submitted meanwhile) shown as typed but read-only, so nothing typed is lost."""
    for field in form.fields.values():
        if form.is_bound:
            field.widget.attrs["readonly"] = True
        else:
            field.disabled = True


def row_prefix(indicator_id: int) -> str:
    return f"r{indicator_id}"


class EvaluationForm(forms.Form):
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": REVISION_MISSING, "invalid": REVISION_MISSING},
    )
    budget_initial = AmountField(label="年初预算数（元）", required=False)
    budget_full = AmountField(label="全年预算数 A（元）", required=False)
    executed = AmountField(label="全年执行数 B（元）", required=False)
    actual_goal = _text("年度总体目标实际完成情况", LONG_TEXT_MAX, rows=3)

    def __init__(self, *args, evaluation: SelfEvaluation, tree, settings, **kwargs):
        initial = {"actual_goal": evaluation.actual_goal, "revision": evaluation.revision}
        for name in AMOUNT_FIELDS:
            value = getattr(evaluation, name)
            initial[name] = "" if value is None else f"{value:,.2f}"
        stored = {r.indicator_id: r for r in evaluation.rows.all()}
        self.tree = tree
        for entry in tree:
            row = stored.get(entry.id) or EvaluationRow(indicator_id=entry.id)
            p = row_prefix(entry.id)
            initial.update(
                {
                    f"{p}-actual": row.actual,
                    f"{p}-level": row.level,
                    f"{p}-reason": row.reason,
                    f"{p}-measures": row.measures,
                }
            )
        super().__init__(*args, initial=initial, **kwargs)
        for row, row_label in FUNDING_ROWS:
            for column, column_label in FUNDING_COLUMNS:
                self.fields[f"{row}_{column}"] = AmountField(
                    label=f"{row_label.removeprefix('其中：')} {column_label}",
                    required=False,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )
        levels = [("", "请选择")] + [(name, name) for name, _ in settings.levels]
        for entry in tree:
            p = row_prefix(entry.id)
            if entry.target.direction == scoring.QUALITATIVE:
                self.fields[f"{p}-level"] = forms.ChoiceField(
                    label="完成等级",
                    choices=levels,
                    required=False,
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                    error_messages={"invalid_choice": "请选择列出的完成等级。"},
                )
            else:
                self.fields[f"{p}-actual"] = forms.CharField(
                    label="实际完成值",
                    required=False,
                    max_length=200,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                    error_messages={"max_length": "实际完成值最多 %(limit_value)d 个字。"},
                )
            self.fields[f"{p}-reason"] = _text("偏差原因", ROW_TEXT_MAX)
            self.fields[f"{p}-measures"] = _text("改进措施", ROW_TEXT_MAX)
        form_kept_whole(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def funding_rows(self):
        """The 项目资金 rows under the total, with their three bound fields."""
        for row, label in FUNDING_ROWS:
            yield label, [self[f"{row}_{column}"] for column, _ in FUNDING_COLUMNS]

    def bound_rows(self):
        """Per approved indicator: its tree entry and its bound fields, for the template."""
        for entry in self.tree:
            p = row_prefix(entry.id)
            yield (
                entry,
                {
                    key: self[f"{p}-{key}"]
                    for key in ("actual", "level", "reason", "measures")
                    if f"{p}-{key}" in self.fields
                },
            )

    def reported(self) -> dict[int, dict]:
        """What was typed per indicator (cleaned), for scoring and saving."""
        data = self.cleaned_data
        out = {}
        for entry in self.tree:
            p = row_prefix(entry.id)
            out[entry.id] = {
                key: data.get(f"{p}-{key}", "") or ""
                for key in ("actual", "level", "reason", "measures")
            }
        return out


class MonitoringForm(forms.Form):
    revision = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": REVISION_MISSING, "invalid": REVISION_MISSING},
    )
    executed = AmountField(label="截至本期预算执行数（元）", required=False)

    def __init__(self, *args, report, tree, **kwargs):
        stored = {r.indicator_id: r for r in report.rows.all()}
        initial = {
            "executed": "" if report.executed is None else f"{report.executed:,.2f}",
            "revision": report.revision,
        }
        for entry in tree:
            row = stored.get(entry.id) or MonitoringRow(indicator_id=entry.id)
            for key in ("progress", "forecast", "reason", "measures"):
                initial[f"m{entry.id}-{key}"] = getattr(row, key)
        super().__init__(*args, initial=initial, **kwargs)
        self.tree = tree
        choices = [("", "请选择"), *MonitoringRow.Forecast.choices]
        for entry in tree:
            p = f"m{entry.id}"
            self.fields[f"{p}-progress"] = forms.CharField(
                label="截至目前完成值",
                required=False,
                max_length=200,
                widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                error_messages={"max_length": "完成值最多 %(limit_value)d 个字。"},
            )
            self.fields[f"{p}-forecast"] = forms.ChoiceField(
                label="能否完成",
                choices=choices,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                error_messages={"invalid_choice": "请选择“能完成”或“不能完成”。"},
            )
            self.fields[f"{p}-reason"] = _text("偏差原因", ROW_TEXT_MAX)
            self.fields[f"{p}-measures"] = _text("纠偏措施", ROW_TEXT_MAX)
        form_kept_whole(self)
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.disable_csrf = True

    def bound_rows(self):
        for entry in self.tree:
            p = f"m{entry.id}"
            keys = ("progress", "forecast", "reason", "measures")
            yield entry, {k: self[f"{p}-{k}"] for k in keys}

    def reported(self) -> dict[int, dict]:
        data = self.cleaned_data
        keys = ("progress", "forecast", "reason", "measures")
        return {e.id: {k: data.get(f"m{e.id}-{k}", "") or "" for k in keys} for e in self.tree}


REASON_MAX = 2000


class ReasonForm(forms.Form):
    """The 意见/理由 of a workflow action, posted as ``<action>-reason`` (prefix: the action):
    refused at its length or for a NUL character (PostgreSQL keeps no NUL in text)."""

    reason = kept_whole(
        forms.CharField(
            label="意见",
            required=False,
            max_length=REASON_MAX,
            strip=False,
            error_messages={
                "max_length": "意见最多 %(limit_value)d 个字（现有 %(show_value)d 个）。"
            },
        )
    )

    # The newest event the page showed (see reports.check_seen); absent: not checked.
    seen = forms.IntegerField(required=False, min_value=0, widget=forms.HiddenInput)

    def __init__(self, data, *, action: str):
        super().__init__(data, prefix=action)
        self.action = action

    def refusal(self) -> str:
        if "seen" in self.errors:
            return "页面不完整，请刷新页面后再操作。"
        return " ".join(self.errors.get("reason", []))


class RoundForm(forms.ModelForm):
    class Meta:
        model = MonitoringRound
        fields = [
            "budget_year", "label", "due_on", "expected_rate", "yellow_lag", "red_lag",
            "unmet_light", "blank_reason_light",
        ]  # fmt: skip
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"})}
        error_messages = {
            "label": {"required": "请填写监控期间，如 1–6月。"},
            "due_on": {"required": "请填写截止日期。", "invalid": "请填写日期，如 2020-07-15。"},
            "expected_rate": {"required": "请填写序时进度。"},
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        form_kept_whole(self)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_expected_rate(self):
        value = self.cleaned_data["expected_rate"]
        if value is not None and not 0 <= value <= 100:
            raise ValidationError("序时进度须在 0 到 100 之间。")
        return value

    def clean(self):
        data = super().clean()
        yellow, red = data.get("yellow_lag"), data.get("red_lag")
        if yellow is not None and yellow < 0:
            self.add_error("yellow_lag", "不能为负数。")
        if yellow is not None and red is not None and red < yellow:
            self.add_error("red_lag", "红灯的落后幅度不能小于黄灯的。")
        return data


class UnitEvaluationsExportForm(forms.Form):
    """Which unit and year a whole-unit 自评 export covers (posted to exports:unit_start)."""

    unit = forms.ModelChoiceField(label="单位", queryset=None, empty_label=None)
    year = forms.TypedChoiceField(label="年度", coerce=int)

    def __init__(self, *args, units, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].widget.attrs.update(
            {"class": "form-select form-select-sm", "aria-label": "单位"}
        )
        self.fields["year"].choices = [(y, f"{y} 年") for y in years]
        self.fields["year"].widget.attrs.update(
            {"class": "form-select form-select-sm", "aria-label": "年度"}
        )
