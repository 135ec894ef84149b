"""运行监控 pages: rounds (finance opens them), a round's projects and lights, a report."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from apps.performance import reports
from apps.performance.forms import MonitoringForm, ReasonForm, RoundForm, read_only
from apps.performance.models import MonitoringRound
from apps.performance.monitoring import (
    can_open_round,
    get_report_for_user,
    monitoring_act,
    monitoring_assess,
    monitoring_round_open,
    monitoring_save,
    monitoring_start,
    stored_rows,
    visible_reports,
)
from apps.performance.reports import ACTIONS, ReportRefused, StaleReport
from apps.performance.tree import evaluation_tree
from apps.projects.permissions import get_project_for_user, visible_projects
from apps.projects.sheets import normalise_newlines


def round_list(request):
    can_open = can_open_round(request.user)
    form = RoundForm(request.POST or None) if can_open[0] else None
    if request.method == "POST":
        if form is None:
            messages.error(request, can_open[1])
            return redirect("performance:rounds")
        if form.is_valid():
            try:
                round_ = monitoring_round_open(actor=request.user, **form.cleaned_data)
            except ReportRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, f"已开启{round_}。")
                return redirect("performance:round", pk=round_.pk)
    rounds = MonitoringRound.objects.select_related("budget_year")
    return render(
        request,
        "performance/monitoring_rounds.html",
        {"rounds": rounds, "form": form, "can_open": can_open},
    )


def round_detail(request, pk):
    round_ = get_object_or_404(MonitoringRound.objects.select_related("budget_year"), pk=pk)
    projects = (
        visible_projects(request.user)
        .filter(budget_year_id=round_.budget_year_id, versions__approved_at__isnull=False)
        .distinct()
        .select_related("unit")
        .order_by("unit__code", "name")
    )
    mine = visible_reports(request.user).filter(round=round_)
    by_project = {
        r.project_id: r for r in mine.only("id", "project_id", "status", "light", "execution_rate")
    }
    units = (
        mine.values("project__unit__name")
        .annotate(
            n=Count("id"),
            red=Count("id", filter=Q(light="red")),
            yellow=Count("id", filter=Q(light="yellow")),
            green=Count("id", filter=Q(light="green")),
        )
        .order_by("project__unit__name")
    )
    rows = [(p, by_project.get(p.pk)) for p in projects]
    return render(
        request,
        "performance/monitoring_round.html",
        {
            "round": round_,
            "rows": rows,
            "units": units,
            "is_unit": request.user.role in reports.UNIT_ROLES,
        },
    )


@require_POST
def report_start(request, pk, project_pk):
    round_ = get_object_or_404(MonitoringRound, pk=pk)
    project = get_project_for_user(request.user, project_pk)
    try:
        report = monitoring_start(round_=round_, project=project, actor=request.user)
    except ReportRefused as exc:
        messages.error(request, str(exc))
        return redirect("performance:round", pk=pk)
    return redirect("performance:report", pk=report.pk)


def _page(request, report, form=None, reason_form=None):
    tree = evaluation_tree(report.version)
    can_edit = reports.can_edit(request.user, report)
    form = form or MonitoringForm(report=report, tree=tree)
    if not can_edit[0]:
        read_only(form)
    result, invalid = _assessed(form, report, tree)
    events = list(report.events.select_related("actor").order_by("-created_at", "-id"))
    return render(
        request,
        "performance/monitoring_report.html",
        {
            "report": report,
            "project": report.project,
            "form": form,
            "rows": list(form.bound_rows()),
            "result": result,
            "invalid": invalid,
            "can_edit": can_edit,
            "shown_actions": reports.shown_actions(request.user, report),
            "events": events,
            "last_event": max((e.id for e in events), default=0),
            "reason_form": reason_form,
        },
    )


def _assessed(form, report, tree):
    if form.is_bound and form.is_valid():
        return monitoring_assess(report, tree, form.cleaned_data["executed"], form.reported()), []
    invalid = (
        [(form[n].label, e) for n, errs in form.errors.items() for e in errs]
        if form.is_bound
        else []
    )
    return monitoring_assess(report, tree, report.executed, stored_rows(report)), invalid


def report_detail(request, pk):
    report = get_report_for_user(request.user, pk)
    if request.method != "POST":
        return _page(request, report)
    allowed, reason = reports.can_edit(request.user, report)
    if not allowed and reports.UNIT not in reports.stands_as(request.user, report.unit_id):
        messages.error(request, reason)
        return redirect("performance:report", pk=pk)
    form = MonitoringForm(
        normalise_newlines(request.POST), report=report, tree=evaluation_tree(report.version)
    )
    if not allowed:  # submitted meanwhile (another tab): keep what was typed on the page
        messages.error(request, f"{reason}未保存任何内容，您的输入仍在页面上。")
        return _page(request, report, form)
    if not form.is_valid():
        messages.error(request, "有输入无法保存，请按各处提示改正；未保存任何内容。")
        return _page(request, report, form)
    try:
        report = monitoring_save(
            report=report,
            actor=request.user,
            executed=form.cleaned_data["executed"],
            reported=form.reported(),
            revision=form.cleaned_data["revision"],
        )
    except StaleReport as exc:
        messages.error(request, str(exc))
        report.refresh_from_db()
        form.data = form.data.copy()
        form.data["revision"] = str(report.revision)
        return _page(request, report, form)
    except ReportRefused as exc:
        messages.error(request, f"{exc}未保存任何内容，您的输入仍在页面上。")
        report.refresh_from_db()
        return _page(request, report, form)
    messages.success(
        request, f"已保存：{report.get_light_display()}，尚有 {report.error_count} 处错误。"
    )
    return redirect("performance:report", pk=pk)


@require_POST
def report_check(request, pk):
    report = get_report_for_user(request.user, pk)
    tree = evaluation_tree(report.version)
    form = MonitoringForm(normalise_newlines(request.POST), report=report, tree=tree)
    result, invalid = _assessed(form, report, tree)
    return render(
        request,
        "performance/_monitoring_live.html",
        {"result": result, "invalid": invalid, "report": report},
    )


@require_POST
def report_action(request, pk, action):
    report = get_report_for_user(request.user, pk)
    if action not in ACTIONS:
        messages.error(request, "没有这个操作。")
        return redirect("performance:report", pk=pk)
    reason_form = ReasonForm(request.POST, action=action)
    if not reason_form.is_valid():  # shown again, whole, beside its refusal
        messages.error(request, reason_form.refusal())
        return _page(request, report, reason_form=reason_form)
    reason, seen = reason_form.cleaned_data["reason"], reason_form.cleaned_data["seen"]
    try:
        report = monitoring_act(
            report=report, actor=request.user, action=action, reason=reason, seen=seen
        )
    except ReportRefused as exc:
        messages.error(request, str(exc))
        for finding in exc.findings[:20]:
            messages.error(request, f"{finding.where}：{finding.message}")
        return redirect("performance:report", pk=pk)
    messages.success(
        request, f"已{reports.ACTION_LABELS[action]}：当前状态为“{report.get_status_display()}”。"
    )
    return redirect("performance:report", pk=pk)
