"""Master data in and out of the admin (django-import-export): units, users' units and
roles, indicator taxonomies. Columns are named in Chinese, choices and flags are written
as people read them (主管部门, 填报人, 是/否), and a bad row says in Chinese what is wrong.
Passwords never leave or enter through these files."""

from django.core.exceptions import ValidationError
from import_export import fields, resources, widgets

from apps.accounts.models import User
from apps.indicators.models import Level1, Level2, Taxonomy
from apps.units.models import Unit

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


class UserResource(resources.ModelResource):
    """Who belongs to which unit with which role; never a password."""

    username = fields.Field("username", "用户名")
    name = fields.Field("first_name", "姓名")
    email = fields.Field("email", "电子邮箱")
    unit = fields.Field("unit", "单位编码", widget=CodeForeignKeyWidget(Unit, "code", "单位编码"))
    role = fields.Field("role", "角色", widget=ChoiceWidget(User.Role.choices, "角色"))
    is_active = fields.Field("is_active", "启用", widget=YesNoWidget())

    class Meta:
        model = User
        fields = ("username", "name", "email", "unit", "role", "is_active")
        export_order = fields
        import_id_fields = ("username",)
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        if instance.pk is None:
            # A new user sets a password through the admin or a reset, never a file.
            instance.set_unusable_password()

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        # A blank 启用 cell leaves the account as it is (a new one is active): a column
        # left empty must not lock everyone out.
        if field.attribute == "is_active" and is_blank_cell(row.get(field.column_name)):
            return
        super().import_field(field, instance, row, is_m2m, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        was_role = instance.role if instance.pk else None
        was_active = instance.is_active if instance.pk else False
        super().import_instance(instance, row, **kwargs)
        user = kwargs.get("user")
        errors = {}
        if not instance.username:
            errors["username"] = "用户名不能为空。"
        superuser = user is not None and user.is_superuser
        if instance.role == User.Role.ADMIN and was_role != User.Role.ADMIN and not superuser:
            errors["role"] = "只有超级管理员可以通过导入设置“管理员”角色。"
        oneself = user is not None and instance.pk is not None and instance.pk == user.pk
        if was_active and not instance.is_active and (instance.is_superuser or oneself):
            errors["is_active"] = "不能通过导入停用超级管理员或您自己的账号。"
        if errors:
            raise ValidationError(errors)


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
        from django.core.exceptions import ValidationError

        instance.level1 = row["_level1"]
        super().import_instance(instance, row, **kwargs)
        if not (instance.name or "").strip():
            raise ValidationError({"name": "二级目标不能为空。"})
