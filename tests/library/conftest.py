import pytest

from apps.accounts.models import User
from apps.library.models import LibraryIndicator, Tier
from apps.units.models import Unit
from tests import factories


@pytest.fixture
def fiona(reference):
    """A reviewer at the finance bureau (keeps the 共性 tier)."""
    return factories.user("fiona", User.Role.FINANCE_REVIEWER)


@pytest.fixture
def adam(reference):
    return factories.user("adam", User.Role.ADMIN)


@pytest.fixture
def hank(unit_a):
    return factories.user("hank", User.Role.UNIT_HEAD, unit_a)


@pytest.fixture
def edu(reference):
    """教育局, the department of units A and B."""
    return Unit.objects.get(code="001")


@pytest.fixture
def other_department(reference):
    return Unit.objects.get(code="002")


def entry(level2, name, *, owner=None, **values) -> LibraryIndicator:
    return LibraryIndicator.objects.create(
        level2=level2,
        name=name,
        owner=owner,
        tier=Tier.DEPARTMENT if owner else Tier.COMMON,
        **values,
    )
