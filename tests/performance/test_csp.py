"""Every page of apps/performance under the strict Content-Security-Policy: nothing inline."""

import pytest
from django.urls import reverse

from tests.performance.helpers import filled, monitored, open_round
from tests.production.test_csp import inline_parts

pytestmark = pytest.mark.django_db


def test_pages_have_nothing_inline(client, approved, alice, fiona):
    evaluation = filled(approved, alice)
    round_ = open_round(fiona)
    report = monitored(round_, approved, alice)
    pages = {
        alice: [
            reverse("performance:detail", args=[evaluation.pk]),
            reverse("performance:print", args=[evaluation.pk]),
            reverse("performance:list"),
            reverse("performance:report", args=[report.pk]),
            reverse("performance:round", args=[round_.pk]),
            reverse("projects:detail", args=[approved.pk]),
        ],
        fiona: [reverse("performance:rounds"), reverse("performance:overview")],
    }
    for user, urls in pages.items():
        client.force_login(user)
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert "Content-Security-Policy" in response.headers, url
            assert inline_parts(response.content.decode()) == [], url
