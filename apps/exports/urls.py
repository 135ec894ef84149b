from django.urls import path

from apps.exports import views

app_name = "exports"
urlpatterns = [
    path("projects/<int:pk>/print/", views.project_print, name="project_print"),
    path("projects/<int:pk>/export.pdf", views.project_export_pdf, name="project_pdf"),
]
