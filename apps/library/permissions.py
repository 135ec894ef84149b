"""Who keeps which part of the library, who proposes and who decides.

共性 entries and the finance bureau's 固化指标 are kept by finance reviewers (and
administrators); a department's entries and 固化指标 by its department reviewers. Every
user with a unit may read what its filers pick from."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.library.models import LibraryIndicator, Mandated, Proposal, Tier
from apps.library.selectors import for_unit

Role = User.Role


def is_finance(user: User) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.FINANCE_REVIEWER)


def is_department(user: User) -> bool:
    return user.role == Role.DEPT_REVIEWER and user.unit_id is not None


def readable_entries(user: User) -> QuerySet[LibraryIndicator]:
    entries = LibraryIndicator.objects.all()
    if not user.is_authenticated or not user.is_active:
        return entries.none()
    if is_finance(user):
        return entries
    if user.unit_id is None:
        return entries.none()
    return for_unit(entries, user.unit_id)  # 共性 (no owner) and its department's


def can_keep(user: User, owner_id: int | None) -> tuple[bool, str]:
    """Whether the user keeps the entries (or 固化指标) of ``owner_id`` (None: finance's)."""
    if is_finance(user):
        return True, ""
    if is_department(user) and owner_id == user.unit_id:
        return True, ""
    if owner_id is None:
        return False, "共性指标和财政设定的固化指标由财政部门维护。"
    return False, "部门指标由其主管部门维护。"


def can_keep_any(user: User) -> tuple[bool, str]:
    if is_finance(user) or is_department(user):
        return True, ""
    return False, "只有主管部门和财政审核人维护指标库。"


def get_entry_for_user(user: User, pk: int) -> LibraryIndicator:
    return get_object_or_404(readable_entries(user).select_related("level2__level1"), pk=pk)


def kept_mandated(user: User) -> QuerySet[Mandated]:
    rows = Mandated.objects.all()
    if is_finance(user):
        return rows
    if is_department(user):
        return rows.filter(owner_id=user.unit_id)
    return rows.none()


def get_mandated_for_user(user: User, pk: int) -> Mandated:
    return get_object_or_404(kept_mandated(user), pk=pk)


def can_propose(user: User) -> tuple[bool, str]:
    if is_finance(user) or is_department(user):
        return True, ""
    return False, "只有审核人可以提议纳入指标库。"


def decidable_proposals(user: User) -> QuerySet[Proposal]:
    rows = Proposal.objects.all()
    if is_finance(user):
        return rows
    if is_department(user):
        return rows.filter(tier=Tier.DEPARTMENT, owner_id=user.unit_id)
    return rows.none()


def visible_proposals(user: User) -> QuerySet[Proposal]:
    if is_finance(user):
        return Proposal.objects.all()
    if is_department(user):
        return Proposal.objects.filter(
            Q(tier=Tier.DEPARTMENT, owner_id=user.unit_id) | Q(proposed_by=user)
        )
    return Proposal.objects.none()


def get_proposal_for_user(user: User, pk: int) -> Proposal:
    return get_object_or_404(visible_proposals(user), pk=pk)


def can_decide(user: User, proposal: Proposal) -> tuple[bool, str]:
    if proposal.status != Proposal.Status.PENDING:
        return False, f"该提议已{proposal.get_status_display()}。"
    owner_id = proposal.owner_id if proposal.tier == Tier.DEPARTMENT else None
    return can_keep(user, owner_id)
