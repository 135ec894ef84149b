"""Error pages in Chinese with DEBUG off (the test settings run with DEBUG off), standing
alone (no database needed to show them) and under the CSP."""

import pytest
from django.test import Client

from tests.production.test_csp import inline_parts


def check(response, status, *words):
    assert response.status_code == status
    html = response.content.decode()
    for word in words:
        assert word in html, (status, html[:400])
    for english in ("Not Found", "Server Error", "Forbidden", "Bad Request"):
        assert english not in html
    assert inline_parts(html) == []
    assert "default-src 'self'" in response.headers["Content-Security-Policy"]


@pytest.fixture
def failing_urls(settings):
    assert settings.DEBUG is False
    settings.ROOT_URLCONF = "tests.production.urls_errors"


def test_404_in_chinese(client_a):
    check(client_a.get("/projects/999999/"), 404, "页面不存在", "返回首页")


def test_400_in_chinese_for_a_host_not_allowed(client_a):
    check(client_a.get("/login/", HTTP_HOST="evil.example"), 400, "请求有误")


def test_403_and_500_in_chinese(client_a, failing_urls):
    check(client_a.get("/test-403/"), 403, "无权访问")
    client_a.raise_request_exception = False
    check(client_a.get("/test-500/"), 500, "服务器出错", "稍后再试")


def test_csrf_failure_in_chinese(db):
    client = Client(enforce_csrf_checks=True)
    check(client.post("/login/", {"username": "x", "password": "y"}), 403, "页面已过期")
