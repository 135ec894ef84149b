"""The page django-axes shows for a locked-out login (AXES_LOCKOUT_CALLABLE), in Chinese."""

import ipaddress

from django.conf import settings
from django.shortcuts import render


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"minutes": minutes, "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=429,
    )


def client_ip(request) -> str | None:
    """The address login failures are counted against (AXES_CLIENT_IP_CALLABLE).

    Behind LOGIN_PROXY_COUNT reverse proxies, the client's address is the entry that many
    places from the end of X-Forwarded-For (what the outermost proxy of ours saw); entries
    before it are the client's to invent and are ignored.
    """
    remote = request.META.get("REMOTE_ADDR")
    count = settings.LOGIN_PROXY_COUNT
    if not count:
        return remote
    chain = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    chain = [part for part in chain if part]
    if len(chain) < count:
        return remote
    candidate = chain[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
