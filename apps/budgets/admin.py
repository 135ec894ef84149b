from django.contrib import admin

from apps.budgets.models import BudgetYear


@admin.register(BudgetYear)
class BudgetYearAdmin(admin.ModelAdmin):
    list_display = ["year", "taxonomy"]
