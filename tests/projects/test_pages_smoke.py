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
    assert (
        'name="ind-0-name" value="平台建设计划完成率" maxlength="300" class="form-control' in body
    )
    assert '<select name="ind-0-level2" class="form-select form-select-sm"' in body
    assert 'name="line-0-amount" value="560,000.00"' in body
    assert 'class="form-control form-control-sm" id="id_line-0-amount"' in body
