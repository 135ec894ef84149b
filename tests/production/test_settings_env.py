"""Deployment settings from the environment, parsed strictly (bad values fail loudly)."""

import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse

from config.env import env_origins, env_proxy_ssl_header
from tests import factories
from tests.production.server import ROOT, production_env


def test_proxy_ssl_header_is_parsed_strictly(monkeypatch):
    monkeypatch.setenv("H", "HTTP_X_FORWARDED_PROTO=https")
    assert env_proxy_ssl_header("H") == ("HTTP_X_FORWARDED_PROTO", "https")
    monkeypatch.delenv("H")
    assert env_proxy_ssl_header("H") is None
    for bad in ["X-Forwarded-Proto: https", "HTTP_X_FORWARDED_PROTO", "http_x=https", "HTTP_X="]:
        monkeypatch.setenv("H", bad)
        with pytest.raises(ImproperlyConfigured):
            env_proxy_ssl_header("H")


def test_trusted_origins_are_parsed_strictly(monkeypatch):
    monkeypatch.setenv("O", "https://jx.example.gov.cn, https://10.1.2.3:8443")
    assert env_origins("O") == ["https://jx.example.gov.cn", "https://10.1.2.3:8443"]
    for bad in ["jx.example.gov.cn", "https://jx.example.gov.cn/path", "ftp://x"]:
        monkeypatch.setenv("O", bad)
        with pytest.raises(ImproperlyConfigured):
            env_origins("O")


def test_a_bad_value_stops_the_server_from_starting(tmp_path):
    env = production_env(tmp_path, SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "HTTP_X_FORWARDED_PROTO=https" in result.stderr


def test_https_declared_turns_on_redirect_hsts_and_secure_cookies(tmp_path):
    env = production_env(tmp_path, HTTPS="1")
    code = (
        "from django.conf import settings as s; print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_INCLUDE_SUBDOMAINS)"
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-v", "0", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.stdout.split() == ["True", "31536000", "True", "True", "True"], result.stderr


PROXY = {
    "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    "SECURE_SSL_REDIRECT": True,
    "SESSION_COOKIE_SECURE": True,
    "CSRF_COOKIE_SECURE": True,
    "ALLOWED_HOSTS": ["jx.example.test"],
}


def _proxied_login(settings, alice, **overrides):
    for name, value in {**PROXY, **overrides}.items():
        setattr(settings, name, value)
    client = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
    page = client.get(reverse("login"), HTTP_HOST="jx.example.test")
    if page.status_code != 200:
        return page
    token = page.context["csrf_token"]
    return client.post(
        reverse("login"),
        {"username": alice.username, "password": factories.PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_HOST="jx.example.test",
        HTTP_ORIGIN="https://jx.example.test",
    )


def test_login_behind_the_proxy_with_the_forwarded_header(settings, alice):
    response = _proxied_login(settings, alice)
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["secure"] and cookie["httponly"] and cookie["samesite"] == "Lax"


def test_without_the_forwarded_header_setting_the_login_is_refused(settings, alice):
    """What the issue saw: without SECURE_PROXY_SSL_HEADER Django takes the request for
    plain HTTP and redirects it to HTTPS for ever."""
    response = _proxied_login(settings, alice, SECURE_PROXY_SSL_HEADER=None)
    assert response.status_code == 301


def test_a_proxy_that_rewrites_the_host_needs_the_trusted_origin(settings, alice):
    # The proxy passes Host: 127.0.0.1:8000 on; the browser's Origin is the public name.
    settings.ALLOWED_HOSTS = ["jx.example.test", "127.0.0.1"]
    for name, value in PROXY.items():
        if name != "ALLOWED_HOSTS":
            setattr(settings, name, value)

    def post(trusted):
        settings.CSRF_TRUSTED_ORIGINS = trusted
        client = Client(enforce_csrf_checks=True, headers={"X-Forwarded-Proto": "https"})
        token = client.get(reverse("login"), HTTP_HOST="127.0.0.1").context["csrf_token"]
        return client.post(
            reverse("login"),
            {
                "username": alice.username,
                "password": factories.PASSWORD,
                "csrfmiddlewaretoken": token,
            },
            HTTP_HOST="127.0.0.1",
            HTTP_ORIGIN="https://jx.example.test",
        )

    assert post([]).status_code == 403
    assert post(["https://jx.example.test"]).status_code == 302
