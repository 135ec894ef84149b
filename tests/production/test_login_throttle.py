"""Login throttling (django-axes): per user name and per address, a Chinese lockout page,
nobody exempt (the administrator neither), and an administrator unlocks in the admin."""

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from tests import factories

LIMIT = 10  # LOGIN_FAILURE_LIMIT's default


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.fixture
def admin_user(reference, unit_a):
    admin = factories.user("root", User.Role.ADMIN, unit_a)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    return admin


@pytest.mark.parametrize("who", ["alice", "admin_user"])
def test_fifty_wrong_passwords_lock_the_account_and_the_right_one_is_then_refused(
    request, client, settings, who
):
    assert settings.AXES_FAILURE_LIMIT == LIMIT
    user = request.getfixturevalue(who)
    statuses = [attempt(client, user.username, f"wrong-{i}").status_code for i in range(50)]
    assert statuses[: LIMIT - 1] == [200] * (LIMIT - 1)  # the form again, with its error
    assert set(statuses[LIMIT:]) == {429}
    refused = attempt(client, user.username, factories.PASSWORD)
    assert refused.status_code == 429
    assert not logged_in(client)
    html = refused.content.decode()
    assert "登录已暂时锁定" in html and "30 分钟" in html and "联系管理员" in html


def test_lockout_per_user_follows_the_name_across_addresses(client, alice):
    for i in range(LIMIT):
        attempt(client, alice.username, "wrong", address=f"10.0.1.{i}")
    assert attempt(client, alice.username, factories.PASSWORD, "10.0.2.99").status_code == 429


def test_lockout_per_address_covers_other_names(client, alice, bob):
    for i in range(LIMIT):
        attempt(client, f"guess{i}", "wrong", address="10.0.3.3")
    assert attempt(client, bob.username, factories.PASSWORD, "10.0.3.3").status_code == 429
    # Another address is not locked: bob logs in from his own machine.
    assert attempt(Client(), bob.username, factories.PASSWORD, "10.0.3.4").status_code == 302


def test_a_success_before_the_limit_starts_the_count_afresh(client, alice):
    for _ in range(LIMIT - 1):
        attempt(client, alice.username, "wrong")
    assert attempt(client, alice.username, factories.PASSWORD).status_code == 302
    other = Client()
    for _ in range(LIMIT - 1):
        assert attempt(other, alice.username, "wrong").status_code == 200


def test_an_administrator_unlocks_in_the_admin(client, alice, admin_user):
    for _ in range(LIMIT):
        attempt(client, alice.username, "wrong")
    assert attempt(client, alice.username, factories.PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(admin_user)
    changelist = reverse("admin:axes_accessattempt_changelist")
    page = admin.get(changelist)
    assert page.status_code == 200 and alice.username in page.content.decode()
    ids = [str(pk) for pk in AccessAttempt.objects.values_list("pk", flat=True)]
    confirm = {"action": "delete_selected", "_selected_action": ids}
    assert admin.post(changelist, confirm).status_code == 200  # the confirmation page
    done = admin.post(changelist, {**confirm, "post": "yes"})
    assert done.status_code == 302
    assert not AccessAttempt.objects.exists()
    response = attempt(Client(), alice.username, factories.PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"


def test_force_login_of_the_test_suite_is_not_throttled(client, alice):
    for _ in range(LIMIT + 5):
        client.force_login(alice)
    assert client.get(reverse("projects:list")).status_code == 200


def test_behind_a_proxy_each_client_address_counts_on_its_own(client, bob, settings):
    """LOGIN_PROXY_COUNT=1: the address comes from X-Forwarded-For, so one person's typos
    do not lock out everyone behind the same proxy."""
    settings.LOGIN_PROXY_COUNT = 1

    def via_proxy(c, username, password, client_address):
        return c.post(
            reverse("login"),
            {"username": username, "password": password},
            REMOTE_ADDR="10.9.9.9",
            HTTP_X_FORWARDED_FOR=client_address,
        )

    for i in range(LIMIT):
        via_proxy(client, f"typo{i}", "wrong", "10.0.5.1")
    assert via_proxy(Client(), "typo0", "x", "10.0.5.1").status_code == 429
    assert via_proxy(Client(), bob.username, factories.PASSWORD, "10.0.5.2").status_code == 302
    # An address planted in front by the client changes nothing: the proxy's entry counts.
    planted = via_proxy(Client(), "typo1", "x", "1.2.3.4, 10.0.5.1")
    assert planted.status_code == 429
