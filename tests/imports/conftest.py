import pytest

from apps.budget_lines.models import BudgetLine
from apps.guarantees.models import RuleDocument
from apps.imports.models import ImportBatch
from apps.indicators.models import Indicator
from apps.projects.models import Project, SubProject

COUNTED = (Project, SubProject, Indicator, BudgetLine, RuleDocument)


def row_counts() -> dict:
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def nothing_written(db):
    """Asserts, after the test, that no project data was written (rows counted before)."""
    before = row_counts()
    batches = ImportBatch.objects.count()
    yield batches
    assert row_counts() == before
