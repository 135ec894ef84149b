from django.urls import path

from apps.library import views

app_name = "library"
urlpatterns = [
    path("", views.library_list, name="list"),
    path("new/", views.entry_create, name="create"),
    path("<int:pk>/", views.entry_detail, name="detail"),
    path("<int:pk>/edit/", views.entry_edit, name="edit"),
    path("proposals/", views.proposal_list, name="proposals"),
    path(
        "proposals/<int:pk>/accept/", views.proposal_decide, {"decision": "accept"}, name="accept"
    ),
    path(
        "proposals/<int:pk>/reject/", views.proposal_decide, {"decision": "reject"}, name="reject"
    ),
    path("mandated/", views.mandated_list, name="mandated"),
    path("mandated/new/", views.mandated_create, name="mandated_create"),
    path("mandated/<int:pk>/edit/", views.mandated_edit, name="mandated_edit"),
    path("mandated/<int:pk>/remove/", views.mandated_remove, name="mandated_remove"),
]
