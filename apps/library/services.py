"""Writes to the library: entries, proposals and their decisions, 固化指标."""

from django.db import IntegrityError, transaction
from django.utils import timezone

from apps.library.models import LibraryIndicator, Mandated, Proposal, Tier
from apps.library.permissions import can_decide, can_keep, can_propose


class LibraryRefused(Exception):
    """A library write that may not happen; ``str(exc)`` says why, in Chinese."""


def _refuse_unless(allowed: tuple[bool, str]) -> None:
    if not allowed[0]:
        raise LibraryRefused(allowed[1])


@transaction.atomic
def entry_save(*, form, actor) -> LibraryIndicator:
    """Save a valid LibraryEntryForm (new or edited entry) the actor keeps."""
    entry = form.save(commit=False)
    _refuse_unless(can_keep(actor, entry.owner_id))
    if form.instance.pk:
        before = LibraryIndicator.objects.select_for_update().get(pk=entry.pk)
        _refuse_unless(can_keep(actor, before.owner_id))
    entry.tier = Tier.DEPARTMENT if entry.owner_id else Tier.COMMON
    _save_once(entry, "该二级指标下已有同名的库指标（可能刚由他人保存），请刷新后核对。")
    return entry


def _save_once(row, clash: str) -> None:
    """Save ``row``; a unique constraint hit by a save in between (another tab, a double
    click: both forms passed their checks) is refused with ``clash``, not a 500."""
    try:
        with transaction.atomic():
            row.save()
    except IntegrityError as exc:
        raise LibraryRefused(clash) from exc


def origin_of(indicator) -> str:
    project = indicator.project
    return f"{project.unit.name} · {project.budget_year.year} 年 · {project.name}"


@transaction.atomic
def proposal_create(*, indicator, tier: str, actor, remark: str = "") -> Proposal:
    """Propose a filed indicator for the 共性 tier or for its unit's department's tier."""
    _refuse_unless(can_propose(actor))
    if tier not in Tier.values:
        raise LibraryRefused("请选择纳入共性指标还是部门指标。")
    if indicator.level2_id is None or not indicator.name.strip():
        raise LibraryRefused(f"“{indicator.name or '该指标'}”没有二级指标或名称，不能纳入指标库。")
    owner_id = None
    if tier == Tier.DEPARTMENT:
        owner_id = indicator.project.unit.parent_id
        if owner_id is None:
            raise LibraryRefused("该单位没有主管部门，只能提议纳入共性指标。")
    pending = Proposal.objects.filter(
        indicator=indicator, tier=tier, status=Proposal.Status.PENDING
    )
    if pending.exists():
        raise LibraryRefused(f"“{indicator.name}”已有待处理的提议。")
    target = indicator.target_raw
    try:
        with transaction.atomic():
            return Proposal.objects.create(
                indicator=indicator,
                tier=tier,
                owner_id=owner_id,
                level2_id=indicator.level2_id,
                name=indicator.name.strip(),
                target=target,
                remark=remark,
                origin=origin_of(indicator),
                proposed_by=actor,
            )
    except IntegrityError as exc:  # a second click at the same moment
        raise LibraryRefused(f"“{indicator.name}”已有待处理的提议。") from exc


def _locked(proposal: Proposal) -> Proposal:
    return (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("indicator")
        .get(pk=proposal.pk)
    )


@transaction.atomic
def proposal_accept(*, proposal: Proposal, actor, reason: str = "") -> LibraryIndicator:
    """Accept: the indicator becomes a library entry of the proposed tier, with its origin
    (an entry of the same name under the same level is reused, not doubled)."""
    proposal = _locked(proposal)
    _refuse_unless(can_decide(actor, proposal))
    same = LibraryIndicator.objects.filter(
        level2_id=proposal.level2_id, name=proposal.name, owner_id=proposal.owner_id
    )
    entry = same.first()
    if entry is None:
        parsed = _parsed(proposal.target)
        try:
            with transaction.atomic():
                entry = _entry_from(proposal, parsed)
        except IntegrityError:  # made meanwhile by another accept: reuse it, as above
            entry = same.get()
    _decide(proposal, actor, Proposal.Status.ACCEPTED, reason, entry)
    return entry


def _entry_from(proposal: Proposal, parsed) -> LibraryIndicator:
    """The library entry an accepted proposal makes, from the filed indicator."""
    source = proposal.indicator
    return LibraryIndicator.objects.create(
        tier=proposal.tier,
        owner_id=proposal.owner_id,
        level2_id=proposal.level2_id,
        name=proposal.name,
        comparator=parsed.comparator if parsed.kind == "quantitative" else "",
        typical_value=(parsed.number_text if parsed.kind == "quantitative" else proposal.target),
        unit=(parsed.unit if parsed.kind == "quantitative" else "")[:20],
        explanation=(source.explanation if source else "") or proposal.remark,
        scoring=source.scoring if source else "",
        nature=source.nature if source else "",
        origin=proposal.origin,
        origin_indicator=source,
    )


def _parsed(target: str):
    from apps.indicators.targets import parse_target

    return parse_target(target)


@transaction.atomic
def proposal_reject(*, proposal: Proposal, actor, reason: str) -> Proposal:
    proposal = _locked(proposal)
    _refuse_unless(can_decide(actor, proposal))
    if not reason.strip():
        raise LibraryRefused("不采纳时请写明理由。")
    _decide(proposal, actor, Proposal.Status.REJECTED, reason.strip(), None)
    return proposal


def _decide(proposal, actor, status, reason, entry) -> None:
    proposal.status = status
    proposal.decided_by = actor
    proposal.decided_at = timezone.now()
    proposal.reason = reason
    proposal.entry = entry
    proposal.save(update_fields=["status", "decided_by", "decided_at", "reason", "entry"])


@transaction.atomic
def mandated_save(*, form, actor) -> Mandated:
    mandated = form.save(commit=False)
    _refuse_unless(can_keep(actor, mandated.owner_id))
    if form.instance.pk:
        before = Mandated.objects.select_for_update().get(pk=mandated.pk)
        _refuse_unless(can_keep(actor, before.owner_id))
    _save_once(mandated, "已有相同的固化指标（可能刚由他人保存），请刷新后核对。")
    return mandated


@transaction.atomic
def mandated_delete(*, mandated: Mandated, actor) -> None:
    _refuse_unless(can_keep(actor, mandated.owner_id))
    mandated.delete()
