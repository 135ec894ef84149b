"""Who may import master data in the admin, and what a users file may change: a staff
account needs the model's change permission (view to export), users are imported by a
superuser only, and a file cannot make someone 管理员, nor lock out a superuser or the
person importing, unless a superuser says so."""

import tablib
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.accounts.models import User
from apps.imports.resources import UserResource
from tests import factories
from tests.imports.test_master_data import errors

HEADERS = ["用户名", "姓名", "电子邮箱", "单位编码", "角色", "启用"]


def staff(username: str, *codenames: str) -> User:
    user = factories.user(username, User.Role.FILLER)
    user.is_staff = True
    user.save()
    user.user_permissions.set(Permission.objects.filter(codename__in=codenames))
    return User.objects.get(pk=user.pk)  # permission cache cleared


def test_staff_without_model_permissions_cannot_import_or_export(client, reference):
    client.force_login(staff("clerk", "view_unit"))
    for name in ("units_unit", "accounts_user", "indicators_level2"):
        assert client.get(reverse(f"admin:{name}_import")).status_code == 403, name
    assert client.get(reverse("admin:units_unit_export")).status_code == 200  # view only
    assert client.get(reverse("admin:indicators_level2_export")).status_code == 403


def test_change_permission_allows_units_and_taxonomies_but_not_users(client, reference):
    client.force_login(staff("clerk", "change_unit", "change_level2", "change_user"))
    assert client.get(reverse("admin:units_unit_import")).status_code == 200
    assert client.get(reverse("admin:indicators_level2_import")).status_code == 200
    assert client.get(reverse("admin:accounts_user_import")).status_code == 403


def users_file(*rows) -> tablib.Dataset:
    data = tablib.Dataset(headers=HEADERS)
    for row in rows:
        data.append(row)
    return data


def test_only_a_superuser_grants_admin(reference, alice):
    clerk = staff("clerk", "change_user")
    data = users_file(
        ["alice", "", "", "001001", "管理员", "是"], ["newbie", "", "", "", "管理员", "是"]
    )
    messages = errors(UserResource().import_data(data, dry_run=False, user=clerk))
    assert messages.count("只有超级管理员可以通过导入设置“管理员”角色。") == 2
    assert User.objects.get(username="alice").role == User.Role.FILLER
    assert not User.objects.filter(username="newbie").exists()
    # Without a user (code, shell) it is refused too.
    assert errors(UserResource().import_data(data, dry_run=False))

    root = factories.user("root", User.Role.ADMIN)
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    root.refresh_from_db()
    result = UserResource().import_data(data, dry_run=False, user=root)
    assert not errors(result)
    assert User.objects.get(username="alice").role == User.Role.ADMIN


def test_blank_active_cell_leaves_the_user_as_is(reference, alice):
    data = users_file(["alice", "爱丽丝", "", "001001", "填报人", ""])
    assert not errors(UserResource().import_data(data, dry_run=False))
    alice.refresh_from_db()
    assert alice.is_active and alice.first_name == "爱丽丝"
    data = users_file(["alice", "爱丽丝", "", "001001", "填报人", None])
    assert not errors(UserResource().import_data(data, dry_run=False))
    alice.refresh_from_db()
    assert alice.is_active


def test_cannot_deactivate_a_superuser_or_oneself(reference, alice):
    root = factories.user("root", User.Role.ADMIN)
    User.objects.filter(pk=root.pk).update(is_superuser=True, is_staff=True)
    root.refresh_from_db()
    other = factories.user("boss", User.Role.ADMIN)
    User.objects.filter(pk=other.pk).update(is_superuser=True)
    data = users_file(["root", "", "", "", "管理员", "否"], ["boss", "", "", "", "管理员", "否"])
    messages = errors(UserResource().import_data(data, dry_run=False, user=root))
    assert messages.count("不能通过导入停用超级管理员或您自己的账号。") == 2
    assert User.objects.filter(username__in=["root", "boss"], is_active=True).count() == 2
    # A plain user can still be deactivated.
    data = users_file(["alice", "", "", "001001", "填报人", "否"])
    assert not errors(UserResource().import_data(data, dry_run=False, user=root))
    assert not User.objects.get(username="alice").is_active
