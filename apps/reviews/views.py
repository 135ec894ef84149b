from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.budgets.models import BudgetYear
from apps.checks.findings import SHEET_LABELS, Sheet
from apps.exports.layout import project_layouts
from apps.projects import selectors as project_selectors
from apps.projects.filters import sort_links
from apps.projects.models import Project
from apps.projects.permissions import get_project_for_user, visible_projects, visible_units
from apps.projects.sheets import build_page
from apps.reviews import permissions, selectors, services
from apps.reviews.dashboard import dashboard_figures
from apps.reviews.forms import (
    BATCH_ACTIONS,
    ApproveForm,
    BatchForm,
    CommentForm,
    DashboardForm,
    ReasonForm,
    ReplyForm,
)
from apps.reviews.frozen import frozen_project
from apps.reviews.models import Notification, ProjectVersion, ReviewComment
from apps.sheets.diff import snapshot_diff

PAGE_SIZE = 50


def _act(request, pk, form, run, done: str):
    """Run one transition from a posted form; refusals come back as messages."""
    project = get_project_for_user(request.user, pk)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("projects:detail", pk=pk)
    try:
        run(project, form.cleaned_data)
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
        if "错误" in str(exc):
            messages.info(request, "错误清单见本页右侧，逐条点开可定位到所在表格。")
    else:
        messages.success(request, done)
    return redirect("projects:detail", pk=pk)


@require_POST
def project_submit(request, pk):
    return _act(
        request,
        pk,
        ReasonForm(request.POST, prefix="submit"),
        lambda p, d: services.project_submit(project=p, actor=request.user),
        "已提交，等待主管部门审核。",
    )


@require_POST
def project_pass(request, pk):
    return _act(
        request,
        pk,
        ReasonForm(request.POST, prefix="pass"),
        lambda p, d: services.project_pass(project=p, actor=request.user, reason=d["reason"]),
        "已审核通过，转财政审核。",
    )


@require_POST
def project_return(request, pk):
    return _act(
        request,
        pk,
        ReasonForm(request.POST, prefix="return", required=True, label="退回理由"),
        lambda p, d: services.project_return(project=p, actor=request.user, reason=d["reason"]),
        "已退回单位修改。",
    )


@require_POST
def project_approve(request, pk):
    return _act(
        request,
        pk,
        ApproveForm(request.POST, prefix="approve"),
        lambda p, d: services.project_approve(
            project=p, actor=request.user, grade=d["grade"], reason=d["reason"]
        ),
        "已批复。",
    )


@require_POST
def project_adjust(request, pk):
    return _act(
        request,
        pk,
        ReasonForm(request.POST, prefix="adjust", required=True, label="调整理由"),
        lambda p, d: services.project_adjust(project=p, actor=request.user, reason=d["reason"]),
        "已开始调整：三张表可以修改，改完后重新提交审核；已批复的版本保留可查。",
    )


@require_POST
def comment_add(request, pk):
    project = get_project_for_user(request.user, pk)
    try:
        sheet = Sheet(request.POST.get("sheet", ""))
    except ValueError:
        raise Http404("没有这张表。") from None
    form = CommentForm(
        request.POST, places=selectors.comment_places(build_page(project, sheet, shown=False))
    )
    back = reverse("projects:sheet", args=[pk, sheet])
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    try:
        services.comment_add(
            project=project,
            actor=request.user,
            sheet=sheet,
            anchor=form.cleaned_data["anchor"],
            anchor_label=form.anchor_label(),
            text=form.cleaned_data["text"],
        )
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "意见已记录，单位填报人会在表中对应位置看到。")
    return redirect(back)


def _comment(project, comment_id) -> ReviewComment:
    try:
        return project.comments.get(pk=comment_id)
    except ReviewComment.DoesNotExist:
        raise Http404("没有这条审核意见。") from None


def _back_to(comment) -> str:
    return reverse("projects:sheet", args=[comment.project_id, comment.sheet]) + (
        f"#comment-{comment.pk}"
    )


@require_POST
def comment_resolve(request, pk, comment_id):
    """已处理 (``resolved=1``) or taking it back (``resolved=0``)."""
    project = get_project_for_user(request.user, pk)
    comment = _comment(project, comment_id)
    resolved = request.POST.get("resolved", "1") != "0"
    try:
        services.comment_resolve(comment=comment, actor=request.user, resolved=resolved)
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已标记为已处理。" if resolved else "已取消“已处理”。")
    return redirect(_back_to(comment))


@require_POST
def comment_reply(request, pk, comment_id):
    project = get_project_for_user(request.user, pk)
    comment = _comment(project, comment_id)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_back_to(comment))
    try:
        services.comment_reply(comment=comment, actor=request.user, text=form.cleaned_data["text"])
    except services.TransitionRefused as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "回复已记录。")
    return redirect(_back_to(comment))


def project_history(request, pk):
    project = get_project_for_user(request.user, pk)
    changes = Paginator(selectors.project_changes(project), 100).get_page(request.GET.get("page"))
    return render(
        request,
        "reviews/history.html",
        {
            "project": project,
            "changes": changes,
            "events": project.events.select_related("actor", "version").defer("version__data"),
            "sheet_labels": SHEET_LABELS,
            "comments": selectors.project_comments(None, project),
        },
    )


def project_versions(request, pk):
    project = get_project_for_user(request.user, pk)
    versions = list(project.versions.select_related("created_by").defer("data").order_by("-number"))
    return render(request, "reviews/versions.html", {"project": project, "versions": versions})


def _version(project, number) -> ProjectVersion:
    try:
        return project.versions.get(number=int(number))
    except (ValueError, TypeError, ProjectVersion.DoesNotExist):
        raise Http404("没有这个版本。") from None


def version_detail(request, pk, number):
    """A submitted version as it was printed then: the shared layout of the three sheets,
    read from the version's frozen JSON."""
    project = get_project_for_user(request.user, pk)
    version = _version(project, number)
    return render(
        request,
        "reviews/version.html",
        {
            "project": project,
            "version": version,
            "layouts": project_layouts(frozen_project(version)),
        },
    )


def version_diff(request, pk):
    """Two submitted versions side by side: what changed between them."""
    project = get_project_for_user(request.user, pk)
    numbers = list(project.versions.order_by("number").values_list("number", flat=True))
    if len(numbers) < 2:
        messages.info(request, "只有一个提交版本，还没有可比较的内容。")
        return redirect("reviews:versions", pk=pk)
    a = _version(project, request.GET.get("a", numbers[-2]))
    b = _version(project, request.GET.get("b", numbers[-1]))
    diffs = snapshot_diff(a.data, b.data)
    by_sheet = [
        (label, [d for d in diffs if d.sheet == key]) for key, label in SHEET_LABELS.items()
    ]
    return render(
        request,
        "reviews/diff.html",
        {
            "project": project,
            "a": a,
            "b": b,
            "by_sheet": by_sheet,
            "numbers": numbers,
            "n_diffs": len(diffs),
        },
    )


def review_queue(request):
    """What waits for the user (or any state), filtered, sorted, with totals; reviewers tick
    projects for a batch decision."""
    status = request.GET.get("status", "")
    waiting = status not in ("all", *Project.Status.values)
    filterset, projects = project_selectors.filtered_projects(
        user=request.user,
        data=request.GET,
        base=selectors.waiting_for(request.user) if waiting else None,
        queue=True,
    )
    sort = filterset.value("sort") or ""
    totals = project_selectors.project_list_totals(projects)
    paginator = Paginator(project_selectors.project_list(projects, sort), PAGE_SIZE)
    paginator.count = totals["count"]  # the same filtered list, counted once
    page = paginator.get_page(request.GET.get("page"))
    is_reviewer = permissions.is_reviewer(request.user)
    batch = BatchForm(
        projects=page,
        actions=permissions.batch_actions(request.user),
        initial={"next": request.GET.urlencode()},
    )
    return render(
        request,
        "reviews/queue.html",
        {
            "page": page,
            "rows": list(zip(page, batch["ids"], strict=True)),
            "batch": batch if is_reviewer else None,
            "filter": filterset,
            "sorts": sort_links(sort),
            "totals": totals,
            "deadline": selectors.deadline_for_year(filterset.value("year")),
            "is_reviewer": is_reviewer,
        },
    )


@require_POST
def batch_decide(request):
    """One decision on the ticked projects; a page says what was done and what refused."""
    form = BatchForm(request.POST, actions=permissions.batch_actions(request.user))
    back = reverse("reviews:queue") + _same_filters(request.POST.get("next", ""))
    if not permissions.is_reviewer(request.user):
        raise Http404("只有审核人可以批量处理。")
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(back)
    data = form.cleaned_data
    if data["action"] == "export":
        from apps.exports.resources import ProjectListResource, list_export_response

        chosen = visible_projects(request.user).filter(pk__in=data["ids"])
        dataset = ProjectListResource().export(queryset=project_selectors.project_list(chosen))
        return list_export_response(dataset, "xlsx")
    outcome = services.projects_batch_decide(
        actor=request.user,
        project_ids=data["ids"],
        action=data["action"],
        reason=data["reason"],
        grade=data["grade"],
    )
    return render(
        request,
        "reviews/batch_result.html",
        {"outcome": outcome, "label": BATCH_ACTIONS[data["action"]], "back": back},
    )


def _same_filters(query: str) -> str:
    """The queue's own filters to go back to (a query string, never another address)."""
    query = query.lstrip("?")
    if not query or any(c in query for c in "/\\:"):
        return ""
    return "?" + query


def dashboard(request):
    """The reviewers' overview of one budget year (their own units only)."""
    user = request.user
    if not (permissions.is_reviewer(user) or user.role == user.Role.ADMIN or user.is_superuser):
        raise PermissionDenied("只有审核人和管理员可以查看审核概览。")
    years = BudgetYear.objects.all()
    form = DashboardForm(
        request.GET or None, units=visible_units(user).order_by("code"), years=years
    )
    if form.is_bound and not form.is_valid():
        raise Http404(" ".join(e for errors in form.errors.values() for e in errors))
    data = form.cleaned_data if form.is_bound else {}
    year = data.get("year") or _default_year(years, user)
    if year is None:
        return render(request, "reviews/dashboard.html", {"form": form, "figures": None})
    form.initial = {"year": year.year}
    figures = dashboard_figures(user=user, budget_year=year, unit=data.get("unit"))
    return render(
        request,
        "reviews/dashboard.html",
        {"form": form, "figures": figures, "chart_data": figures.chart_data()},
    )


def _default_year(years, user):
    """The year of the latest filing round, else the latest year with projects to see."""
    with_round = years.filter(filing_round__isnull=False).order_by("-year").first()
    if with_round:
        return with_round
    with_projects = years.filter(pk__in=visible_projects(user).values("budget_year"))
    return with_projects.order_by("-year").first() or years.order_by("-year").first()


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def notification_list(request):
    notices = Paginator(request.user.notifications.select_related("project"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "reviews/notifications.html", {"notices": notices})


@require_POST
def notifications_read(request):
    ids = request.POST.getlist("id") or None
    if ids is not None:
        ids = [i for i in (_int(x) for x in ids) if i is not None]
    services.notifications_mark_read(user=request.user, ids=ids)
    return redirect("reviews:notifications")


@require_http_methods(["GET", "POST"])
def notification_open(request, notice_id):
    """Go to the notice's project (404 if the notice is someone else's); a POST — the
    list's button, with its CSRF token — also marks it read.

    A GET changes nothing: another site could send one with an image link. It still
    leads to the project, for a link kept from before.
    """
    try:
        notice = request.user.notifications.get(pk=notice_id)
    except Notification.DoesNotExist:
        raise Http404("没有这条通知。") from None
    if notice.project_id is None:  # a deadline reminder: the unit's unsubmitted projects
        if request.method == "POST":
            services.notifications_mark_read(user=request.user, ids=[notice.pk])
        return redirect(reverse("projects:list") + "?status=draft")
    get_project_for_user(request.user, notice.project_id)  # the scope may have changed since
    if request.method == "POST":
        services.notifications_mark_read(user=request.user, ids=[notice.pk])
    return redirect("projects:detail", pk=notice.project_id)
