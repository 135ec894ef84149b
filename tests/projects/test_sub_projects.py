from django.urls import reverse

from apps.checks.findings import Sheet
from apps.indicators.models import Indicator
from tests.formdata import form_data


def test_sub_projects_are_named_and_rows_can_belong_to_them(client_a, project):
    url = reverse("projects:sub_projects", args=[project.pk])
    data = form_data(client_a.get(url).content.decode(), form_id="sub-form")
    data["sub-0-name"] = "PATHS"
    assert client_a.post(url, data).status_code == 302
    detail = client_a.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "【PATHS】" in detail

    sheet_url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    page = client_a.get(sheet_url).content.decode()
    assert "子项目" in page  # the column appears once the project has sub-projects
    data = form_data(page)
    sub_id = project.sub_projects.get().pk
    data["ind-5-sub_project"] = str(sub_id)
    assert client_a.post(sheet_url, data).status_code == 302
    tagged = Indicator.objects.get(project=project, sub_project_id=sub_id)
    assert tagged.name == "学校安保负责人满意度"


def test_sub_project_of_another_project_is_refused(client_a, alice, project):
    from tests import factories

    other = factories.ready_project(unit=alice.unit, name="另一个项目")
    foreign = other.sub_projects.create(name="WAP课程")
    project.sub_projects.create(name="PATHS")
    sheet_url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    data = form_data(client_a.get(sheet_url).content.decode())
    data["ind-0-sub_project"] = str(foreign.pk)
    response = client_a.post(sheet_url, data)
    assert response.status_code == 200
    assert "选择一个有效的选项" in response.content.decode() or "请选择本项目的子项目" in (
        response.content.decode()
    )
    assert not Indicator.objects.filter(sub_project=foreign).exists()


def test_sub_projects_saved_from_a_stale_page_are_refused_and_kept(client_a, project):
    """Two people on the sub-project page: the later save does not overwrite silently."""
    url = reverse("projects:sub_projects", args=[project.pk])
    first = form_data(client_a.get(url).content.decode(), form_id="sub-form")
    second = dict(first)
    first["sub-0-name"] = "PATHS"
    assert client_a.post(url, first).status_code == 302
    second["sub-0-name"] = "WAP课程"
    response = client_a.post(url, second)
    assert response.status_code == 200
    body = response.content.decode()
    assert "没有保存" in body and 'value="WAP课程"' in body  # refused, the input kept
    assert list(project.sub_projects.values_list("name", flat=True)) == ["PATHS"]
    # Posting the returned page again is deliberate: the second person's row is added.
    again = form_data(body, form_id="sub-form")
    assert client_a.post(url, again).status_code == 302
    assert sorted(project.sub_projects.values_list("name", flat=True)) == ["PATHS", "WAP课程"]
