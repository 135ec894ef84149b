from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.library import permissions as perms
from apps.library.filters import LibraryFilter
from apps.library.forms import DecisionForm, LibraryEntryForm, MandatedForm
from apps.library.models import Proposal
from apps.library.services import (
    LibraryRefused,
    entry_save,
    mandated_delete,
    mandated_save,
    proposal_accept,
    proposal_reject,
)

PAGE_SIZE = 50


def library_list(request):
    base = perms.readable_entries(request.user).select_related("level2__level1__taxonomy", "owner")
    filterset = LibraryFilter(request.GET or None, queryset=base)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "library/list.html",
        {
            "filter": filterset,
            "page": page,
            "can_keep": perms.can_keep_any(request.user),
            "kept": {e.pk for e in page if perms.can_keep(request.user, e.owner_id)[0]},
        },
    )


def _entry_form(request, entry=None):
    allowed, reason = perms.can_keep_any(request.user)
    if not allowed:
        raise Http404(reason)
    if entry is not None and not perms.can_keep(request.user, entry.owner_id)[0]:
        raise Http404("不能修改此库指标。")
    form = LibraryEntryForm(request.POST or None, instance=entry, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = entry_save(form=form, actor=request.user)
        except LibraryRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存库指标“{saved.name}”。")
            return redirect("library:list")
    return render(request, "library/form.html", {"form": form, "entry": entry})


def entry_create(request):
    return _entry_form(request)


def entry_edit(request, pk):
    return _entry_form(request, perms.get_entry_for_user(request.user, pk))


def proposal_list(request):
    rows = perms.visible_proposals(request.user).select_related(
        "level2__level1", "owner", "proposed_by", "decided_by", "entry"
    )
    if not perms.can_propose(request.user)[0]:
        raise Http404("只有审核人处理纳入指标库的提议。")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    decidable = {p.pk for p in page if perms.can_decide(request.user, p)[0]}
    return render(
        request,
        "library/proposals.html",
        {"page": page, "decidable": decidable, "form": DecisionForm()},
    )


@require_POST
def proposal_decide(request, pk, decision):
    proposal = perms.get_proposal_for_user(request.user, pk)
    form = DecisionForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("reason", [])))
        return redirect("library:proposals")
    try:
        if decision == "accept":
            entry = proposal_accept(proposal=proposal, actor=request.user, reason=reason)
            messages.success(request, f"已纳入指标库：“{entry.name}”。")
        else:
            proposal_reject(proposal=proposal, actor=request.user, reason=reason)
            messages.success(request, f"已不采纳：“{proposal.name}”。")
    except LibraryRefused as exc:
        messages.error(request, str(exc))
    return redirect("library:proposals")


def mandated_list(request):
    allowed, reason = perms.can_keep_any(request.user)
    if not allowed:
        raise Http404(reason)
    rows = perms.kept_mandated(request.user).select_related(
        "budget_year", "owner", "level2__level1"
    )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/mandated_list.html", {"page": page})


def _mandated_form(request, mandated=None):
    allowed, reason = perms.can_keep_any(request.user)
    if not allowed:
        raise Http404(reason)
    form = MandatedForm(request.POST or None, instance=mandated, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = mandated_save(form=form, actor=request.user)
        except LibraryRefused as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, f"已保存固化指标“{saved.name}”。")
            return redirect("library:mandated")
    return render(request, "library/mandated_form.html", {"form": form, "mandated": mandated})


def mandated_create(request):
    return _mandated_form(request)


def mandated_edit(request, pk):
    return _mandated_form(request, perms.get_mandated_for_user(request.user, pk))


@require_POST
def mandated_remove(request, pk):
    mandated = perms.get_mandated_for_user(request.user, pk)
    try:
        mandated_delete(mandated=mandated, actor=request.user)
        messages.success(request, f"已删除固化指标“{mandated.name}”。")
    except LibraryRefused as exc:
        messages.error(request, str(exc))
    return redirect("library:mandated")


def entry_detail(request, pk):
    entry = perms.get_entry_for_user(request.user, pk)
    proposals = Proposal.objects.filter(entry=entry).select_related("proposed_by")
    return render(
        request,
        "library/detail.html",
        {
            "entry": entry,
            "proposals": proposals,
            "can_keep": perms.can_keep(request.user, entry.owner_id),
        },
    )
