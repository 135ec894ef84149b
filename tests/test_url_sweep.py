"""Every URL the app routes, as every role, with this unit's ids, other objects' ids and ids
that do not exist, by GET and by an empty POST: never a server error; another unit's
filler and another department's reviewer never read this unit's project through any URL.

The list comes from the URL resolver, so a URL added later is swept without a change here.
"""

import re

import pytest
from django.test import Client
from django.urls import get_resolver
from django.urls.resolvers import URLPattern, URLResolver

from apps.accounts.models import User
from apps.library.models import LibraryIndicator, Tier
from apps.reviews.models import ReviewComment
from tests import factories

SKIP_NAMESPACES = {"admin"}  # Django's own admin, with its own permission system
PARAM = re.compile(r"<(?:(\w+):)?(\w+)>")


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _walk(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        elif isinstance(p, URLPattern):
            yield namespace, prefix + str(p.pattern), p.name


def routes():
    out = []
    for namespace, pattern, name in _walk(get_resolver().url_patterns):
        if namespace in SKIP_NAMESPACES or pattern.startswith("static") or "<path:" in pattern:
            continue
        out.append((namespace, pattern.lstrip("^").rstrip("$"), name))
    return out


def fill(pattern: str, ident: int, word: str) -> str:
    def sub(match):
        converter, _name = match.groups()
        return str(ident) if converter in (None, "int") else word

    return "/" + PARAM.sub(sub, pattern)


@pytest.fixture
def world(alice, bob, charlie, outsider, unit_a):
    fiona = factories.user("fiona", User.Role.FINANCE_REVIEWER)
    adam = factories.user("adam", User.Role.ADMIN)
    hank = factories.user("hank", User.Role.UNIT_HEAD, unit_a)
    project = factories.ready_project(unit=alice.unit)
    indicator = project.indicators.first()
    comment = ReviewComment.objects.create(
        project=project, author=charlie, version_number=1, text="请核对。", sheet="goals"
    )
    entry = LibraryIndicator.objects.create(
        level2=indicator.level2, name="部门指标", owner=outsider.unit, tier=Tier.DEPARTMENT
    )
    ids = sorted({project.pk, entry.pk, comment.pk, 999999})
    users = {
        "alice": alice,
        "hank": hank,
        "bob": bob,
        "charlie": charlie,
        "outsider": outsider,
        "fiona": fiona,
        "adam": adam,
        "anonymous": None,
    }
    return project, ids, users


WORDS = ["goals", "guarantees", "nonsense"]


@pytest.mark.parametrize(
    "role", ["alice", "hank", "bob", "charlie", "outsider", "fiona", "adam", "anonymous"]
)
def test_no_url_answers_a_server_error(world, role, settings):
    project, ids, users = world
    client = Client(raise_request_exception=False)
    if users[role] is not None:
        client.force_login(users[role])
    errors, leaks, seen = [], [], []
    for namespace, pattern, name in routes():
        if name in ("logout",):
            continue
        has_param = bool(PARAM.search(pattern))
        idents = ids if has_param else [0]
        words = WORDS if "<str:" in pattern or "<slug:" in pattern else ["x"]
        for ident in idents:
            for word in words:
                url = fill(pattern, ident, word)
                for method in ("get", "post"):
                    response = getattr(client, method)(url)
                    if response.status_code >= 500:
                        errors.append(f"{method.upper()} {url} → {response.status_code}")
                    shows = (
                        method == "get"
                        and namespace == "projects"
                        and ident == project.pk
                        and response.status_code == 200
                        and project.name in response.content.decode(errors="ignore")
                    )
                    if shows:
                        seen.append(url)
                        if role in ("bob", "outsider"):
                            leaks.append(url)
    assert not errors, errors
    assert not leaks, f"{role} reads unit A's project at {leaks}"
    if role in ("alice", "charlie", "fiona"):
        # The leak check can fail: the same URLs show the project to those who may see it.
        assert len(seen) >= 4, seen
