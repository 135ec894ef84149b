"""The sheet pages keep their written tables and findings by a digest of what they show
(apps/projects/kept.py). Whatever changes — through the pages or behind their back, in the
project, its rows, its unit, the year's taxonomy, the 固化指标, comments, last year's rows
— the page shown next is the page written from scratch, byte for byte."""

import re
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.autoreload import file_changed

from apps.accounts.models import User
from apps.budget_lines.models import BudgetLine
from apps.budgets.models import FormVersion
from apps.checks.findings import Sheet
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator, Level1, Level2, Taxonomy
from apps.library.models import Mandated
from apps.projects import kept
from apps.projects.models import Project, SubProject
from apps.projects.services import load_project_file
from apps.reviews.models import CommentReply, ReviewComment
from apps.units.models import Unit
from tests import factories
from tests.formdata import form_data

TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def url(project, sheet=Sheet.GOALS):
    return reverse("projects:sheet", args=[project.pk, sheet])


def shown(client, project, sheet=Sheet.GOALS) -> str:
    response = client.get(url(project, sheet))
    assert response.status_code == 200
    return TOKEN.sub("", response.content.decode())


def written_from_scratch(client, project, sheet=Sheet.GOALS) -> str:
    kept.forget_all()
    return shown(client, project, sheet)


@pytest.fixture(autouse=True)
def _empty_cache():
    kept.forget_all()
    yield
    kept.forget_all()


@pytest.fixture
def charlie_comments(charlie, project):
    def comment(anchor, text="请说明。", sheet=Sheet.GOALS):
        return ReviewComment.objects.create(
            project=project,
            author=charlie,
            version_number=1,
            sheet=sheet,
            anchor=anchor,
            anchor_label="",
            text=text,
        )

    return comment


def _first(model, project):
    return model.objects.filter(project=project).order_by("order", "id").first()


def _rename_level2(project):
    level2 = _first(Indicator, project).level2
    Level2.objects.filter(pk=level2.pk).update(name="数量（改名）")


def _rename_level1(project):
    level1 = _first(Indicator, project).level2.level1
    Level1.objects.filter(pk=level1.pk).update(name="产出目标（改名）")


def _add_level2(project):
    level1 = _first(Indicator, project).level2.level1
    Level2.objects.create(level1=level1, name="新增二级", order=99)


def _rename_taxonomy(project):
    Taxonomy.objects.filter(pk=project.budget_year.taxonomy_id).update(name="改名的指标体系")


def _mandate(project):
    Mandated.objects.create(
        budget_year=project.budget_year,
        level2=_first(Indicator, project).level2,
        name="财政要求的指标",
        target="=100%",
        mode=Mandated.Mode.FIXED,
    )


def _rename_unit(project):
    Unit.objects.filter(pk=project.unit_id).update(name="改名后的单位")


def _move_level2(project):
    level2 = _first(Indicator, project).level2
    other = Level1.objects.filter(taxonomy=level2.level1.taxonomy).exclude(pk=level2.level1_id)
    Level2.objects.filter(pk=level2.pk).update(level1=other.first())


def _rename_sub_project(project):
    sub = SubProject.objects.create(project=project, name="子项目甲")
    for model in (Indicator, BudgetLine, RuleDocument):
        model.objects.filter(project=project).update(sub_project=sub)
    return lambda: SubProject.objects.filter(pk=sub.pk).update(name="改名的子项目")


def _rename_department_of_its_mandate(project):
    department = project.unit.parent
    Mandated.objects.create(
        budget_year=project.budget_year,
        level2=_first(Indicator, project).level2,
        name="部门要求的指标",
        target="=100%",
        mode=Mandated.Mode.FIXED,
        owner=department,
    )
    return lambda: Unit.objects.filter(pk=department.pk).update(name="改名的主管部门")


def _form_version_weights(project):
    form = FormVersion.for_code(project.budget_year.form_version)
    form.weights_total = Decimal("90")
    form.save()


# Each changes the data behind the page's back (no revision bump, no signal), so the
# digest, not a counter someone must remember to bump, is what the page relies on.
CHANGES = {
    "indicator name": lambda p: Indicator.objects.filter(pk=_first(Indicator, p).pk).update(
        name="改过的指标名称"
    ),
    "indicator target": lambda p: Indicator.objects.filter(pk=_first(Indicator, p).pk).update(
        target_raw="≥80%"
    ),
    "indicator order": lambda p: Indicator.objects.filter(pk=_first(Indicator, p).pk).update(
        order=999
    ),
    "indicator deleted": lambda p: _first(Indicator, p).delete(),
    "line amount": lambda p: BudgetLine.objects.filter(pk=_first(BudgetLine, p).pk).update(
        amount=Decimal("1")
    ),
    "line added": lambda p: BudgetLine.objects.create(
        project=p, item_name="新增", content="内容", detail="明细", amount=Decimal("5"), order=9
    ),
    "document title": lambda p: RuleDocument.objects.filter(pk=_first(RuleDocument, p).pk).update(
        title="改过的制度文件"
    ),
    "sub-project added": lambda p: SubProject.objects.create(project=p, name="子项目甲"),
    "project text": lambda p: Project.objects.filter(pk=p.pk).update(composition="改过的内容。"),
    "project status": lambda p: Project.objects.filter(pk=p.pk).update(
        status=Project.Status.RETURNED
    ),
    "level 2 renamed": _rename_level2,
    "level 1 renamed": _rename_level1,
    "level 2 added": _add_level2,
    "taxonomy renamed": _rename_taxonomy,
    "固化指标 added": _mandate,
    "unit renamed": _rename_unit,
    "form version settings": _form_version_weights,
    "level 2 moved to another level 1": _move_level2,
    "long text": lambda p: Project.objects.filter(pk=p.pk).update(overview="长" * 30_000),
}

# Each sets the project up before the first view and returns the change made after it.
SET_UP_CHANGES = {
    "sub-project of every row renamed": _rename_sub_project,
    "owner of a department's 固化指标 renamed": _rename_department_of_its_mandate,
}


@pytest.mark.parametrize("change", list(CHANGES))
@pytest.mark.parametrize("sheet", list(Sheet))
def test_after_any_change_the_page_is_the_page_written_from_scratch(
    client_a, project, sheet, change
):
    before = shown(client_a, project, sheet)
    assert shown(client_a, project, sheet) == before  # kept, and the same
    CHANGES[change](project)
    after = shown(client_a, project, sheet)
    assert after == written_from_scratch(client_a, project, sheet)


@pytest.mark.parametrize("change", list(SET_UP_CHANGES))
@pytest.mark.parametrize("sheet", list(Sheet))
def test_after_a_change_of_what_the_rows_refer_to_the_page_is_written_from_scratch(
    client_a, project, sheet, change
):
    change_it = SET_UP_CHANGES[change](project)
    before = shown(client_a, project, sheet)
    assert shown(client_a, project, sheet) == before
    change_it()
    assert shown(client_a, project, sheet) == written_from_scratch(client_a, project, sheet)


@pytest.mark.parametrize(
    "change", ["indicator name", "line amount", "level 2 renamed", "固化指标 added"]
)
def test_the_changes_are_seen_on_the_goals_page(client_a, project, change):
    """The comparison above would pass for a page that never changes: these show it does."""
    before = shown(client_a, project)
    CHANGES[change](project)
    assert shown(client_a, project) != before


def first_sqls(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries]


def test_a_kept_page_costs_fewer_queries_and_no_row_forms(client_a, project):
    with CaptureQueriesContext(connection) as first:
        html = shown(client_a, project)
    with CaptureQueriesContext(connection) as second:
        assert shown(client_a, project) == html
    sqls = [q["sql"] for q in second.captured_queries]
    assert len(sqls) < len(first.captured_queries)
    # The rows are digested in the database, not loaded.
    assert not [s for s in sqls if s.startswith('SELECT "indicators_indicator"."id"')]
    assert any(s.startswith('SELECT "indicators_indicator"."id"') for s in first_sqls(first))


def test_comments_at_rows_are_shown_and_follow_their_changes(client_a, project, charlie_comments):
    shown(client_a, project)
    row = _first(Indicator, project)
    note = charlie_comments(f"indicator:{row.pk}", text="第一条意见。")
    html = shown(client_a, project)
    assert "第一条意见。" in html
    assert html == written_from_scratch(client_a, project)
    ReviewComment.objects.filter(pk=note.pk).update(text="改过的意见。")
    html = shown(client_a, project)
    assert "改过的意见。" in html and "第一条意见。" not in html
    assert html == written_from_scratch(client_a, project)
    charlie_comments("", text="整张表的意见。")  # no place on the page: listed at its top
    html = shown(client_a, project)
    assert html == written_from_scratch(client_a, project)
    assert html.index("整张表的意见。") < html.index('id="sheet-form"')


def test_history_values_follow_last_years_row(client_a, alice, project):
    source_project = factories.ready_project(unit=alice.unit, year=2019, name="去年的项目")
    source = _first(Indicator, source_project)
    Indicator.objects.filter(pk=_first(Indicator, project).pk).update(copied_from=source)
    html = shown(client_a, project)
    assert f"历史值：{source.target_raw}" in html
    Indicator.objects.filter(pk=source.pk).update(target_raw="≥66%")
    html = shown(client_a, project)
    assert "历史值：≥66%" in html
    assert html == written_from_scratch(client_a, project)


def test_a_user_who_may_not_edit_is_not_shown_the_editors_tables(
    client_a, client, project, charlie
):
    editor = shown(client_a, project)
    assert 'id="add-indicator"' in editor
    client.force_login(charlie)
    reader = shown(client, project)
    assert 'id="add-indicator"' not in reader


def test_a_refused_save_shows_what_was_typed_and_keeps_nothing_of_it(client_a, project):
    html = shown(client_a, project)
    data = form_data(html)
    data["line-0-amount"] = "不是数字"
    response = client_a.post(url(project), data)
    assert response.status_code == 200
    assert "不是数字" in response.content.decode()
    assert "不是数字" not in shown(client_a, project)


def test_a_save_through_the_page_is_shown_at_once(client_a, project):
    data = form_data(shown(client_a, project))
    data["ind-0-name"] = "保存后的名称"
    assert client_a.post(url(project), data).status_code == 302
    assert "已保存" in shown(client_a, project)  # its message, once
    html = shown(client_a, project)
    assert "保存后的名称" in html
    assert html == written_from_scratch(client_a, project)


def test_tables_read_while_someone_saves_are_not_kept(client_a, project, monkeypatch):
    """Findings kept, tables not: the page builds its rows, and if the digest read with
    them is not the one it started from, what it wrote is shown but not kept."""
    shown(client_a, project)
    cache = caches[kept.CACHE_ALIAS]
    for key in [k for k in cache._cache if ":sheet:" in k]:  # LocMemCache's own keys
        cache.delete(key.split(":", 2)[2])
    real = kept.page_data
    calls = []

    def saved_meanwhile(project, settings):
        data = real(project, settings)
        calls.append(data)
        if len(calls) > 1:  # the second read, with the rows: someone saved in between
            return kept.PageData(
                digest="other",
                row_ids=data.row_ids,
                sources=data.sources,
                has_sub_projects=data.has_sub_projects,
            )
        return data

    monkeypatch.setattr(kept, "page_data", saved_meanwhile)
    shown(client_a, project)
    assert len(calls) == 2
    assert not [k for k in cache._cache if ":sheet:" in k]


def test_the_embedded_demo_database_writes_every_page(monkeypatch):
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert not kept.enabled()


def test_the_unit_head_sees_replies_authors_and_resolved_comments_as_written(
    client, alice, project, charlie, charlie_comments
):
    """The filler's kept tables are not the unit head's when a comment reads otherwise for
    them; each change of a reply, of an author's name or of 已处理 is seen at once."""
    head = factories.user("henry", User.Role.UNIT_HEAD, alice.unit)
    note = charlie_comments(f"indicator:{_first(Indicator, project).pk}")
    client.force_login(alice)
    shown(client, project)
    client.force_login(head)
    assert shown(client, project) == written_from_scratch(client, project)
    CommentReply.objects.create(comment=note, author=alice, text="已补充说明。")
    html = shown(client, project)
    assert "已补充说明。" in html and html == written_from_scratch(client, project)
    User.objects.filter(pk=charlie.pk).update(first_name="张审", last_name="")
    html = shown(client, project)
    assert "张审" in html and html == written_from_scratch(client, project)
    ReviewComment.objects.filter(pk=note.pk).update(resolved_at=timezone.now(), resolved_by=charlie)
    html = shown(client, project)
    assert "已处理" in html and html == written_from_scratch(client, project)


DEMO_2021 = Path(django_settings.BASE_DIR, "fixtures", "demo", "projects", "2021a.json")


@pytest.mark.parametrize("sheet", list(Sheet))
def test_a_2021_project_is_kept_by_its_own_columns(client, reference, sheet):
    project = load_project_file(DEMO_2021)
    client.force_login(factories.user("filler2021", User.Role.FILLER, project.unit))
    before = shown(client, project, sheet)
    assert shown(client, project, sheet) == before
    Indicator.objects.filter(project=project).update(weight=Decimal("7"))
    assert shown(client, project, sheet) == written_from_scratch(client, project, sheet)
    SubProject.objects.create(project=project, name="子项目乙")
    assert shown(client, project, sheet) == written_from_scratch(client, project, sheet)


@pytest.mark.parametrize("sheet", list(Sheet))
def test_a_submitted_project_is_read_not_edited_by_its_filler(client_a, project, sheet):
    assert "<textarea" in shown(client_a, project, sheet)  # kept for the editor
    Project.objects.filter(pk=project.pk).update(status=Project.Status.SUBMITTED)
    html = shown(client_a, project, sheet)
    assert "<textarea" not in html and 'id="save-button"' not in html


def _drop_kept_tables():
    cache = caches[kept.CACHE_ALIAS]
    for key in [k for k in cache._cache if ":sheet:" in k]:  # LocMemCache's own keys
        cache.delete(key.split(":", 2)[2])


def test_a_sub_project_deleted_while_the_tables_are_built(client_a, project, monkeypatch):
    """Findings kept, tables not, and a sub-project deleted between the digest query and
    the snapshot the rows are read in: the rows have no 子项目 column any more, nor may the
    table (it was a KeyError, a 500, when the table asked the digest query instead)."""
    sub = SubProject.objects.create(project=project, name="子项目甲")
    shown(client_a, project)
    _drop_kept_tables()
    real = kept.one_snapshot

    @contextmanager
    def deleted_meanwhile():
        SubProject.objects.filter(pk=sub.pk).delete()
        with real():
            yield

    monkeypatch.setattr(kept, "one_snapshot", deleted_meanwhile)
    html = shown(client_a, project)
    assert not [k for k in caches[kept.CACHE_ALIAS]._cache if ":sheet:" in k]  # not kept
    assert html == written_from_scratch(client_a, project)


def test_a_template_edited_under_runserver_is_shown_at_once(client_a, project, tmp_path, settings):
    """runserver reloads an edited template without restarting (the code stamp was read
    once per process, so the tables kept before the edit were shown after it)."""
    templates = [dict(settings.TEMPLATES[0])]
    templates[0]["DIRS"] = [tmp_path, *templates[0]["DIRS"]]
    settings.TEMPLATES = templates
    shown(client_a, project)
    source = Path(settings.BASE_DIR, "templates", "projects", "sheet_goals.html").read_text()
    edited = tmp_path / "projects" / "sheet_goals.html"
    edited.parent.mkdir()
    marked = '<div class="sheet-title">改过的模板'
    edited.write_text(source.replace('<div class="sheet-title">', marked, 1))
    file_changed.send(sender=None, file_path=edited)  # as runserver's reloader sends it
    html = shown(client_a, project)
    assert "改过的模板" in html
    assert html == written_from_scratch(client_a, project)


def test_the_embedded_demo_database_shows_the_same_page_and_keeps_nothing(
    client_a, project, monkeypatch
):
    html = shown(client_a, project)
    caches[kept.CACHE_ALIAS].clear()
    monkeypatch.setattr(connection, "vendor", "sqlite")
    assert shown(client_a, project) == html
    assert not caches[kept.CACHE_ALIAS]._cache


def test_tables_larger_than_the_bound_are_written_each_time_not_kept(client_a, project, settings):
    settings.SHEET_CACHE_MAX_CHARS = 1_000
    html = shown(client_a, project)
    assert 'id="indicator-table"' in html
    cache = caches[kept.CACHE_ALIAS]
    assert not [k for k in cache._cache if ":sheet:" in k]
    assert [k for k in cache._cache if ":findings:" in k]  # the findings are small
    assert shown(client_a, project) == html


def test_after_one_row_changed_only_that_row_is_written_again(client_a, project, monkeypatch):
    from apps.projects.templatetags import sheet_tags

    shown(client_a, project)
    written = []
    real = sheet_tags.indicator_row_html

    def counted(form, **kwargs):
        if form.prefix != "ind-__prefix__":  # the blank row of the table's <template>
            written.append(form.prefix)
        return real(form, **kwargs)

    monkeypatch.setattr(sheet_tags, "indicator_row_html", counted)
    row = _first(Indicator, project)
    Indicator.objects.filter(pk=row.pk).update(name="只改这一行")
    html = shown(client_a, project)
    assert written == ["ind-0"]
    assert "只改这一行" in html
    assert html == written_from_scratch(client_a, project)
    assert len(written) == 1 + project.indicators.count()  # from scratch: every row
