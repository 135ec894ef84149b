import pytest
from django.urls import reverse

from apps.checks.findings import Sheet


@pytest.mark.parametrize("sheet", list(Sheet))
def test_sheet_pages_render_for_filler(client_a, project, sheet):
    response = client_a.get(reverse("projects:sheet", args=[project.pk, sheet]))
    assert response.status_code == 200
    assert project.name in response.content.decode()


def test_row_widgets_carry_the_compact_classes(client_a, project):
    body = client_a.get(reverse("projects:sheet", args=[project.pk, Sheet.GOALS])).content.decode()
    assert 'name="ind-0-name" value="平台建设计划完成率" class="form-control' in body
    assert '<select name="ind-0-level2" class="form-select form-select-sm"' in body
    assert 'name="line-0-amount" value="560,000.00"' in body
    assert 'class="form-control form-control-sm" id="id_line-0-amount"' in body


@pytest.mark.parametrize("sheet", list(Sheet))
def test_no_text_box_of_a_sheet_cuts_a_long_paste(client_a, project, sheet):
    """A browser silently cuts a paste at ``maxlength``: the sheets have none; the field
    refuses a too long text at its place with the count (below), and keeps it whole."""
    body = client_a.get(reverse("projects:sheet", args=[project.pk, sheet])).content.decode()
    assert "maxlength" not in body


def test_a_too_long_name_is_refused_at_its_field_and_kept_whole(client_a, project):
    from tests.formdata import form_data

    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    data = form_data(client_a.get(url).content.decode())
    long_name = "长" * 12_000
    data["ind-0-name"] = long_name
    response = client_a.post(url, data)
    body = response.content.decode()
    assert response.status_code == 200  # shown again, nothing saved
    assert "最多" in body or "不超过" in body
    assert long_name in body  # the whole text is back on the page
    project.refresh_from_db()
    assert project.indicators.filter(name=long_name).count() == 0


def test_a_nul_character_in_a_sheet_text_is_refused_in_plain_chinese(client_a, project):
    from tests.formdata import form_data

    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    data = form_data(client_a.get(url).content.decode())
    data["ind-0-name"] = "平台\x00建设"
    response = client_a.post(url, data)
    assert response.status_code == 200
    assert "含有空字符" in response.content.decode()
