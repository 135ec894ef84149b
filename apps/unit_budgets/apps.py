from django.apps import AppConfig


class UnitBudgetsConfig(AppConfig):
    name = "apps.unit_budgets"
    verbose_name = "单位预算"
