"""Password rules with Chinese messages, and sessions that end on shared office PCs
(issue 16, item 7)."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from tests import factories

CJK = re.compile(r"[\u4e00-\u9fff]")


def messages_for(password, user=None) -> list[str]:
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    return refused.value.messages


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("1234567", "至少要包含 8 个字符"),
        ("password", "这个密码太常见了"),
        ("20200615", "密码只包含数字"),
        ("alice123", "用户名"),
    ],
)
def test_each_rule_refuses_in_chinese(alice, password, expected):
    messages = messages_for(password, alice)
    assert any(expected in m for m in messages), messages
    for message in messages:
        assert CJK.search(message), message
        assert not re.search(r"[A-Za-z]{4,}", message.replace(alice.username, "")), message


def test_a_good_password_passes(alice):
    validate_password("预算绩效-Minhang-2020", alice)


def test_changing_ones_password_applies_the_rules(client_a, alice):
    url = reverse("password_change")
    page = client_a.get(url)
    assert page.status_code == 200 and "修改密码" in page.content.decode()
    response = client_a.post(
        url,
        {
            "old_password": factories.PASSWORD,
            "new_password1": "12345678",
            "new_password2": "12345678",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "这个密码太常见了" in html and "密码只包含数字" in html
    alice.refresh_from_db()
    assert alice.check_password(factories.PASSWORD)
    response = client_a.post(
        url,
        {
            "old_password": factories.PASSWORD,
            "new_password1": "预算绩效-Minhang-2020",
            "new_password2": "预算绩效-Minhang-2020",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("预算绩效-Minhang-2020")
    assert client_a.get(reverse("password_change_done")).status_code == 200


def test_the_password_page_needs_a_login(client, reference):
    response = client.get(reverse("password_change"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_the_admin_sets_passwords_under_the_same_rules(client, reference):
    root = factories.user("root", User.Role.ADMIN)
    root.is_staff = root.is_superuser = True
    root.save()
    client.force_login(root)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newbie",
            "password1": "12345678",
            "password2": "12345678",
            "usable_password": "true",
        },
    )
    assert response.status_code == 200
    assert "这个密码太常见了" in response.content.decode()
    assert not User.objects.filter(username="newbie").exists()


def _login(client, user):
    response = client.post(
        reverse("login"), {"username": user.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    return response


def test_the_session_cookie_ends_with_the_browser(client, alice):
    cookie = _login(client, alice).cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""


def test_an_idle_session_ends(client, alice):
    _login(client, alice)
    assert client.get(reverse("projects:list")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date <= timezone.now() + timedelta(
        minutes=settings.SESSION_IDLE_MINUTES, seconds=5
    )
    # Idle for longer than the timeout: the session is gone, the PC shows the login.
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("projects:list"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_activity_keeps_the_session_alive_without_a_write_per_request(
    client, alice, monkeypatch, django_assert_num_queries
):
    _login(client, alice)
    client.get(reverse("projects:list"))
    first = Session.objects.get().expire_date
    # Within the touch interval: no session write.
    client.get(reverse("projects:list"))
    assert Session.objects.get().expire_date == first
    # A minute later the visit slides the expiry on.
    import apps.accounts.middleware as middleware

    later = middleware.time.time() + middleware.TOUCH_SECONDS + 1
    monkeypatch.setattr(middleware.time, "time", lambda: later)
    client.get(reverse("projects:list"))
    assert Session.objects.get().expire_date > first


def _settings(**env):
    code = "import config.settings as s; print(s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE)"
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SESSION_")}
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=settings.BASE_DIR,
        env={**clean, "DEBUG": "1", **env},
        capture_output=True,
        text=True,
    )


def test_the_session_settings_come_from_the_environment():
    assert _settings().stdout.split() == ["1800", "True"]
    assert _settings(
        SESSION_IDLE_MINUTES="480", SESSION_EXPIRE_AT_BROWSER_CLOSE="0"
    ).stdout.split() == ["28800", "False"]
    for bad in (
        {"SESSION_IDLE_MINUTES": "0"},
        {"SESSION_IDLE_MINUTES": "half"},
        {"SESSION_EXPIRE_AT_BROWSER_CLOSE": "maybe"},
    ):
        result = _settings(**bad)
        assert result.returncode != 0 and next(iter(bad)) in result.stderr
