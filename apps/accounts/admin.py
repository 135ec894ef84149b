from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from import_export.admin import ImportExportMixin

from apps.accounts.models import User
from apps.accounts.resources import UserResource
from apps.core.importexport import ChineseImportExportMixin


@admin.register(User)
class UserAdmin(ChineseImportExportMixin, ImportExportMixin, BaseUserAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "unit"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("申报角色", {"fields": ["role", "unit"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, ("申报角色", {"fields": ["role", "unit"]})]
    # Users' units and roles in and out as a spreadsheet; never passwords.
    resource_classes = [UserResource]

    def has_import_permission(self, request):
        # A users file sets roles and who may log in: superusers only.
        return request.user.is_superuser and super().has_import_permission(request)
