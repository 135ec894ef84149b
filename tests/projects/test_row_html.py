"""The rows of the 绩效目标 tables are written in Python (``sheet_rows``) for speed; the row
includes stay the declaration. Both must give the same bytes for every kind of row:
saved and unsaved, bound after a refused save (errors, removed rows), with sub-projects,
typed levels the taxonomy lacks, 历史值, on both form versions, editable or not."""

import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.template.loader import render_to_string
from django.urls import reverse

from apps.checks.findings import Sheet
from apps.pages.copy_views import attach_history_values
from apps.projects.models import Project, SubProject
from apps.projects.sheets import build_page
from apps.projects.templatetags.sheet_tags import indicator_row_html, line_row_html
from tests.formdata import form_data

INCLUDES = {
    "indicators": ("projects/_indicator_row.html", indicator_row_html),
    "lines": ("projects/_line_row.html", line_row_html),
}


def assert_rows_as_included(page) -> int:
    compared = 0
    for key, (template, write) in INCLUDES.items():
        formset = page.forms[key]
        for editable in (True, False):
            for form in [*formset.forms_for_display(), formset.empty_form]:
                context = {"form": form, "page": page, "can_edit": (editable, "")}
                included = render_to_string(template, context)
                ours = write(form, sub_projects=page.has_sub_projects, editable=editable)
                assert ours == included, form.prefix
                compared += 1
    return compared


def goals_page(project, data=None):
    project = Project.objects.select_related("budget_year__taxonomy", "unit").get(pk=project.pk)
    page = build_page(project, Sheet.GOALS, data)
    attach_history_values(page)
    return page


@pytest.fixture
def demo(db):
    call_command("demo", stdout=io.StringIO())
    return list(Project.objects.order_by("pk"))


def test_demo_rows_are_the_includes_bytes(demo):
    compared = sum(assert_rows_as_included(goals_page(project)) for project in demo)
    assert compared > 200


def test_rows_after_a_refused_save_are_the_includes_bytes(client_a, project):
    SubProject.objects.create(project=project, name="<子项目> & “一”")
    url = reverse("projects:sheet", args=[project.pk, Sheet.GOALS])
    data = form_data(client_a.get(url).content.decode())
    data.update(
        {
            "line-0-amount": "九十一万",  # an error at its field
            "line-1-DELETE": "on",  # a removed row
            "ind-0-level2": "",
            "ind-1-name": '"引号" <b>',
            "ind-TOTAL_FORMS": str(int(data["ind-TOTAL_FORMS"]) + 1),
        }
    )
    project.indicators.filter(pk=data["ind-2-id"]).update(
        level2=None, level1_text="原<一级>", level2_text="原二级"
    )
    posted = QueryDict(mutable=True)
    posted.update(data)
    page = goals_page(project, posted)
    page.attach_findings()
    assert page.has_sub_projects and not page.is_valid
    assert assert_rows_as_included(page) > 10
    shown = goals_page(project)  # as saved: the typed level beside its select
    assert "原&lt;一级&gt;" in indicator_row_html(
        shown.forms["indicators"].forms[2], sub_projects=True, editable=True
    )
    assert assert_rows_as_included(shown) > 10
