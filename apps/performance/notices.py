"""Notices of the report workflow, in the app (the review flow's 通知), to whoever acts next."""

from django.db.models import Q

from apps.accounts.models import User
from apps.performance.reports import UNIT_ROLES, ReportStatus
from apps.reviews.models import Notification

Role = User.Role
S = ReportStatus


def _recipients(report, to: str):
    users = User.objects.filter(is_active=True)
    unit = report.project.unit
    if to == S.SUBMITTED:
        parent = unit.parent_id or unit.pk
        return users.filter(role=Role.DEPT_REVIEWER).filter(Q(unit_id=parent) | Q(unit_id=unit.pk))
    if to == S.DEPT_PASSED:
        return users.filter(role=Role.FINANCE_REVIEWER)
    return users.filter(unit_id=unit.pk, role__in=UNIT_ROLES)


def report_notify(report, *, what: str, to: str, actor: User, reason: str = "") -> int:
    """One notice per recipient of the next step; returns how many were written."""
    project = report.project
    name = f"{project.unit.name}的“{project.name}”{what}"
    verb, message = {
        S.SUBMITTED: (Notification.Verb.SUBMITTED, f"{name}已提交，等待您审核。"),
        S.DEPT_PASSED: (Notification.Verb.SUBMITTED, f"{name}已通过主管部门审核，等待您审核。"),
        S.RETURNED: (
            Notification.Verb.RETURNED,
            f"“{project.name}”{what}被{actor.get_role_display()}退回：{reason}",
        ),
        S.ACCEPTED: (Notification.Verb.APPROVED, f"“{project.name}”{what}已通过财政审核。"),
    }[to]
    users = list(_recipients(report, to).exclude(pk=actor.pk))
    Notification.objects.bulk_create(
        Notification(recipient=u, project=project, verb=verb, message=message[:300]) for u in users
    )
    return len(users)
