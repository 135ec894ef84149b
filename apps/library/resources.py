"""The library in and out of the admin as a spreadsheet (django-import-export): one row
per entry, its level by 指标体系代码 + 一级/二级 names, its owner by 单位编码 (blank: 共性).
An entry is matched on (level, name, owner): a re-import updates it."""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from apps.core.choices import ProjectCategory
from apps.core.import_widgets import ChoiceWidget
from apps.indicators.models import Indicator, Level2
from apps.library.models import Comparator, LibraryIndicator, Tier
from apps.units.models import Unit


class LibraryResource(resources.ModelResource):
    taxonomy_code = fields.Field(column_name="指标体系代码")
    level1 = fields.Field(column_name="一级指标")
    level2_name = fields.Field(column_name="二级指标")
    owner_code = fields.Field(column_name="主管部门编码")
    name = fields.Field("name", "三级指标")
    nature = fields.Field(
        "nature", "指标性质", widget=ChoiceWidget([("", ""), *Indicator.Nature.choices], "指标性质")
    )
    comparator = fields.Field(
        "comparator",
        "计算符号",
        widget=ChoiceWidget([(c, c) for c in Comparator.values], "计算符号"),
    )
    typical_value = fields.Field("typical_value", "典型指标值")
    unit = fields.Field("unit", "计量单位")
    explanation = fields.Field("explanation", "指标解释")
    formula = fields.Field("formula", "计算公式")
    scoring = fields.Field("scoring", "评(扣)分标准")
    function_code = fields.Field("function_code", "功能分类科目")
    sector = fields.Field("sector", "行业/领域")
    category = fields.Field(
        "category",
        "项目类别",
        widget=ChoiceWidget([("", ""), *ProjectCategory.choices], "项目类别"),
    )
    valid_from = fields.Field("valid_from", "启用日期", widget=widgets.DateWidget("%Y-%m-%d"))
    valid_to = fields.Field("valid_to", "停用日期", widget=widgets.DateWidget("%Y-%m-%d"))
    origin = fields.Field("origin", "来源")

    class Meta:
        model = LibraryIndicator
        fields = (
            "taxonomy_code",
            "level1",
            "level2_name",
            "owner_code",
            "name",
            "nature",
            "comparator",
            "typical_value",
            "unit",
            "explanation",
            "formula",
            "scoring",
            "function_code",
            "sector",
            "category",
            "valid_from",
            "valid_to",
            "origin",
        )
        export_order = fields
        import_id_fields = ()
        skip_unchanged = True
        report_skipped = True

    def export(self, queryset=None, **kwargs):
        queryset = queryset if queryset is not None else LibraryIndicator.objects.all()
        return super().export(
            queryset=queryset.select_related("level2__level1__taxonomy", "owner"), **kwargs
        )

    def dehydrate_taxonomy_code(self, obj):
        return obj.level2.level1.taxonomy.code

    def dehydrate_level1(self, obj):
        return obj.level2.level1.name

    def dehydrate_level2_name(self, obj):
        return obj.level2.name

    def dehydrate_owner_code(self, obj):
        return obj.owner.code if obj.owner_id else ""

    @staticmethod
    def _text(row, key) -> str:
        value = row.get(key)
        return "" if value is None else str(value).strip()

    def before_import_row(self, row, **kwargs):
        code, l1, l2 = (self._text(row, k) for k in ("指标体系代码", "一级指标", "二级指标"))
        level2 = Level2.objects.filter(
            level1__taxonomy__code=code, level1__name=l1, name=l2
        ).first()
        if level2 is None:
            raise ValueError(f"指标体系“{code}”中没有“{l1} · {l2}”。")
        owner = None
        owner_code = self._text(row, "主管部门编码")
        if owner_code:
            owner = Unit.objects.filter(code=owner_code, kind=Unit.Kind.DEPARTMENT).first()
            if owner is None:
                raise ValueError(f"没有编码为“{owner_code}”的主管部门。")
        row["_level2"], row["_owner"] = level2, owner

    def get_instance(self, instance_loader, row):
        name = " ".join(self._text(row, "三级指标").split())
        return LibraryIndicator.objects.filter(
            level2=row["_level2"], owner=row["_owner"], name=name
        ).first()

    def import_instance(self, instance, row, **kwargs):
        instance.level2 = row["_level2"]
        instance.owner = row["_owner"]
        instance.tier = Tier.DEPARTMENT if row["_owner"] else Tier.COMMON
        super().import_instance(instance, row, **kwargs)
        instance.name = " ".join((instance.name or "").split())
        for name in (
            "typical_value",
            "unit",
            "explanation",
            "formula",
            "scoring",
            "sector",
            "function_code",
            "origin",
        ):
            if getattr(instance, name) is None:
                setattr(instance, name, "")
        if not instance.name:
            raise ValidationError({"name": "三级指标不能为空。"})
        instance.full_clean(exclude=["origin_indicator"], validate_unique=False)
