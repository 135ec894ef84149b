"""Indicator taxonomies in and out of the admin as a spreadsheet."""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from apps.core.import_widgets import ChoiceWidget, YesNoWidget
from apps.indicators.models import Level1, Level2, Taxonomy


class TaxonomyResource(resources.ModelResource):
    """An indicator taxonomy, one row per level-2 name: 指标体系 → 一级目标 → 二级目标, with
    the order, the 必填 flags and the kind the checks use. Taxonomies and level-1 names
    are created or updated from the rows as they come."""

    taxonomy_code = fields.Field(column_name="指标体系代码")
    taxonomy_name = fields.Field(column_name="指标体系名称")
    level1 = fields.Field(column_name="一级目标")
    level1_order = fields.Field(column_name="一级排序")
    level1_required = fields.Field(column_name="一级必填")
    name = fields.Field("name", "二级目标")
    kind = fields.Field("kind", "类型", widget=ChoiceWidget(Level2.Kind.choices, "二级目标类型"))
    order = fields.Field("order", "二级排序", widget=widgets.IntegerWidget())
    required = fields.Field("required", "二级必填", widget=YesNoWidget())

    class Meta:
        model = Level2
        fields = (
            "taxonomy_code",
            "taxonomy_name",
            "level1",
            "level1_order",
            "level1_required",
            "name",
            "kind",
            "order",
            "required",
        )
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True

    def get_export_queryset(self, request=None, **kwargs):
        return Level2.objects.select_related("level1__taxonomy").order_by(
            "level1__taxonomy__code", "level1__order", "order", "id"
        )

    def export(self, queryset=None, **kwargs):
        if queryset is not None:
            queryset = queryset.select_related("level1__taxonomy").order_by(
                "level1__taxonomy__code", "level1__order", "order", "id"
            )
        return super().export(queryset=queryset, **kwargs)

    def dehydrate_taxonomy_code(self, obj):
        return obj.level1.taxonomy.code

    def dehydrate_taxonomy_name(self, obj):
        return obj.level1.taxonomy.name

    def dehydrate_level1(self, obj):
        return obj.level1.name

    def dehydrate_level1_order(self, obj):
        return obj.level1.order

    def dehydrate_level1_required(self, obj):
        return "是" if obj.level1.required else "否"

    def _level1(self, row) -> Level1:
        code = str(row.get("指标体系代码") or "").strip()
        name = str(row.get("一级目标") or "").strip()
        if not code or not name:
            raise ValueError("指标体系代码和一级目标不能为空。")
        taxonomy = Taxonomy.objects.filter(code=code).first()
        taxonomy_name = str(row.get("指标体系名称") or "").strip()
        if taxonomy is None:
            if not taxonomy_name:
                raise ValueError(f"指标体系“{code}”不存在，新建时须填写指标体系名称。")
            taxonomy = Taxonomy.objects.create(code=code, name=taxonomy_name)
        elif taxonomy_name and taxonomy.name != taxonomy_name:
            taxonomy.name = taxonomy_name
            taxonomy.save(update_fields=["name"])
        try:
            order = int(row.get("一级排序") or 0)
        except (TypeError, ValueError):
            raise ValueError(f"一级排序“{row.get('一级排序')}”应为整数。") from None
        required = YesNoWidget().clean(row.get("一级必填"))
        level1, created = Level1.objects.get_or_create(
            taxonomy=taxonomy, name=name, defaults={"order": order, "required": required}
        )
        if not created and (level1.order, level1.required) != (order, required):
            level1.order, level1.required = order, required
            level1.save(update_fields=["order", "required"])
        return level1

    def get_instance(self, instance_loader, row):
        name = str(row.get("二级目标") or "").strip()
        return Level2.objects.filter(level1=row["_level1"], name=name).first()

    def before_import_row(self, row, **kwargs):
        try:
            row["_level1"] = self._level1(row)
        except ValueError:
            row["_level1"] = None
            raise

    def import_instance(self, instance, row, **kwargs):

        instance.level1 = row["_level1"]
        super().import_instance(instance, row, **kwargs)
        if not (instance.name or "").strip():
            raise ValidationError({"name": "二级目标不能为空。"})
