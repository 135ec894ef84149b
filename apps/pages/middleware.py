"""Answer a post over Django's request limits in Chinese, whatever DEBUG says."""

import logging

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpResponseBadRequest, JsonResponse
from django.template.loader import render_to_string

from apps.sheets import limits

logger = logging.getLogger("django.security.oversized_post")

OVERSIZED_MESSAGE = (
    "提交的内容过多，超过了系统一次能接收的上限，本次没有保存。"
    "请用浏览器的“后退”回到刚才的页面（您填写的内容通常仍在页面上），删去多余的行后再保存。"
)


# Django's default DATA_UPLOAD_MAX_MEMORY_SIZE, for posts before login (the login form).
ANONYMOUS_BYTES = 2_621_440


def _declared_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


class OversizedPostMiddleware:
    """Read the post before anything else does and turn Django's refusal into a page.

    Django refuses a post with more fields than DATA_UPLOAD_MAX_NUMBER_FIELDS or a body
    over DATA_UPLOAD_MAX_MEMORY_SIZE with a bare English "Bad Request (400)" (or, with
    DEBUG, a technical page), raised wherever request.POST is first read — the CSRF check's
    process_view. This middleware's __call__ runs before any process_view: it reads
    request.POST itself (what the CSRF check would do next anyway) and answers in Chinese. The sheet page's script counts
    the fields before it posts, so a browser rarely gets here.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST":
            if not request.user.is_authenticated and _declared_length(request) > ANONYMOUS_BYTES:
                # The large limit is for sheet pages; nobody logged out posts that much.
                logger.warning("oversized anonymous post to %s", request.path)
                return oversized_response(request)
            try:
                request.POST  # noqa: B018 - parsing is what may fail
            except (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent) as exc:
                logger.warning("oversized post to %s: %s", request.path, exc)
                request._mark_post_parse_error()
                return oversized_response(request)
        return self.get_response(request)


def oversized_response(request):
    if request.headers.get("X-Requested-With") == "fetch":
        return JsonResponse({"error": OVERSIZED_MESSAGE}, status=400)
    html = render_to_string(
        "errors/post_too_large.html",
        {"message": OVERSIZED_MESSAGE, "tables": limits.TABLES.values()},
    )
    return HttpResponseBadRequest(html)
