"""Sessions end after SESSION_IDLE_MINUTES without a request (shared office PCs)."""

import time

# How stale the expiry may get before a request slides it on. Django's own way,
# SESSION_SAVE_EVERY_REQUEST, writes the session row on every request
# (scripts/bench_session.py measures both); this writes it at most once a minute.
TOUCH_SECONDS = 60
_KEY = "_touched"


def session_touch_at_login(sender, request, user, **kwargs):
    """Logging in saves the session anyway: count it as the first touch."""
    if getattr(request, "session", None) is not None:
        request.session[_KEY] = int(time.time())


class SessionIdleMiddleware:
    """Keep a logged-in user's session alive while it is used.

    The session's expiry is SESSION_COOKIE_AGE (= the idle timeout) from its last save,
    and a session past its expiry is not loaded: the next request shows the login page.
    A request more than TOUCH_SECONDS after the last save marks the session modified, so
    SessionMiddleware saves it with a new expiry; other requests write nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        session = request.session
        if user is not None and user.is_authenticated and not session.is_empty():
            now = int(time.time())
            if now - session.get(_KEY, 0) >= TOUCH_SECONDS:
                session[_KEY] = now
        return response
