from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from apps.unit_budgets.models import (
    ClassificationCode,
    EconomicEntry,
    ExpenditureEntry,
    RevenueEntry,
    UnitBudget,
)
from apps.unit_budgets.resources import ClassificationCodeResource


@admin.register(ClassificationCode)
class ClassificationCodeAdmin(ImportExportModelAdmin):
    """Codes of each year, imported from the published Excel lists."""

    resource_classes = [ClassificationCodeResource]
    list_display = ["code", "name", "kind", "budget_year"]
    list_filter = ["budget_year", "kind"]
    search_fields = ["code", "name"]


class _Inline(admin.TabularInline):
    extra = 0
    autocomplete_fields = ["code"]


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
