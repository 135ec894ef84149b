import pytest
from django.conf import settings

from apps.budgets.models import BudgetYear
from apps.unit_budgets.selectors import book_for
from apps.unit_budgets.services import classification_codes_load_all, unit_budget_load_file

# The browser fixtures of tests/browser, for this app's browser test.
from tests.browser.conftest import browser_type_launch_args, logged_in_page  # noqa: F401

# The spies on PDF exports of tests/exports, for the book's kept pages.
from tests.exports.conftest import renders, writes_and_progress  # noqa: F401

SEED_004 = settings.BASE_DIR / "fixtures" / "demo" / "unit_budgets" / "004.json"


@pytest.fixture
def codes(reference):
    classification_codes_load_all()


@pytest.fixture
def year_2020(reference):
    return BudgetYear.objects.get(year=2020)


@pytest.fixture
def budget_004(codes, unit_a):
    """Seed 004's entries for 教育学院 2020, loaded from the demo fixture."""
    return unit_budget_load_file(SEED_004)


@pytest.fixture
def book_004(budget_004, unit_a, year_2020):
    return book_for(unit_a, year_2020)
