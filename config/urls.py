from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "绩效目标申报 管理"
admin.site.site_title = "绩效目标申报 管理"
admin.site.index_title = "基础数据管理"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="projects:list"), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("projects/", include("apps.pages.urls")),
    path("exports/", include("apps.exports.urls")),
    path("reviews/", include("apps.reviews.urls")),
    path("imports/", include("apps.imports.urls")),
    path("library/", include("apps.library.urls")),
    path("unit-budgets/", include("apps.unit_budgets.urls")),
    path("performance/", include("apps.performance.urls")),
    path("admin/", admin.site.urls),
]
