from django.urls import path

from apps.performance import export_views, monitoring_views, views

app_name = "performance"
urlpatterns = [
    path("evaluations/", views.evaluation_list_view, name="list"),
    path("overview/", views.overview_view, name="overview"),
    path("projects/<int:project_pk>/evaluation/start/", views.evaluation_start_view, name="start"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="detail"),
    path("evaluations/<int:pk>/check/", views.evaluation_check, name="check"),
    path("evaluations/<int:pk>/print/", export_views.evaluation_print, name="print"),
    path("evaluations/<int:pk>/pdf/", export_views.evaluation_pdf, name="pdf"),
    path("evaluations/<int:pk>/xlsx/", export_views.evaluation_xlsx, name="xlsx"),
    path("evaluations/<int:pk>/<str:action>/", views.evaluation_action, name="action"),
    path("monitoring/", monitoring_views.round_list, name="rounds"),
    path("monitoring/<int:pk>/", monitoring_views.round_detail, name="round"),
    path(
        "monitoring/<int:pk>/projects/<int:project_pk>/start/",
        monitoring_views.report_start,
        name="report_start",
    ),
    path("monitoring/reports/<int:pk>/", monitoring_views.report_detail, name="report"),
    path("monitoring/reports/<int:pk>/check/", monitoring_views.report_check, name="report_check"),
    path(
        "monitoring/reports/<int:pk>/<str:action>/",
        monitoring_views.report_action,
        name="report_action",
    ),
]
