from django.contrib import admin

from apps.budgets.models import BudgetYear, FormVersion


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):
    list_display = ["year", "taxonomy", "form_version"]
    list_editable = ["taxonomy", "form_version"]


@admin.register(FormVersion)
class FormVersionAdmin(admin.ModelAdmin):
    list_display = ["code", "weights_total", "weights_required"]
    readonly_fields = []

    def has_add_permission(self, request):  # the versions are declared in code
        return False

    def has_delete_permission(self, request, obj=None):
        return False
