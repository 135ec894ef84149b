from django.urls import path

from apps.pages import copy_views, library_views, views

app_name = "projects"
urlpatterns = [
    path("", views.project_list, name="list"),
    path("new/", views.project_create_view, name="create"),
    path("export/", views.project_list_export, name="list_export"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/sub-projects/", views.project_sub_projects, name="sub_projects"),
    path("<int:pk>/sheets/<str:sheet>/", views.project_sheet, name="sheet"),
    path("<int:pk>/sheets/<str:sheet>/check/", views.project_sheet_check, name="sheet_check"),
    path("<int:pk>/levels/add/", views.project_level_add, name="level_add"),
    path("<int:pk>/library/suggest/", library_views.library_suggest, name="library_suggest"),
    path("<int:pk>/library/propose/", library_views.library_propose, name="library_propose"),
    path("<int:pk>/mandated/apply/", library_views.mandated_apply, name="mandated_apply"),
    path("<int:pk>/copy/", copy_views.project_copy_view, name="copy"),
    path("<int:pk>/copied/", copy_views.project_copied_view, name="copied"),
]
