import copy

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.views.decorators.http import require_POST

from apps.checks.findings import SHEET_LABELS, Sheet
from apps.core.formsets import PartialPostRefused
from apps.core.money import fmt_money
from apps.exports.forms import UnitExportForm
from apps.library.permissions import can_propose
from apps.pages.copy_views import attach_history, history_of, history_values
from apps.performance.selectors import year_line
from apps.projects import selectors
from apps.projects.filters import sort_links
from apps.projects.forms import ProjectCreateForm, RevisionForm, SubProjectFormSet
from apps.projects.kept import KeptSheet, sheet_key
from apps.projects.permissions import (
    can_copy,
    can_create_project,
    can_edit,
    get_project_for_user,
)
from apps.projects.services import (
    StaleRevision,
    WriteRefused,
    can_manage_taxonomy,
    project_create,
    sheet_goals_save,
    sheet_guarantees_save,
    sheet_overview_save,
    sub_projects_save,
    taxonomy_level_add,
)
from apps.projects.sheets import build_page, findings_html, normalise_newlines, shown_page
from apps.reviews import permissions as review_permissions
from apps.reviews import selectors as review_selectors
from apps.reviews.forms import CommentForm
from apps.reviews.reading import comments_panel, reading_context

PAGE_SIZE = 50
SHEET_SAVERS = {
    Sheet.OVERVIEW: lambda page, **kw: sheet_overview_save(
        project=page.project, form=page.forms["form"], **kw
    ),
    Sheet.GOALS: lambda page, **kw: sheet_goals_save(
        project=page.project,
        form=page.forms["form"],
        indicators=page.forms["indicators"],
        lines=page.forms["lines"],
        **kw,
    ),
    Sheet.GUARANTEES: lambda page, **kw: sheet_guarantees_save(
        project=page.project, docs=page.forms["docs"], **kw
    ),
}


def project_list(request):
    filterset, projects = selectors.filtered_projects(user=request.user, data=request.GET)
    year, unit = filterset.value("year"), filterset.value("unit")
    units = filterset.form.fields["unit"].queryset
    # A whole-unit export needs one unit and one year: the one filtered, or the only one.
    export_unit = unit.pk if unit else (units[0].pk if len(units) == 1 else None)
    sort = filterset.value("sort") or ""
    totals = selectors.project_list_totals(projects)
    paginator = Paginator(selectors.project_list(projects, sort), PAGE_SIZE)
    paginator.count = totals["count"]  # the same filtered list, counted once
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "projects/list.html",
        {
            "page": page,
            "filter": filterset,
            "sorts": sort_links(sort),
            "totals": totals,
            "deadline": review_selectors.deadline_for_year(year),
            "can_create": can_create_project(request.user),
            "unit_export": UnitExportForm(initial={"unit": export_unit, "year": year.year})
            if export_unit and year
            else None,
            "unit_export_hint": "选择年度和单位后可导出全部项目"
            if len(units) > 1
            else "选择年度后可导出全部项目",
        },
    )


def project_list_export(request):
    """The list as shown (same filters and order, every page) as CSV or XLSX."""
    from apps.exports.resources import ProjectListResource, list_export_response

    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404("没有这种格式。")
    filterset, projects = selectors.filtered_projects(user=request.user, data=request.GET)
    rows = selectors.project_list(projects, filterset.value("sort") or "")
    year = filterset.value("year")
    return list_export_response(ProjectListResource().export(queryset=rows), fmt, year)


def project_create_view(request):
    allowed, reason = can_create_project(request.user)
    if not allowed:
        raise Http404(reason)
    form = ProjectCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        project = project_create(
            unit=form.cleaned_data["unit"],
            budget_year=form.cleaned_data["budget_year"],
            name=form.cleaned_data["name"],
            category=form.cleaned_data.get("category") or "",
            actor=request.user,
        )
        messages.success(request, f"已新建项目“{project.name}”，请填写三张申报表。")
        return redirect("projects:sheet", pk=project.pk, sheet=Sheet.OVERVIEW)
    return render(request, "projects/create.html", {"form": form})


def project_detail(request, pk):
    project = get_project_for_user(request.user, pk)
    findings = selectors.project_findings(project)
    sheets = [
        {
            "key": key,
            "label": label,
            "errors": sum(1 for f in findings if f.sheet == key and f.is_error),
            "warnings": sum(1 for f in findings if f.sheet == key and not f.is_error),
        }
        for key, label in SHEET_LABELS.items()
    ]
    return render(
        request,
        "projects/detail.html",
        {
            "project": project,
            "sheets": sheets,
            "findings": findings,
            "lines_total": project.lines_total,
            "can_edit": can_edit(request.user, project),
            "can_copy": can_copy(request.user, project),
            "can_propose": can_propose(request.user),
            "mandated_missing": sum(1 for f in findings if f.code == "M_MISSING"),
            "sub_projects": project.sub_projects.all(),
            "year_line": year_line(project, request.user),
            **_review_context(request.user, project),
        },
    )


def _review_context(user, project) -> dict:
    """The workflow panel of the project page: what the user may do, and what happened."""
    from apps.reviews.forms import ApproveForm, ReasonForm

    actions = review_permissions.allowed_actions(user, project)
    versions = list(project.versions.defer("data").order_by("-number")[:2])
    return {
        "actions": actions,
        "shown_actions": review_permissions.panel_actions(user, project, actions),
        "return_form": ReasonForm(prefix="return", required=True, label="退回理由"),
        "pass_form": ReasonForm(prefix="pass", label="审核意见（可不填）"),
        "approve_form": ApproveForm(prefix="approve"),
        "adjust_form": ReasonForm(prefix="adjust", required=True, label="调整理由"),
        "events": project.events.select_related("actor").order_by("-created_at", "-id")[:20],
        "comments": project.comments.select_related("author").order_by("-created_at", "-id"),
        "latest_versions": versions,
        "last_return": review_selectors.last_return(project),
        "deadline": review_selectors.deadline_for_year(project.budget_year),
    }


def project_sub_projects(request, pk):
    project = get_project_for_user(request.user, pk)
    allowed, reason = can_edit(request.user, project)
    if request.method == "POST" and not allowed:
        messages.error(request, reason)
        return redirect("projects:detail", pk=pk)
    formset = SubProjectFormSet(
        request.POST or None, queryset=project.sub_projects.all(), prefix="sub"
    )
    revision = project.revision
    if request.method == "POST":
        expected = RevisionForm(request.POST).expected()
        revision = expected if expected >= 0 else revision  # refused input keeps its base
    if request.method == "POST" and formset.is_valid():
        try:
            sub_projects_save(
                project=project, formset=formset, actor=request.user, expected_revision=expected
            )
        except StaleRevision as exc:
            revision = exc.current
            messages.error(request, STALE_MESSAGE.replace("（改动见下方列表）", ""))
        except WriteRefused as exc:
            messages.error(request, str(exc))
            return redirect("projects:detail", pk=pk)
        else:
            messages.success(request, "子项目已保存。")
            return redirect("projects:detail", pk=pk)
    return render(
        request,
        "projects/sub_projects.html",
        {
            "project": project,
            "formset": formset,
            "can_edit": (allowed, reason),
            "revision_form": RevisionForm(initial={"revision": revision}),
        },
    )


def _sheet_key(sheet: str) -> Sheet:
    try:
        return Sheet(sheet)
    except ValueError:
        raise Http404("没有这张表。") from None


def project_sheet(request, pk, sheet):
    project = get_project_for_user(request.user, pk)
    if request.user.unit_id == project.unit_id:
        request.user.unit = project.unit  # loaded with the project: the bar names it
    sheet = _sheet_key(sheet)
    allowed, reason = can_edit(request.user, project)
    if request.method == "POST" and request.headers.get(AUTOSAVE_HEADER) == "1":
        return _autosave(request, project, sheet, allowed, reason)
    page, revision, changed_meanwhile = None, project.revision, []
    if request.method == "POST":
        # The forms write into the instance they are given; the page header keeps showing
        # the saved project if the input is refused.
        # Findings beside the fields only if the page is shown again (not for a save).
        page = build_page(copy.copy(project), sheet, normalise_newlines(request.POST), shown=False)
        expected = RevisionForm(request.POST).expected()
        revision = expected if expected >= 0 else revision
        if not allowed:
            # E.g. a colleague submitted meanwhile: nothing is saved, but what was typed
            # stays on the page to be copied.
            messages.error(request, f"{reason}您的输入仍在本页，没有保存。")
        elif page.is_valid and expected == project.revision and page.is_unchanged():
            # Nothing to write: no lock, no history, no second run of the rules.
            messages.success(request, _saved_message(project))
            return redirect("projects:sheet", pk=pk, sheet=sheet)
        elif page.is_valid:
            try:
                SHEET_SAVERS[sheet](page, actor=request.user, expected_revision=expected)
            except StaleRevision as exc:
                revision = exc.current
                changed_meanwhile = _changes_since(project, expected)
                messages.error(request, STALE_MESSAGE)
            except WriteRefused as exc:
                allowed, reason = False, str(exc)
                messages.error(request, f"{reason}您的输入仍在本页，没有保存。")
            else:
                messages.success(request, _saved_message(page.project))
                return redirect("projects:sheet", pk=pk, sheet=sheet)
        else:
            messages.error(request, "有输入无法保存，请按标红处修改；本页内容均已保留，尚未保存。")
            if expected != project.revision:
                changed_meanwhile = _changes_since(project, expected)
                messages.warning(
                    request, "另外，在您打开本页之后有人保存了本项目（改动见下方列表）。"
                )
    data = None
    if page is None:
        # The row forms are built only if the tables are written (KeptSheet below).
        page, data = shown_page(project, sheet, keep=allowed)
    can_comment = review_permissions.can_comment(request.user, project)
    context = {
        "project": project,
        "page": page,
        "sheet": sheet,
        "sheet_label": SHEET_LABELS[sheet],
        "sheet_labels": SHEET_LABELS,
        "can_edit": (allowed, reason),
        "last_return": review_selectors.last_return(project),
        "comment_form": CommentForm(
            places=review_selectors.comment_places(page), initial={"sheet": sheet}
        )
        if can_comment[0]
        else None,
    }
    if not allowed and request.method != "POST":
        # Whoever may not edit reads the sheet as printed, comments beside their rows.
        context.update(reading_context(request.user, project, sheet, page))
        if sheet == Sheet.GOALS and can_manage_taxonomy(request.user):
            context["unknown_levels"] = sorted(
                {
                    (i.level1_text, i.level2_text)
                    for i in project.indicators.all()
                    if i.level2_id is None
                }
            )
        return render(request, "projects/sheet_read.html", context)
    panel = comments_panel(request.user, project, sheet)
    here = [c for c in panel["all_comments"] if c.sheet == sheet]
    comments_at, unplaced = review_selectors.placed_comments(page, here)
    history = {}
    if sheet == Sheet.GOALS:
        year = project.budget_year.year
        history = history_of(data.sources, year) if data else history_values(page)

    def prepare() -> None:
        page.attach_findings()
        attach_history(page, history)
        review_selectors.attach_placed(page, comments_at)

    kept_sheet = None
    if data is None:  # e.g. shown again as posted: written from its forms, never kept
        prepare()
    else:
        anchored = {f"comment {a}": html for a, html in comments_at.items()}
        anchored.update(
            (f"finding {a}", findings_html(found)) for a, found in page.findings_by_anchor().items()
        )
        key = sheet_key(page, data, editable=allowed, anchored=anchored, history=history)
        kept_sheet = KeptSheet(key, prepare, page)
    return render(
        request,
        f"projects/sheet_{sheet}.html",
        {
            **context,
            **panel,
            "panel_findings": page.findings,
            # What the server accepts in one post; sheet.js refuses more before posting.
            "post_limits": {
                "fields": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS,
                "bytes": settings.DATA_UPLOAD_MAX_MEMORY_SIZE,
            },
            "findings_by_anchor": page.findings_by_anchor(),
            "lines_total": page.lines_total,
            "revision_form": RevisionForm(initial={"revision": revision}),
            "changed_meanwhile": changed_meanwhile,
            "sheet_comments": unplaced,
            "kept_sheet": kept_sheet,
        },
    )


AUTOSAVE_HEADER = "X-Sheet-Autosave"


def _autosave(request, project, sheet, allowed: bool, reason: str) -> JsonResponse:
    """A draft saved in the background by the page's script, through the same save and the
    same stale-save check as the 保存 button; answered in JSON so that the page stays as it
    is and only learns its new revision and the ids of rows it created."""
    if not allowed:
        return JsonResponse({"saved": False, "reason": "refused", "message": reason}, status=409)
    page = build_page(copy.copy(project), sheet, normalise_newlines(request.POST), shown=False)
    expected = RevisionForm(request.POST).expected()
    if not page.is_valid:
        message = "有无法识别的输入（见标红处），本次没有自动保存；改正后会再自动保存。"
        return JsonResponse({"saved": False, "reason": "invalid", "message": message}, status=422)
    try:
        SHEET_SAVERS[sheet](page, actor=request.user, expected_revision=expected)
    except StaleRevision as exc:
        changes = _changes_since(project, expected)
        html = render_to_string(
            "projects/_changed_meanwhile.html", {"changed_meanwhile": changes}, request=request
        )
        message = (
            "没有自动保存：在您打开本页之后，有人保存了本项目（改动见页面上方）。自动保存已暂停；"
            "您的输入仍在本页，核对后点“保存”。"
        )
        return JsonResponse(
            {
                "saved": False,
                "reason": "stale",
                "message": message,
                "current": exc.current,
                "html": html,
            },
            status=409,
        )
    except WriteRefused as exc:
        return JsonResponse({"saved": False, "reason": "refused", "message": str(exc)}, status=409)
    saved = page.project
    return JsonResponse(
        {
            "saved": True,
            "revision": saved.revision,
            "rows": {
                form.prefix: {f.prefix: f.instance.pk for f in form.rows_in_order()}
                for form in page.forms.values()
                if hasattr(form, "rows_in_order")
            },
            "ready_html": render_to_string("projects/_ready_badge.html", {"project": saved}),
            "message": _saved_message(saved),
        }
    )


def _changes_since(project, revision: int) -> list:
    """What others saved after the revision a page was read at (none known if unknown)."""
    if revision < 0:
        return []
    return list(project.changes.filter(revision__gt=revision).select_related("actor")[:100])


STALE_MESSAGE = (
    "没有保存：在您打开本页之后，有人保存了本项目（改动见下方列表）。您的输入仍在本页，"
    "尚未保存；核对后再点“保存”，将以本页内容为准。"
)


def _saved_message(project) -> str:
    if project.error_count:
        return f"已保存（草稿）：尚有 {project.error_count} 处错误，项目未就绪。"
    return "已保存：三张表均无错误，项目已就绪。"


@require_POST
def project_sheet_check(request, pk, sheet):
    """Live check while typing: the same findings a save would give, nothing written.

    The page posts the rows it changed in full and names the others as saved (each
    table's ``SAME``), which stand for the saved rows. Named against another revision
    than the saved one, or naming a row that is not saved, the answer asks for the page
    in full (``{"full": true}``), which the script then posts."""
    project = get_project_for_user(request.user, pk)
    data = normalise_newlines(request.POST)
    partial = any(data.get(f"{prefix}-SAME") for prefix in ("ind", "line", "doc"))
    if partial and RevisionForm(data).expected() != project.revision:
        return JsonResponse({"full": True})
    try:
        page = build_page(project, _sheet_key(sheet), data, shown=False, partial=partial)
    except PartialPostRefused:
        return JsonResponse({"full": True})
    totals = {}
    if page.sheet == Sheet.GOALS:
        totals["lines_total"] = fmt_money(page.filing.lines_total)
    return JsonResponse(
        {
            "findings": [f.as_dict() for f in page.findings],
            "errors": len(page.errors),
            "warnings": len(page.warnings),
            "totals": totals,
        }
    )


@require_POST
def project_level_add(request, pk):
    """An administrator adds a level typed on an imported sheet (and missing from the
    year's taxonomy) to the taxonomy, from the row that shows it."""
    project = get_project_for_user(request.user, pk)
    if not can_manage_taxonomy(request.user):
        raise Http404("只有管理员可以修改指标体系。")
    level1, _, level2 = request.POST.get("level", "").partition("\t")
    try:
        placed = taxonomy_level_add(
            budget_year=project.budget_year,
            level1_name=level1,
            level2_name=level2,
            actor=request.user,
        )
    except WriteRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            f"已把“{level1.strip()} · {level2.strip()}”加入 {project.budget_year.taxonomy.name}，"
            f"{placed} 个指标已归入这一目标。",
        )
    return redirect("projects:sheet", pk=pk, sheet=Sheet.GOALS)
