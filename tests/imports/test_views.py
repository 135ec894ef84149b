"""The import pages: the flow, and every URL refused to whoever may not use it."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from apps.accounts.models import User
from apps.imports.models import ImportBatch
from apps.projects.models import Project
from tests import factories
from tests.imports.builders import export_project, official_spec, official_workbook


def post_file(client, data, unit, **extra):
    return client.post(
        reverse("imports:upload"),
        {"file": SimpleUploadedFile("表.xlsx", data), "unit": unit.pk, **extra},
    )


@pytest.fixture
def batch_a(client_a, alice):
    post_file(client_a, official_workbook(official_spec()), alice.unit)
    return ImportBatch.objects.get(user=alice)


def test_upload_page_says_the_limits(client_a):
    page = client_a.get(reverse("imports:upload")).content.decode()
    assert (
        "文件不超过 10 MB（解压后不超过 80 MB），工作表不超过 300 张，每张工作表不超过 2000 行、60 列"
        in page
    )
    assert 'id="import-upload"' in page


def test_whole_flow_upload_preview_commit(client_a, alice):
    response = post_file(client_a, official_workbook(official_spec()), alice.unit)
    batch = ImportBatch.objects.get()
    assert response.url == reverse("imports:preview", args=[batch.pk])
    page = client_a.get(response.url).content.decode()
    assert "共 1 个项目：新建 <strong>1</strong> 个" in page
    assert "原表金额合计 14,718,994.00 与明细金额之和 14,718,993.60 不符（相差 0.40）。" in page
    assert Project.objects.count() == 0  # nothing before the confirmation

    response = client_a.post(reverse("imports:commit", args=[batch.pk]), follow=True)
    page = response.content.decode()
    project = Project.objects.get()
    assert "导入完成。" in page and reverse("projects:detail", args=[project.pk]) in page
    assert 'id="batch-status">已导入' in page
    # A second click does not import twice.
    response = client_a.post(reverse("imports:commit", args=[batch.pk]), follow=True)
    assert "不能再导入" in response.content.decode()
    assert Project.objects.count() == 1


def test_cancel(client_a, batch_a):
    response = client_a.post(reverse("imports:cancel", args=[batch_a.pk]), follow=True)
    assert "已放弃这次导入，没有写入任何内容。" in response.content.decode()
    batch_a.refresh_from_db()
    assert batch_a.status == ImportBatch.Status.CANCELLED
    client_a.post(reverse("imports:commit", args=[batch_a.pk]))
    assert Project.objects.count() == 0


@pytest.mark.parametrize("name", ["preview", "commit", "cancel"])
def test_another_users_batch_is_404(client, bob, batch_a, name):
    client.force_login(bob)
    method = client.get if name == "preview" else client.post
    assert method(reverse(f"imports:{name}", args=[batch_a.pk])).status_code == 404
    batch_a.refresh_from_db()
    assert batch_a.status == ImportBatch.Status.PREVIEW
    assert Project.objects.count() == 0


def test_a_colleague_of_the_same_unit_cannot_open_my_batch(client, alice, batch_a):
    client.force_login(factories.user("alice2", User.Role.FILLER, alice.unit))
    assert client.get(reverse("imports:preview", args=[batch_a.pk])).status_code == 404
    assert client.post(reverse("imports:commit", args=[batch_a.pk])).status_code == 404


def test_commit_and_cancel_are_post_only(client_a, batch_a):
    assert client_a.get(reverse("imports:commit", args=[batch_a.pk])).status_code == 405
    assert client_a.get(reverse("imports:cancel", args=[batch_a.pk])).status_code == 405


def test_filler_cannot_choose_another_unit(client_a, unit_b):
    response = post_file(client_a, official_workbook(official_spec()), unit_b)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode()
    assert ImportBatch.objects.count() == Project.objects.count() == 0


@pytest.mark.parametrize("who", ["charlie", "outsider"])
def test_reviewers_cannot_import(client, who, request, unit_a):
    user = request.getfixturevalue(who)
    client.force_login(user)
    page = client.get(reverse("imports:upload")).content.decode()
    assert "只有单位填报人（或单位负责人）可以导入本单位的项目。" in page
    response = post_file(client, official_workbook(official_spec()), unit_a)
    assert response.status_code == 400
    assert ImportBatch.objects.count() == Project.objects.count() == 0


def test_anonymous_is_sent_to_login(client):
    response = client.get(reverse("imports:upload"))
    assert response.status_code == 302 and "/login/" in response.url


def test_admin_imports_into_any_unit(client, unit_b):
    client.force_login(factories.user("root", User.Role.ADMIN))
    post_file(client, official_workbook(official_spec()), unit_b)
    batch = ImportBatch.objects.get()
    client.post(reverse("imports:commit", args=[batch.pk]))
    assert Project.objects.get().unit == unit_b


def test_project_changed_since_the_preview(client_a, alice, project):
    data = export_project(project)
    Project.objects.filter(pk=project.pk).update(leader="改过的人")
    post_file(client_a, data, alice.unit)
    batch = ImportBatch.objects.get()
    assert batch.plan["projects"][0]["action"] == "update"
    project.indicators.filter(name="学校安保负责人满意度").update(target_raw="≥99%")  # meanwhile
    response = client_a.post(reverse("imports:commit", args=[batch.pk]), follow=True)
    page = response.content.decode()
    assert "项目“安全集成管理平台”自预览以来已被修改。" in page
    assert "没有写入任何内容。请重新上传文件生成新的预览。" in page
    project.refresh_from_db()
    assert project.leader == "改过的人"  # nothing written
    batch.refresh_from_db()
    assert batch.status == ImportBatch.Status.STALE


def test_project_submitted_since_the_preview(client_a, alice, project):
    data = export_project(project)
    Project.objects.filter(pk=project.pk).update(leader="改过的人")
    post_file(client_a, data, alice.unit)
    batch = ImportBatch.objects.get()
    Project.objects.filter(pk=project.pk).update(status=Project.Status.SUBMITTED)
    client_a.post(reverse("imports:commit", args=[batch.pk]))
    project.refresh_from_db()
    assert project.leader == "改过的人"


def test_submitted_project_cannot_be_changed_by_import(client_a, alice, project):
    data = export_project(project)
    Project.objects.filter(pk=project.pk).update(
        status=Project.Status.SUBMITTED, current_budget=Decimal("1")
    )
    post_file(client_a, data, alice.unit)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.BLOCKED
    [issue] = [i for i in batch.plan["projects"][0]["issues"] if i["severity"] != "notice"]
    # The reason is can_edit's own.
    assert issue["message"].startswith(
        "系统中已有同名项目“安全集成管理平台”，但不能修改：项目状态为“已提交”"
    )


def test_submitted_project_unchanged_is_skipped(client_a, alice, project):
    Project.objects.filter(pk=project.pk).update(status=Project.Status.SUBMITTED)
    post_file(client_a, export_project(project), alice.unit)
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.PREVIEW
    client_a.post(reverse("imports:commit", args=[batch.pk]))
    batch.refresh_from_db()
    assert batch.result["unchanged"] == [{"pk": project.pk, "name": project.name}]


def test_preview_page_query_count(client_a, batch_a, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        assert client_a.get(reverse("imports:preview", args=[batch_a.pk])).status_code == 200
