"""The library where it meets a project: the 三级指标 type-ahead of the goals sheet,
纳入指标库 from a filing, and adding the 固化指标 a project lacks."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from apps.indicators.models import Indicator
from apps.library import permissions as perms
from apps.library.forms import ProposalForm
from apps.library.selectors import suggestions
from apps.library.services import LibraryRefused, proposal_create
from apps.projects.permissions import can_edit, get_project_for_user
from apps.projects.services import WriteRefused, project_mandated_apply


@require_GET
def library_suggest(request, pk):
    """The type-ahead of a 三级指标 cell: an HTML listbox fragment."""
    project = get_project_for_user(request.user, pk)
    if not can_edit(request.user, project)[0]:
        raise Http404("不能修改该项目。")
    try:
        level2_id = int(request.GET.get("level2") or 0) or None
    except ValueError:
        level2_id = None
    items = suggestions(project=project, q=request.GET.get("q", ""), level2_id=level2_id)
    return render(
        request,
        "library/_suggestions.html",
        {
            "items": items,
            "q": request.GET.get("q", ""),
            "version": project.budget_year.form_version,
        },
    )


def library_propose(request, pk):
    """纳入指标库: a reviewer picks indicators of a filing to propose."""
    project = get_project_for_user(request.user, pk)
    allowed, reason = perms.can_propose(request.user)
    if not allowed:
        raise Http404(reason)
    indicators = list(
        Indicator.objects.filter(project=project, level2__isnull=False)
        .exclude(name="")
        .select_related("level2__level1")
    )
    form = ProposalForm(request.POST or None, indicators=indicators)
    if request.method == "POST" and form.is_valid():
        chosen = [i for i in indicators if str(i.pk) in form.cleaned_data["indicators"]]
        made, refused = 0, []
        for indicator in chosen:
            try:
                proposal_create(
                    indicator=indicator,
                    tier=form.cleaned_data["tier"],
                    actor=request.user,
                    remark=form.cleaned_data["remark"],
                )
                made += 1
            except LibraryRefused as exc:
                refused.append(str(exc))
        if made:
            messages.success(request, f"已提议纳入指标库 {made} 个指标，等待维护方处理。")
        for text in refused:
            messages.warning(request, text)
        return redirect("projects:detail", pk=project.pk)
    return render(request, "library/propose.html", {"project": project, "form": form})


@require_POST
def mandated_apply(request, pk):
    project = get_project_for_user(request.user, pk)
    allowed, reason = can_edit(request.user, project)
    if not allowed:
        messages.error(request, reason)
        return redirect("projects:detail", pk=pk)
    try:
        added = project_mandated_apply(project=project, actor=request.user)
    except WriteRefused as exc:
        messages.error(request, str(exc))
        return redirect("projects:detail", pk=pk)
    if added:
        messages.success(request, f"已补入 {added} 个固化指标，请核对其指标值。")
    else:
        messages.info(request, "项目已包含全部适用的固化指标。")
    return redirect("projects:sheet", pk=pk, sheet="goals")
