"""复制上年 at the edges an examiner tries: texts longer than the page allows (30,000
characters, from an older import), 500 indicators with full 1,000-character cells, and
levels that the new year's taxonomy no longer has. Nothing dropped or cut, compared
snapshot against snapshot; the rows without a level listed on the result page."""

import pytest
from django.urls import reverse

from apps.budgets.models import BudgetYear
from apps.indicators.models import Indicator
from apps.projects.history import project_for_snapshot
from apps.projects.models import Project
from apps.sheets.snapshot import project_snapshot

pytestmark = pytest.mark.django_db

KEPT = ("name", "target_raw", "remark")
LEVELS = ("level1_name", "level2_name")


def snap(project):
    return project_snapshot(project_for_snapshot(project.pk))


def test_a_large_project_copies_whole_into_a_year_with_another_taxonomy(client_a, project):
    long = "长" * 30_000
    Project.objects.filter(pk=project.pk).update(overview=long, annual_goal=long)
    level2 = project.indicators.order_by("order").first().level2
    Indicator.objects.bulk_create(
        Indicator(
            project=project,
            level2=level2,
            name=f"第{i}个指标",
            target_raw="≥90%",
            remark="备" * 1000,
            order=10 + i,
        )
        for i in range(500)
    )
    before = snap(project)
    year = BudgetYear.objects.get(year=2021)
    response = client_a.post(
        reverse("projects:copy", args=[project.pk]),
        {"budget_year": year.pk, "name": project.name, "amounts": "keep"},
    )
    assert response.status_code == 302
    copy = Project.objects.get(budget_year=year)
    after = snap(copy)
    assert after["fields"]["overview"] == long and after["fields"]["annual_goal"] == long
    assert len(after["indicators"]) == len(before["indicators"]) == 506
    for old, new in zip(before["indicators"], after["indicators"], strict=True):
        assert {k: new[k] for k in KEPT} == {k: old[k] for k in KEPT}
        if new["level2"] is None:  # not placed: the typed level names are kept
            assert {k: new[k] for k in LEVELS} == {k: old[k] for k in LEVELS}
    # 效果目标 · 社会效益, 影响力目标 · 长效管理 / 满意度: not in the 2021 taxonomy.
    misfits = copy.indicators.filter(level2__isnull=True)
    assert misfits.count() == 3
    page = client_a.get(response["Location"]).content.decode()
    assert 'id="copy-misfits"' in page
    assert all(i.name in page for i in misfits)
    assert "“产出目标 · 数量”归入新年度指标体系的“产出指标 · 数量指标”" in page
