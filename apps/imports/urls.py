from django.urls import path

from apps.imports import views

app_name = "imports"
urlpatterns = [
    path("", views.upload, name="upload"),
    path("<uuid:batch_id>/", views.preview, name="preview"),
    path("<uuid:batch_id>/commit/", views.commit, name="commit"),
    path("<uuid:batch_id>/cancel/", views.cancel, name="cancel"),
]
