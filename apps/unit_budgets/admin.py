from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from apps.core.importexport import ChineseImportExportMixin
from apps.unit_budgets.models import (
    ClassificationCode,
    EconomicEntry,
    ExpenditureEntry,
    RevenueEntry,
    UnitBudget,
)
from apps.unit_budgets.resources import ClassificationCodeResource


@admin.register(ClassificationCode)
class ClassificationCodeAdmin(ChineseImportExportMixin, ImportExportModelAdmin):
    """Codes of each year, imported from the published Excel lists."""

    resource_classes = [ClassificationCodeResource]
    list_display = ["code", "name", "kind", "budget_year"]
    list_filter = ["budget_year", "kind"]
    search_fields = ["code", "name"]

    def get_readonly_fields(self, request, obj=None):
        # A code in use keeps its year, kind and number: entries point at it. Its name
        # may be corrected.
        if obj is not None and obj.in_use():
            return ["budget_year", "kind", "code"]
        return []


class _Inline(admin.TabularInline):
    """Shown for reference only: entries are written on the unit's budget page, whose
    service checks each code's year, kind and level."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class RevenueInline(_Inline):
    model = RevenueEntry


class ExpenditureInline(_Inline):
    model = ExpenditureEntry


class EconomicInline(_Inline):
    model = EconomicEntry


@admin.register(UnitBudget)
class UnitBudgetAdmin(admin.ModelAdmin):
    list_display = ["unit", "budget_year", "updated_at", "updated_by"]
    list_filter = ["budget_year"]
    inlines = [RevenueInline, ExpenditureInline, EconomicInline]
