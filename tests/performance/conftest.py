import pytest

from apps.accounts.models import User
from apps.units.models import Unit
from tests import factories
from tests.performance.helpers import approve


@pytest.fixture
def hank(unit_a):
    """The unit head of unit A."""
    return factories.user("hank", User.Role.UNIT_HEAD, unit_a)


@pytest.fixture
def fiona(reference):
    """A finance reviewer."""
    return factories.user("fiona", User.Role.FINANCE_REVIEWER)


@pytest.fixture
def adam(reference):
    """An administrator: sees everything, takes no part."""
    return factories.user("adam", User.Role.ADMIN)


@pytest.fixture
def foreign_unit(reference):
    return Unit.objects.create(
        code="002001", name="上海市闵行区机关事务服务中心", parent=Unit.objects.get(code="002")
    )


@pytest.fixture
def approved(project, alice):
    """``project`` (unit A, six Minhang indicators, 911,000 元) approved."""
    approve(project, alice)
    return project
