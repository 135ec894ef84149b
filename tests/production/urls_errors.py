"""The site's URLs plus views that fail on purpose (tests of the error pages)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns as site


def forbidden(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("on purpose")


urlpatterns = [*site, path("test-403/", forbidden), path("test-500/", broken)]
