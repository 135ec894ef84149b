"""Classification codes to and from Excel (django-import-export), columns in Chinese:
预算年度 | 分类 | 科目编码 | 科目名称. A code is matched on (year, kind, code): importing
the published list of a year again renames, never duplicates."""

from import_export import fields, resources, widgets

from apps.budgets.models import BudgetYear
from apps.unit_budgets.models import ClassificationCode

Kind = ClassificationCode.Kind


class KindWidget(widgets.Widget):
    """“功能分类” / “部门经济分类” (or function / economic) ↔ the stored kind."""

    LABELS = {
        "功能分类": Kind.FUNCTION,
        "功能分类科目": Kind.FUNCTION,
        "部门经济分类": Kind.ECONOMIC,
        "经济分类": Kind.ECONOMIC,
        "部门经济分类科目": Kind.ECONOMIC,
        **{k.value: k for k in Kind},
    }

    def clean(self, value, row=None, **kwargs):
        kind = self.LABELS.get(str(value or "").strip())
        if kind is None:
            raise ValueError(f"分类应为“功能分类”或“部门经济分类”，而不是“{value}”。")
        return kind.value

    def render(self, value, obj=None, **kwargs):
        return Kind(value).label if value else ""


class CodeWidget(widgets.CharWidget):
    """A code typed as text or a number, with or without the spaces of the printed
    table (“205 08 01”): stored as digits."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return "".join(str(value or "").split())


class ClassificationCodeResource(resources.ModelResource):
    budget_year = fields.Field(
        attribute="budget_year",
        column_name="预算年度",
        widget=widgets.ForeignKeyWidget(BudgetYear, field="year"),
    )
    kind = fields.Field(attribute="kind", column_name="分类", widget=KindWidget())
    code = fields.Field(attribute="code", column_name="科目编码", widget=CodeWidget())
    name = fields.Field(attribute="name", column_name="科目名称")

    class Meta:
        model = ClassificationCode
        fields = ("budget_year", "kind", "code", "name")
        import_id_fields = ("budget_year", "kind", "code")
        export_order = ("budget_year", "kind", "code", "name")
        clean_model_instances = True  # the shape of each code (3/5/7 digits)
        skip_unchanged = True

    def import_data(self, dataset, **kwargs):
        # A file with a bad row imports nothing: a year's list is all or nothing.
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)

    def before_import(self, dataset, **kwargs):
        """Refuse a file with a 款 or 项 whose 类 or 款 is neither in it nor stored: the
        tables print every code under its parent."""
        super().before_import(dataset, **kwargs)
        rows = []
        for row in dataset.dict:
            try:
                year = int(row.get("预算年度"))
                kind = KindWidget().clean(row.get("分类"))
            except (TypeError, ValueError):
                continue  # the row's own error is reported by the import itself
            rows.append((year, kind, CodeWidget().clean(row.get("科目编码"))))
        known = set(rows) | set(
            ClassificationCode.objects.filter(
                budget_year__year__in={r[0] for r in rows}
            ).values_list("budget_year__year", "kind", "code")
        )
        orphans = [
            f"{year} 年 {code}（缺少上级科目 {code[:-2]}）"
            for year, kind, code in rows
            if len(code) > 3 and (year, kind, code[:-2]) not in known
        ]
        if orphans:
            raise ValueError(
                "以下科目没有上级科目，整个文件未导入："
                + "；".join(orphans[:20])
                + ("……" if len(orphans) > 20 else "")
            )
