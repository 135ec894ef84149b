"""Units in and out of the admin as a spreadsheet (django-import-export)."""

from import_export import fields, resources

from apps.core.import_widgets import ChoiceWidget, CodeForeignKeyWidget, CodeWidget
from apps.units.models import Unit


class UnitResource(resources.ModelResource):
    code = fields.Field("code", "单位编码", widget=CodeWidget("单位编码"))
    name = fields.Field("name", "单位名称")
    kind = fields.Field("kind", "类型", widget=ChoiceWidget(Unit.Kind.choices, "单位类型"))
    parent = fields.Field(
        "parent", "主管部门编码", widget=CodeForeignKeyWidget(Unit, "code", "主管部门编码")
    )

    class Meta:
        model = Unit
        fields = ("code", "name", "kind", "parent")
        export_order = fields
        import_id_fields = ("code",)
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True

    def get_export_queryset(self, request=None, **kwargs):
        # Departments before their units, so the file imports again in one pass.
        return Unit.objects.select_related("parent").order_by("kind", "code")

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("parent").order_by("kind", "code")
        return super().export(queryset=queryset, **kwargs)
