"""The self-evaluation pages: start, fill (with the live total), act, print, export."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.performance import reports, selectors
from apps.performance.forms import EvaluationForm, ReasonForm, read_only
from apps.performance.models import AMOUNT_FIELDS
from apps.performance.permissions import get_evaluation_for_user
from apps.performance.reports import ACTIONS, ReportRefused, ReportStatus, StaleReport
from apps.performance.services import evaluation_act, evaluation_save, evaluation_start
from apps.performance.tree import compute, evaluation_tree, settings_for, weights_note
from apps.projects.permissions import get_project_for_user
from apps.projects.sheets import normalise_newlines

AMOUNTS = (*AMOUNT_FIELDS, "actual_goal")


@require_POST
def evaluation_start_view(request, project_pk):
    project = get_project_for_user(request.user, project_pk)
    try:
        evaluation = evaluation_start(project=project, actor=request.user)
    except ReportRefused as exc:
        messages.error(request, str(exc))
        return redirect("projects:detail", pk=project.pk)
    messages.success(request, "已开始绩效自评：请按批复的指标填写实际完成值。")
    return redirect("performance:detail", pk=evaluation.pk)


def _stored(evaluation):
    rows = {
        r.indicator_id: {"actual": r.actual, "level": r.level, "reason": r.reason}
        for r in evaluation.rows.all()
    }
    amounts = {name: getattr(evaluation, name) for name in AMOUNTS}
    return rows, amounts


def _scored(form, tree, settings, evaluation):
    """Scores and findings of what the form holds: typed if valid, else as stored, with
    each refused field as an error finding at its place."""
    if form.is_bound and form.is_valid():
        amounts = {name: form.cleaned_data[name] for name in AMOUNTS}
        result, findings = compute(tree, form.reported(), amounts, settings)
        return result, findings, []
    reported, amounts = _stored(evaluation)
    result, findings = compute(tree, reported, amounts, settings)
    invalid = (
        [(form[name].label, err) for name, errs in form.errors.items() for err in errs]
        if form.is_bound
        else []
    )
    return result, findings, invalid


def _page(request, evaluation, form=None, reason_form=None):
    tree = evaluation_tree(evaluation.version)
    settings = settings_for(evaluation.version)
    can_edit = reports.can_edit(request.user, evaluation)
    if form is None:
        form = EvaluationForm(evaluation=evaluation, tree=tree, settings=settings)
    if not can_edit[0]:
        read_only(form)
    result, findings, invalid = _scored(form, tree, settings, evaluation)
    scores = result.by_id()
    events = list(evaluation.events.select_related("actor").order_by("-created_at", "-id"))
    return render(
        request,
        "performance/detail.html",
        {
            "evaluation": evaluation,
            "project": evaluation.project,
            "form": form,
            "result": result,
            "rows": [(e, f, scores[e.id]) for e, f in form.bound_rows()],
            "findings": findings,
            "invalid": invalid,
            "can_edit": can_edit,
            "shown_actions": reports.shown_actions(request.user, evaluation),
            "events": events,
            "last_event": max((e.id for e in events), default=0),
            "weights_note": weights_note(evaluation.version),
            "reason_form": reason_form,
        },
    )


def evaluation_detail(request, pk):
    evaluation = get_evaluation_for_user(request.user, pk)
    if request.method != "POST":
        return _page(request, evaluation)
    allowed, reason = reports.can_edit(request.user, evaluation)
    if not allowed and reports.UNIT not in reports.stands_as(request.user, evaluation.unit_id):
        messages.error(request, reason)
        return redirect("performance:detail", pk=pk)
    tree = evaluation_tree(evaluation.version)
    form = EvaluationForm(
        normalise_newlines(request.POST),
        evaluation=evaluation,
        tree=tree,
        settings=settings_for(evaluation.version),
    )
    if not allowed:  # submitted meanwhile (another tab): keep what was typed on the page
        messages.error(request, f"{reason}未保存任何内容，您的输入仍在页面上。")
        return _page(request, evaluation, form)
    if not form.is_valid():
        messages.error(request, "有输入无法保存，请按各处提示改正；未保存任何内容。")
        return _page(request, evaluation, form)
    try:
        evaluation = evaluation_save(
            evaluation=evaluation,
            actor=request.user,
            amounts={name: form.cleaned_data[name] for name in AMOUNTS},
            reported=form.reported(),
            revision=form.cleaned_data["revision"],
        )
    except StaleReport as exc:
        messages.error(request, str(exc))
        evaluation.refresh_from_db()
        form.data = form.data.copy()
        form.data["revision"] = str(evaluation.revision)
        return _page(request, evaluation, form)
    except ReportRefused as exc:
        messages.error(request, f"{exc}未保存任何内容，您的输入仍在页面上。")
        evaluation.refresh_from_db()
        return _page(request, evaluation, form)
    if evaluation.error_count:
        messages.warning(request, f"已保存（草稿）：尚有 {evaluation.error_count} 处错误。")
    else:
        messages.success(request, f"已保存：总分 {evaluation.total_score}，{evaluation.grade}。")
    return redirect("performance:detail", pk=pk)


@require_POST
def evaluation_check(request, pk):
    """Live total while typing: the page's scores and findings as an HTML fragment."""
    evaluation = get_evaluation_for_user(request.user, pk)
    tree = evaluation_tree(evaluation.version)
    settings = settings_for(evaluation.version)
    form = EvaluationForm(
        normalise_newlines(request.POST), evaluation=evaluation, tree=tree, settings=settings
    )
    result, findings, invalid = _scored(form, tree, settings, evaluation)
    return render(
        request,
        "performance/_live.html",
        {"result": result, "findings": findings, "invalid": invalid, "tree": tree},
    )


@require_POST
def evaluation_action(request, pk, action):
    evaluation = get_evaluation_for_user(request.user, pk)
    if action not in ACTIONS:
        messages.error(request, "没有这个操作。")
        return redirect("performance:detail", pk=pk)
    reason_form = ReasonForm(request.POST, action=action)
    if not reason_form.is_valid():  # shown again, whole, beside its refusal
        messages.error(request, reason_form.refusal())
        return _page(request, evaluation, reason_form=reason_form)
    reason, seen = reason_form.cleaned_data["reason"], reason_form.cleaned_data["seen"]
    try:
        evaluation = evaluation_act(
            evaluation=evaluation, actor=request.user, action=action, reason=reason, seen=seen
        )
    except ReportRefused as exc:
        messages.error(request, str(exc))
        for finding in exc.findings[:20]:
            messages.error(request, f"{finding.where}：{finding.message}")
        return redirect("performance:detail", pk=pk)
    messages.success(
        request,
        f"已{reports.ACTION_LABELS[action]}：当前状态为“{evaluation.get_status_display()}”。",
    )
    return redirect("performance:detail", pk=pk)


def evaluation_list_view(request):
    status = request.GET.get("status", "")
    if status not in ReportStatus.values:
        status = ""
    waiting = request.GET.get("waiting") == "1"
    return render(
        request,
        "performance/list.html",
        {
            "evaluations": selectors.evaluation_list(request.user, status=status, waiting=waiting),
            "statuses": ReportStatus.choices,
            "status": status,
            "waiting": waiting,
            "unit_export": _unit_export_form(request.user),
        },
    )


def _unit_export_form(user):
    from apps.budgets.models import BudgetYear
    from apps.performance.forms import UnitEvaluationsExportForm
    from apps.projects.permissions import visible_units

    units = visible_units(user).filter(kind="unit").order_by("code")
    years = list(BudgetYear.objects.order_by("-year").values_list("year", flat=True))
    if not years or not units.exists():
        return None
    return UnitEvaluationsExportForm(units=units, years=years)


def overview_view(request):
    from apps.budgets.models import BudgetYear
    from apps.performance.overview import GRADES, overview

    years = list(BudgetYear.objects.order_by("-year").values_list("year", flat=True))
    try:
        year = int(request.GET.get("year") or (years[0] if years else 0))
        round_id = int(request.GET["round"]) if request.GET.get("round") else None
    except ValueError:
        year, round_id = (years[0] if years else 0), None
    data = overview(request.user, year, round_id)
    return render(
        request,
        "performance/overview.html",
        {"o": data, "years": years, "grades": GRADES, "totals": [data.totals]},
    )
