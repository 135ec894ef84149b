"""Every URL of apps/performance, as every role, with the ids of a real evaluation, report,
round and project (and one that does not exist), by GET and by an empty POST: never a
server error, and another unit's filler or another department's reviewer never reads it."""

import re

import pytest
from django.test import Client
from django.urls import get_resolver

from apps.accounts.models import User
from tests import factories
from tests.performance.helpers import filled, monitored, open_round

pytestmark = pytest.mark.django_db
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")
WORDS = ["submit", "return", "nonsense"]


def routes():
    (resolver,) = [
        p for p in get_resolver().url_patterns if getattr(p, "namespace", "") == "performance"
    ]
    return [str(p.pattern) for p in resolver.url_patterns]


def urls(ids):
    for pattern in routes():
        names = PARAM.findall(pattern)
        if not names:
            yield "/performance/" + pattern
            continue
        for ident in ids:
            words = WORDS if any(c == "str" for c, _ in names) else ["x"]
            for word in words:
                path = PARAM.sub(
                    lambda m, w=word, i=ident: w if m.group(1) == "str" else str(i), pattern
                )
                yield "/performance/" + path


@pytest.mark.parametrize("role", ["alice", "hank", "bob", "charlie", "outsider", "fiona", "adam"])
def test_no_url_answers_a_server_error_nor_leaks(request, approved, alice, unit_a, role):
    users = {
        "alice": alice,
        "hank": factories.user("hank", User.Role.UNIT_HEAD, unit_a),
        "fiona": factories.user("fiona", User.Role.FINANCE_REVIEWER),
        "adam": factories.user("adam", User.Role.ADMIN),
    }
    evaluation = filled(approved, alice)
    report = monitored(open_round(users["fiona"]), approved, alice)
    user = users.get(role) or request.getfixturevalue(role)
    client = Client(raise_request_exception=False)
    client.force_login(user)
    ids = sorted({evaluation.pk, report.pk, report.round_id, approved.pk, 999_999})
    errors, leaks = [], []
    for url in urls(ids):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            if response.status_code >= 500:
                errors.append(f"{method.upper()} {url} → {response.status_code}")
            body = response.content.decode(errors="ignore") if response.status_code == 200 else ""
            if role in ("bob", "outsider") and approved.name in body:
                leaks.append(f"{method.upper()} {url}")
    assert not errors, errors
    assert not leaks, leaks
