import os

import pytest
from hypothesis import settings as hypothesis_settings

from apps.accounts.models import User
from apps.budgets.reference import reference_load
from apps.units.models import Unit
from tests import factories

# Property tests: the same examples on every run (a CI result that depends on luck helps
# nobody); HYPOTHESIS_PROFILE=explore searches afresh each run, to hunt for new failures.
hypothesis_settings.register_profile("repeatable", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

# Playwright drives Chromium from this process while live_server serves Django.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture
def reference(db):
    reference_load()


@pytest.fixture
def unit_a(reference):
    return Unit.objects.get(name="上海市闵行区教育学院")


@pytest.fixture
def unit_b(reference):
    return Unit.objects.get(name="上海市闵行区教育信息中心")


@pytest.fixture
def alice(unit_a):
    """A filler of unit A (教育学院)."""
    return factories.user("alice", User.Role.FILLER, unit_a)


@pytest.fixture
def bob(unit_b):
    """A filler of unit B (教育信息中心)."""
    return factories.user("bob", User.Role.FILLER, unit_b)


@pytest.fixture
def charlie(reference):
    """A reviewer at the supervising department 教育局."""
    return factories.user("charlie", User.Role.DEPT_REVIEWER, Unit.objects.get(code="001"))


@pytest.fixture
def outsider(reference):
    """A reviewer of another department (机关事务管理局)."""
    return factories.user("olga", User.Role.DEPT_REVIEWER, Unit.objects.get(code="002"))


@pytest.fixture
def project(alice):
    return factories.ready_project(unit=alice.unit)


@pytest.fixture
def client_a(client, alice):
    client.force_login(alice)
    return client


@pytest.fixture(autouse=True)
def _fresh_form_version_settings():
    """FormVersion settings are cached per process (apps/budgets/models.py); a test's
    rolled-back change must not reach the next test through that cache."""
    from apps.budgets.models import _CACHE

    _CACHE.clear()
    yield
    _CACHE.clear()
