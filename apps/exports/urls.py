from django.urls import path

from apps.exports import views

app_name = "exports"
urlpatterns = [
    path("projects/<int:pk>/print/", views.project_print, name="project_print"),
    path("projects/<int:pk>/export.pdf", views.project_export_pdf, name="project_pdf"),
    path("projects/<int:pk>/export.xlsx", views.project_export_xlsx, name="project_xlsx"),
    path("template/<int:year>.xlsx", views.blank_template_xlsx, name="blank_template"),
    path("unit/", views.unit_export_start, name="unit_start"),
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<uuid:job_id>/", views.job_detail, name="job"),
    path("jobs/<uuid:job_id>/retry/", views.job_retry, name="job_retry"),
    path("jobs/<uuid:job_id>/status/", views.job_status, name="job_status"),
    path("jobs/<uuid:job_id>/download/", views.job_download, name="job_download"),
]
