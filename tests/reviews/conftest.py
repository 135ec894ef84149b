import pytest
from django.test import Client

from apps.accounts.models import User
from apps.units.models import Unit
from tests import factories


@pytest.fixture
def hank(unit_a):
    """The unit head of unit A (教育学院), alice's colleague."""
    return factories.user("hank", User.Role.UNIT_HEAD, unit_a)


@pytest.fixture
def fiona(reference):
    """A reviewer at the finance bureau (sees every unit)."""
    return factories.user("fiona", User.Role.FINANCE_REVIEWER)


@pytest.fixture
def adam(reference):
    """An administrator (sees every project, takes no part in the review)."""
    return factories.user("adam", User.Role.ADMIN)


@pytest.fixture
def foreign_unit(reference):
    """A unit under the other department (机关事务管理局, code 002)."""
    return Unit.objects.create(
        code="002001",
        name="上海市闵行区机关事务服务中心",
        kind=Unit.Kind.UNIT,
        parent=Unit.objects.get(code="002"),
    )


def _filled(user, project):
    """``user`` once changed a value of ``project``'s sheets (say, as the unit's filler
    before moving to review), as the history records it."""
    from apps.history.models import Change

    Change.objects.create(
        project=project, actor=user, revision=1, sheet="overview", key="leader", label="项目负责人"
    )
    return user


@pytest.fixture
def dora(project):
    """A reviewer of 教育局 who filled ``project`` (segregation of duties)."""
    dora = factories.user("dora", User.Role.DEPT_REVIEWER, Unit.objects.get(code="001"))
    return _filled(dora, project)


@pytest.fixture
def fred(project):
    """A finance reviewer who filled ``project``."""
    return _filled(factories.user("fred", User.Role.FINANCE_REVIEWER), project)


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_c(charlie):
    """charlie's own browser (``client``/``client_a`` are one and the same object)."""
    return _logged_in(charlie)


@pytest.fixture
def client_f(fiona):
    return _logged_in(fiona)


@pytest.fixture
def client_h(hank):
    return _logged_in(hank)
