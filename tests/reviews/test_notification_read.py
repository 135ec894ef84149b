"""Opening a notice by GET changes nothing; marking it read takes a POST with the CSRF
token, so another site cannot do it with an image link (issue 16, item 5)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from apps.reviews.models import Notification
from tests.reviews.helpers import act


@pytest.fixture
def notice(client_a, project, charlie):
    act(client_a, project, "submit")
    notice = Notification.objects.get(recipient=charlie)
    assert notice.read_at is None
    return notice


def test_a_get_from_a_foreign_page_does_not_mark_read(client_c, notice, project):
    # What <img src="https://our-site/reviews/notifications/7/"> on another site sends:
    # a GET with the user's cookies.
    response = client_c.get(
        reverse("reviews:notification", args=[notice.pk]),
        HTTP_REFERER="https://evil.example/page.html",
        HTTP_SEC_FETCH_SITE="cross-site",
    )
    assert response.status_code == 302  # harmless: it only leads to the project
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    notice.refresh_from_db()
    assert notice.read_at is None


def test_a_cross_site_post_without_the_token_is_refused(charlie, notice):
    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    response = client.post(reverse("reviews:notification", args=[notice.pk]))
    assert response.status_code == 403
    notice.refresh_from_db()
    assert notice.read_at is None


def test_opening_from_the_list_posts_and_marks_read(charlie, notice, project):
    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    page = client.get(reverse("reviews:notifications")).content.decode()
    action = reverse("reviews:notification", args=[notice.pk])
    form = re.search(rf'<form method="post" action="{action}"[^>]*>(.*?)</form>', page, re.S)
    assert form, "each notice opens through a POST form"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    response = client.post(action, {"csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert response["Location"] == reverse("projects:detail", args=[project.pk])
    notice.refresh_from_db()
    assert notice.read_at is not None


@pytest.mark.parametrize("who", ["alice", "bob", "outsider", "fiona"])
def test_another_users_notice_is_404_by_post_and_stays_unread(request, client, notice, who):
    client.force_login(request.getfixturevalue(who))
    response = client.post(reverse("reviews:notification", args=[notice.pk]))
    assert response.status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None
