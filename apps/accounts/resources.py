"""Users' units and roles in and out of the admin (never passwords)."""

from django.core.exceptions import ValidationError
from import_export import fields, resources

from apps.accounts.models import User
from apps.core.import_widgets import ChoiceWidget, CodeForeignKeyWidget, YesNoWidget, is_blank_cell
from apps.units.models import Unit


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
