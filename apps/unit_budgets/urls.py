from django.urls import path

from apps.unit_budgets import views

app_name = "unit_budgets"
urlpatterns = [
    path("", views.unit_budget_index, name="index"),
    path("<int:unit_id>/<int:year>/", views.unit_budget_detail, name="detail"),
    path("<int:unit_id>/<int:year>/edit/", views.unit_budget_edit, name="edit"),
    path("<int:unit_id>/<int:year>/print/", views.unit_budget_print, name="print"),
    path("<int:unit_id>/<int:year>/tables.pdf", views.unit_budget_tables_pdf, name="tables_pdf"),
    path("<int:unit_id>/<int:year>/tables.xlsx", views.unit_budget_tables_xlsx, name="tables_xlsx"),
    # The whole book (the unit's tables and every project's sheets) has no URL of its own:
    # it takes tens of seconds, so it is made as a background job (the unit page's button,
    # exports:unit_start with kind unit_book), never in a web worker.
]
