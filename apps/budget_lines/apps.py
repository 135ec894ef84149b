from django.apps import AppConfig


class BudgetLinesConfig(AppConfig):
    name = "apps.budget_lines"
    verbose_name = "项目构成分解"
