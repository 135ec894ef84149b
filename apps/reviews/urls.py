from django.urls import path

from apps.reviews import views

app_name = "reviews"
urlpatterns = [
    path("", views.review_queue, name="queue"),
    path("batch/", views.batch_decide, name="batch"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("projects/<int:pk>/submit/", views.project_submit, name="submit"),
    path("projects/<int:pk>/pass/", views.project_pass, name="pass"),
    path("projects/<int:pk>/return/", views.project_return, name="return"),
    path("projects/<int:pk>/approve/", views.project_approve, name="approve"),
    path("projects/<int:pk>/adjust/", views.project_adjust, name="adjust"),
    path("projects/<int:pk>/comments/", views.comment_add, name="comment_add"),
    path(
        "projects/<int:pk>/comments/<int:comment_id>/resolve/",
        views.comment_resolve,
        name="comment_resolve",
    ),
    path(
        "projects/<int:pk>/comments/<int:comment_id>/reply/",
        views.comment_reply,
        name="comment_reply",
    ),
    path("projects/<int:pk>/history/", views.project_history, name="history"),
    path("projects/<int:pk>/versions/", views.project_versions, name="versions"),
    path("projects/<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("projects/<int:pk>/diff/", views.version_diff, name="diff"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("notifications/<int:notice_id>/", views.notification_open, name="notification"),
]
