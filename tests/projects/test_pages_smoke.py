import pytest
from django.urls import reverse

from apps.checks.findings import Sheet


@pytest.mark.parametrize("sheet", list(Sheet))
def test_sheet_pages_render_for_filler(client_a, project, sheet):
    response = client_a.get(reverse("projects:sheet", args=[project.pk, sheet]))
    assert response.status_code == 200
    assert project.name in response.content.decode()
