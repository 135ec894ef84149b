"""A submitted version prints through the same layout as the project it froze: for an
unchanged project, every cell of the three sheets is the same."""

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from apps.exports.layout import project_for_export, project_layouts
from apps.indicators.models import Indicator
from apps.projects.models import SubProject
from apps.projects.services import load_project_file
from apps.reviews.frozen import frozen_project
from apps.reviews.models import ProjectVersion
from apps.sheets.snapshot import project_snapshot
from tests import factories
from tests.reviews.helpers import act

PROJECTS_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects"


def cells(layouts):
    """Everything a layout prints: titles, lines, and each cell's text, kind and spans."""
    out = []
    for layout in layouts:
        out.append(
            (layout.key, layout.title, layout.year_line, layout.meta_left, layout.meta_right)
        )
        out.append(tuple(layout.columns))
        out.append(tuple(layout.footer))
        for section in layout.sections:
            for part in (section.head, section.body):
                out.append([[(c.text, c.kind, c.colspan, c.rowspan) for c in row] for row in part])
    return out


def freeze(project, user) -> ProjectVersion:
    fresh = project_for_export(project.pk)
    return ProjectVersion.objects.create(
        project=fresh, number=99, data=project_snapshot(fresh), created_by=user
    )


def assert_same_print(project, user):
    live = project_layouts(project_for_export(project.pk))
    version = freeze(project, user)
    frozen = project_layouts(frozen_project(ProjectVersion.objects.get(pk=version.pk)))
    assert cells(frozen) == cells(live)
    return live


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(p.name for p in PROJECTS_DIR.glob("*.json")))
def test_every_demo_project_prints_the_same_from_its_version(name, reference, alice):
    project = load_project_file(PROJECTS_DIR / name)
    live = assert_same_print(project, alice)
    assert sum(len(s.body) for layout in live for s in layout.sections) > 10  # not empty


@pytest.mark.django_db
def test_sub_projects_grouping_blanks_and_stages_survive_the_freeze(alice):
    project = factories.ready_project(unit=alice.unit)
    sub = SubProject.objects.create(project=project, name="一期", order=0)
    # An indicator put last though its group prints first: the layout regroups it.
    first = project.indicators.order_by("order").first()
    Indicator.objects.create(
        project=project,
        level2=first.level2,
        name="后加的数量指标",
        target_raw="≥3个",
        order=50,
        sub_project=sub,
    )
    line = project.budget_lines.order_by("order").first()
    line.quantity, line.unit_price, line.sub_project = Decimal("2.50"), Decimal("224000"), sub
    line.save()
    doc = project.rule_documents.order_by("order").first()
    doc.stage_implementation = False
    doc.sub_project = sub
    doc.save()
    project.start_date, project.phone, project.other_funds = date(2020, 3, 1), "", None
    project.save()
    live = assert_same_print(project, alice)
    goals = live[1]
    printed = [c.text for row in goals.sections[1].body for c in row]
    assert printed.index("【一期】后加的数量指标") < printed.index("平台阶段验收通过率")


@pytest.mark.django_db
def test_version_page_shows_the_printed_layout(client_a, alice, project):
    act(client_a, project, "submit")
    body = client_a.get(reverse("reviews:version", args=[project.pk, 1])).content.decode()
    assert 'class="sheet sheet-overview"' in body
    assert 'class="sheet sheet-goals"' in body
    assert "财政项目支出绩效目标申报表（绩效目标）" in body
    assert "4,411,000.00" in body  # 项目总预算 as printed
    assert "☑一次性项目" in body


@pytest.mark.django_db
def test_a_changed_frozen_value_shows_in_exactly_its_cell(alice):
    project = factories.ready_project(unit=alice.unit)
    version = freeze(project, alice)
    version.data["lines"][0]["amount"] = "1234.50"  # snapshot JSON (shown as 1,234.50)
    version.data["fields"]["leader"] = "另一人"
    live = cells(project_layouts(project_for_export(project.pk)))
    frozen = cells(project_layouts(frozen_project(version)))
    differing = [
        (a, b)
        for x, y in zip(live, frozen, strict=True)
        if isinstance(x, list)
        for rx, ry in zip(x, y, strict=True)
        for a, b in zip(rx, ry, strict=True)
        if a != b
    ]
    assert differing == [
        (("周硕青", "text", 1, 1), ("另一人", "text", 1, 1)),
        (("560,000.00", "money", 1, 1), ("1,234.50", "money", 1, 1)),
        (("911,000.00", "total", 1, 1), ("352,234.50", "total", 1, 1)),
    ]
