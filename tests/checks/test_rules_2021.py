"""Rules of the 2021 core-indicator table, each from the clean 2021 demo filing broken in
one place; and the version's settings (分值合计) as data an administrator changes."""

from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from apps.budgets.models import FormVersion
from apps.checks.rules import check_filing
from apps.checks.snapshot import filing_from_project
from apps.projects.services import load_project_file

DEMO = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects" / "2021a.json"


@pytest.fixture
def filing(reference):
    project = load_project_file(DEMO)
    return filing_from_project(project)


def codes(filing):
    return sorted(f.code for f in check_filing(filing))


def broken(filing, index, **changes):
    rows = list(filing.indicators)
    rows[index] = replace(rows[index], **changes)
    return replace(filing, indicators=rows)


def test_the_clean_2021_filing_has_no_findings(filing):
    assert codes(filing) == []


@pytest.mark.parametrize(
    "index, changes, expected",
    [
        (0, {"nature": ""}, ["N_NATURE_BLANK"]),
        (4, {"target_value": "≥500"}, ["N_NATURE_MISMATCH", "T_COST_GE"]),  # 反向 with ≥
        (0, {"target_value": "≤1200"}, ["N_NATURE_MISMATCH"]),  # 正向 with ≤
        (5, {"target_value": "15"}, ["N_QUALITATIVE_NUMBER"]),  # 定性 with a number
        (1, {"measure_unit": ""}, ["N_UNIT_BLANK"]),
        (2, {"weight": None}, ["W_WEIGHTS_TOTAL", "W_WEIGHT_BLANK"]),
        (2, {"weight": Decimal("11")}, ["W_WEIGHTS_TOTAL"]),
        (0, {"target_value": ""}, ["T_BLANK"]),
    ],
)
def test_each_break_is_found(filing, index, changes, expected):
    assert codes(broken(filing, index, **changes)) == expected


def test_findings_point_at_the_2021_fields(filing):
    (finding,) = [
        f for f in check_filing(broken(filing, 4, target_value="≥500")) if f.code.startswith("N_")
    ]
    assert finding.anchor == "ind-4-target_value"
    assert finding.message == "“人均培训成本”为反向指标，应使用“≤”，指标值却写了“≥”。"


def test_the_weights_total_is_a_setting_of_the_version(reference, filing):
    version = FormVersion.objects.get(code="national-2021")
    version.weights_total = Decimal("100")
    version.save()
    (finding,) = check_filing(filing_from_project(filing_project(filing)))
    assert finding.code == "W_WEIGHTS_TOTAL"
    assert "各指标分值合计 90.00，应为 100.00" in finding.message
    version.weights_total = None
    version.save()
    assert codes(filing_from_project(filing_project(filing))) == []


def filing_project(filing):
    from apps.projects.models import Project

    return Project.objects.get(name=filing.fields["name"])
