from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from apps.budgets.models import BudgetYear
from apps.checks.findings import SHEET_LABELS, Sheet
from apps.exports.layout import project_layouts
from apps.projects import selectors as project_selectors
from apps.projects.models import Project
from apps.projects.permissions import get_project_for_user, visible_projects, visible_units
from apps.projects.sheets import build_page
from apps.reviews import permissions, selectors, services
from apps.reviews.forms import ApproveForm, CommentForm, ReasonForm, ReplyForm
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
    form = CommentForm(request.POST, places=selectors.comment_places(build_page(project, sheet)))
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
    """What waits for the user, filtered by unit, year and state, with totals."""
    projects = selectors.waiting_for(request.user)
    status = request.GET.get("status", "")
    if status == "all":
        projects = visible_projects(request.user)
    elif status in Project.Status.values:
        projects = visible_projects(request.user).filter(status=status)
    year, unit_id = _int(request.GET.get("year")), _int(request.GET.get("unit"))
    if year:
        projects = projects.filter(budget_year__year=year)
    if unit_id:
        projects = projects.filter(unit_id=unit_id)
    page = Paginator(project_selectors.project_list(projects), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "reviews/queue.html",
        {
            "page": page,
            "totals": project_selectors.project_list_totals(projects),
            "years": BudgetYear.objects.all(),
            "units": visible_units(request.user).order_by("code"),
            "statuses": Project.Status.choices,
            "year": year,
            "unit_id": unit_id,
            "status": status,
            "is_reviewer": permissions.is_reviewer(request.user),
        },
    )


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
    get_project_for_user(request.user, notice.project_id)  # the scope may have changed since
    if request.method == "POST":
        services.notifications_mark_read(user=request.user, ids=[notice.pk])
    return redirect("projects:detail", pk=notice.project_id)
