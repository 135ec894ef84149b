"""Widgets of the master-data spreadsheets (django-import-export): choices and flags as
people write them (主管部门, 填报人, 是/否), codes kept as text, Chinese messages."""

from import_export import widgets

YES = {"是", "1", "true", "TRUE", "True", "√", "✓", "Y", "y", "yes"}
NO = {"否", "0", "false", "FALSE", "False", "×", "N", "n", "no", ""}


def is_blank_cell(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


class ChoiceWidget(widgets.Widget):
    """A choice by its label (填报人) or its code (filler)."""

    def __init__(self, choices, what: str, **kwargs):
        super().__init__(**kwargs)
        self.by_label = {str(label): value for value, label in choices}
        self.labels = {value: str(label) for value, label in choices}
        self.what = what

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        if text in self.labels:
            return text
        if text in self.by_label:
            return self.by_label[text]
        raise ValueError(f"“{text}”不是有效的{self.what}（可选：{'、'.join(self.by_label)}）。")

    def render(self, value, obj=None, **kwargs):
        return self.labels.get(value, value or "")


class YesNoWidget(widgets.Widget):
    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip()
        if text in YES:
            return True
        if text in NO:
            return False
        raise ValueError(f"“{text}”应填“是”或“否”。")

    def render(self, value, obj=None, **kwargs):
        return "是" if value else "否"


class CodeWidget(widgets.CharWidget):
    """A code such as 001001 must stay text: as a number Excel drops its leading zeros."""

    def __init__(self, what: str, **kwargs):
        super().__init__(**kwargs)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                f"{self.what}“{value}”是数字格式，开头的 0 可能已经丢失；请把该列设为“文本”格式后重新填写。"
            )
        text = "" if value is None else str(value).strip()
        if not text:
            raise ValueError(f"{self.what}不能为空。")
        return text


class CodeForeignKeyWidget(widgets.ForeignKeyWidget):
    def __init__(self, model, field: str, what: str, **kwargs):
        super().__init__(model, field=field, **kwargs)
        self.what = what

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, int | float) and not isinstance(value, bool):
            raise ValueError(
                f"{self.what}“{value}”是数字格式，开头的 0 可能已经丢失；请设为“文本”格式。"
            )
        text = "" if value is None else str(value).strip()
        if not text:
            return None
        try:
            return self.get_queryset(text, row).get(**{self.field: text})
        except self.model.DoesNotExist:
            raise ValueError(f"{self.what}“{text}”不存在（请先导入或新建它）。") from None
