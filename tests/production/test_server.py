"""The production server for real: scripts/serve.sh runs gunicorn with DEBUG off and a
db_worker; pages, static files, and HTTPS behind a reverse proxy (forwarded headers)."""

import gzip
import re
import subprocess
import sys

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.urls import reverse

from apps.projects.models import Project
from tests import factories
from tests.formdata import form_data
from tests.production.server import ROOT, Browser, production_env, production_server

pytestmark = pytest.mark.django_db(transaction=True)

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def production_user(username, unit):
    """A user whose password the production hashers verify (tests hash with MD5)."""
    user = factories.user(username, "filler", unit)
    user.password = PBKDF2PasswordHasher().encode(factories.PASSWORD, "saltsalt", iterations=1000)
    user.save(update_fields=["password"])
    return user


def login(browser: Browser, username: str, password: str, **headers):
    page = browser.get("/login/", headers=headers)
    assert page.status == 200, page.status
    token = CSRF.search(page.body.decode()).group(1)
    return browser.post(
        "/login/",
        {"username": username, "password": password, "csrfmiddlewaretoken": token},
        headers=headers,
    )


def test_gunicorn_with_debug_off_serves_the_login_page_and_hashed_compressed_static_files(
    tmp_path, reference
):
    with production_server(tmp_path) as port:
        browser = Browser(port)
        page = browser.get("/login/")
        assert page.status == 200
        assert page.headers["Server"].startswith("gunicorn")
        html = page.body.decode()
        assert "登录" in html and "Traceback" not in html
        assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
        # collectstatic ran: links point at content-hashed names (manifest storage).
        css = re.search(r'href="(/static/css/app\.[0-9a-f]{12}\.css)"', html).group(1)
        static = browser.get(css)
        assert static.status == 200
        assert static.headers["Content-Type"].startswith("text/css")
        assert "immutable" in static.headers["Cache-Control"]  # WhiteNoise, far-future
        assert b".sheet" in static.body
        zipped = browser.get(css, headers={"Accept-Encoding": "gzip"})
        assert zipped.headers["Content-Encoding"] == "gzip"
        assert gzip.decompress(zipped.body) == static.body
        assert browser.get("/static/css/no-such-file.css").status == 404
        missing = browser.get("/no-such-page/")
        assert missing.status in (302, 404)  # login first, then the Chinese 404


def test_login_and_sheet_save_over_https_behind_a_reverse_proxy(tmp_path, reference, unit_a):
    """The proxy ends TLS and forwards plain HTTP with X-Forwarded-Proto: https. Gunicorn
    is told not to trust the proxy's address (FORWARDED_ALLOW_IPS elsewhere), so Django's
    SECURE_PROXY_SSL_HEADER and CSRF_TRUSTED_ORIGINS, read from the environment, decide."""
    alice = production_user("alice", unit_a)
    project = factories.ready_project(unit=alice.unit)
    origin = "https://jx.example.test"
    with production_server(
        tmp_path,
        HTTPS="1",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https",
        CSRF_TRUSTED_ORIGINS=origin,
        SITE_URL=origin,
        FORWARDED_ALLOW_IPS="192.0.2.1",
    ) as port:
        plain = Browser(port, host="jx.example.test")
        redirect = plain.get("/login/")
        assert redirect.status == 301
        assert redirect.headers["Location"] == f"{origin}/login/"

        proxied = {"X-Forwarded-Proto": "https", "Origin": origin, "Referer": f"{origin}/login/"}
        browser = Browser(port, host="jx.example.test", headers=proxied)
        response = login(browser, alice.username, factories.PASSWORD)
        assert response.status == 302, response.body.decode()[:500]
        assert response.headers["Location"] == "/"
        assert "max-age=31536000" in response.headers["Strict-Transport-Security"]
        for name in ("sessionid", "csrftoken"):
            flags = browser.cookie_header(name).lower()
            assert "; secure" in flags, flags
        assert "httponly" in browser.cookie_header("sessionid").lower()

        url = reverse("projects:sheet", args=[project.pk, "overview"])
        page = browser.get(url)
        assert page.status == 200
        data = form_data(page.body.decode())
        data["leader"] = "经代理保存"
        saved = browser.post(url, data, headers={"Referer": f"{origin}{url}"})
        assert saved.status == 302, saved.body.decode()[:800]
    assert Project.objects.get(pk=project.pk).leader == "经代理保存"


def test_check_deploy_passes_with_no_warning_when_https_is_declared(tmp_path):
    def check(**extra):
        env = production_env(tmp_path, MAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend")
        env.update(extra)
        return subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )

    declared = check(HTTPS="1")
    assert declared.returncode == 0, declared.stderr
    assert "no issues" in declared.stdout
    plain = check()  # the same deployment without HTTPS: the check does fail
    assert plain.returncode != 0
    for code in ("W004", "W008", "W012", "W016"):
        assert code in plain.stderr
