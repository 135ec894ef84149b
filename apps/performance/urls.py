from django.urls import path

from apps.performance import export_views, views

app_name = "performance"
urlpatterns = [
    path("evaluations/", views.evaluation_list_view, name="list"),
    path("projects/<int:project_pk>/evaluation/start/", views.evaluation_start_view, name="start"),
    path("evaluations/<int:pk>/", views.evaluation_detail, name="detail"),
    path("evaluations/<int:pk>/check/", views.evaluation_check, name="check"),
    path("evaluations/<int:pk>/print/", export_views.evaluation_print, name="print"),
    path("evaluations/<int:pk>/pdf/", export_views.evaluation_pdf, name="pdf"),
    path("evaluations/<int:pk>/xlsx/", export_views.evaluation_xlsx, name="xlsx"),
    path("evaluations/<int:pk>/<str:action>/", views.evaluation_action, name="action"),
]
