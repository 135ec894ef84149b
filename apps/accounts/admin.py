from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from apps.accounts.models import User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "first_name", "role", "unit", "is_active"]
    list_filter = ["role", "is_active", "unit"]
    fieldsets = [*BaseUserAdmin.fieldsets, ("申报角色", {"fields": ["role", "unit"]})]
    add_fieldsets = [*BaseUserAdmin.add_fieldsets, ("申报角色", {"fields": ["role", "unit"]})]
