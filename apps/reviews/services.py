"""Writes of the review flow. Each transition locks the project row, re-checks who may do
it in the state the row is in *now*, then moves it — so two reviewers clicking at once,
or a filler saving while a reviewer returns, cannot both win."""

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone

from apps.accounts.models import User
from apps.checks.findings import Sheet
from apps.projects.models import Project
from apps.projects.services import project_refresh_findings
from apps.reviews import permissions
from apps.reviews.models import (
    Action,
    CommentReply,
    Notification,
    ProjectVersion,
    ReviewComment,
    ReviewEvent,
)
from apps.sheets.snapshot import project_snapshot

logger = logging.getLogger(__name__)
Status = Project.Status
Role = User.Role


class TransitionRefused(Exception):
    """The action is not allowed; ``str(exc)`` is the Chinese reason for the user."""


def _lock(project: Project) -> Project:
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("unit", "budget_year")
        .get(pk=project.pk)
    )


def _check(action: str, actor: User, project: Project) -> None:
    allowed, reason = permissions.ACTION_CHECKS[action](actor, project)
    if not allowed:
        raise TransitionRefused(reason)


def _move(project, *, actor, action, to, reason="", grade="", version=None) -> ReviewEvent:
    event = ReviewEvent.objects.create(
        project=project,
        actor=actor,
        action=action,
        from_status=project.status,
        to_status=to,
        reason=reason,
        grade=grade,
        version=version,
    )
    project.status = to
    project.save(update_fields=["status", "grade", "approved_at", "adjustment", "updated_at"])
    return event


def project_submit(*, project: Project, actor: User) -> Project:
    """Submit for review: freezes the sheets as a new numbered version."""
    # The stored counts could lag behind a taxonomy change: refresh them first, in their
    # own transaction, so that a refusal still leaves the counts right on the page.
    project_refresh_findings(project=project)
    return _submit(project=project, actor=actor)


@transaction.atomic
def _submit(*, project: Project, actor: User) -> Project:
    project = _lock(project)
    project_refresh_findings(project=project)  # again under the lock: the decisive count
    _check("submit", actor, project)
    number = (project.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    version = ProjectVersion.objects.create(
        project=project,
        number=number,
        adjustment=project.adjustment,
        data=project_snapshot(project),
        created_by=actor,
    )
    _move(project, actor=actor, action=Action.SUBMIT, to=Status.SUBMITTED, version=version)
    _notify_reviewers(project, stage=Status.SUBMITTED)
    return project


@transaction.atomic
def project_pass(*, project: Project, actor: User, reason: str = "") -> Project:
    project = _lock(project)
    _check("pass", actor, project)
    _move(project, actor=actor, action=Action.PASS, to=Status.DEPT_PASSED, reason=reason.strip())
    _notify_reviewers(project, stage=Status.DEPT_PASSED)
    _notify_unit(
        project, Notification.Verb.PASSED, f"“{project.name}”已通过主管部门审核，等待财政审核。"
    )
    return project


@transaction.atomic
def project_return(*, project: Project, actor: User, reason: str) -> Project:
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("退回必须填写理由。")
    project = _lock(project)
    _check("return", actor, project)
    _move(project, actor=actor, action=Action.RETURN, to=Status.RETURNED, reason=reason)
    _notify_unit(
        project,
        Notification.Verb.RETURNED,
        f"“{project.name}”被{actor.get_role_display()}退回：{reason}"[:300],
    )
    return project


@transaction.atomic
def project_approve(*, project: Project, actor: User, grade: str, reason: str = "") -> Project:
    if grade not in Project.Grade.values:
        raise TransitionRefused("批复须评定等级（优、良、中、差）。")
    project = _lock(project)
    _check("approve", actor, project)
    project.grade = grade
    project.approved_at = timezone.now()
    version = project.versions.order_by("-number").first()
    if version is not None:
        version.approved_at, version.grade = project.approved_at, grade
        version.save(update_fields=["approved_at", "grade"])
    _move(
        project,
        actor=actor,
        action=Action.APPROVE,
        to=Status.APPROVED,
        reason=reason.strip(),
        grade=grade,
        version=version,
    )
    _notify_unit(
        project,
        Notification.Verb.APPROVED,
        f"“{project.name}”已批复，评定等级：{project.get_grade_display()}。",
    )
    return project


@transaction.atomic
def project_adjust(*, project: Project, actor: User, reason: str) -> Project:
    """Open an adjustment (调整) of an approved project: editable again, reviewed again;
    the approved version stays as it was, readable from the versions page."""
    reason = reason.strip()
    if not reason:
        raise TransitionRefused("申请调整必须说明理由。")
    project = _lock(project)
    _check("adjust", actor, project)
    project.adjustment += 1
    # The grade belongs to the approved version (kept on it); the adjustment gets its own.
    project.grade, project.approved_at = "", None
    _move(project, actor=actor, action=Action.ADJUST, to=Status.ADJUSTING, reason=reason)
    return project


@transaction.atomic
def comment_add(
    *, project: Project, actor: User, sheet: Sheet, anchor: str, anchor_label: str, text: str
) -> ReviewComment:
    text = text.strip()
    if not text:
        raise TransitionRefused("意见不能为空。")
    project = _lock(project)
    allowed, reason = permissions.can_comment(actor, project)
    if not allowed:
        raise TransitionRefused(reason)
    number = project.versions.aggregate(n=Max("number"))["n"] or 0
    return ReviewComment.objects.create(
        project=project,
        author=actor,
        version_number=number,
        sheet=sheet,
        anchor=anchor,
        anchor_label=anchor_label,
        text=text,
    )


def _locked_comment(comment: ReviewComment) -> ReviewComment:
    return (
        ReviewComment.objects.select_for_update(of=("self",))
        .select_related("project")
        .get(pk=comment.pk)
    )


@transaction.atomic
def comment_resolve(*, comment: ReviewComment, actor: User, resolved: bool = True) -> ReviewComment:
    """Mark a comment 已处理 (or take that back). A resolved comment folds away on the
    sheets but stays, with its replies, in the project's record."""
    comment = _locked_comment(comment)
    allowed, reason = permissions.can_resolve(actor, comment)
    if not allowed:
        raise TransitionRefused(reason)
    if resolved and comment.resolved_at is None:
        comment.resolved_at, comment.resolved_by = timezone.now(), actor
    elif not resolved:
        comment.resolved_at, comment.resolved_by = None, None
    comment.save(update_fields=["resolved_at", "resolved_by"])
    return comment


@transaction.atomic
def comment_reply(*, comment: ReviewComment, actor: User, text: str) -> CommentReply:
    text = text.strip()
    if not text:
        raise TransitionRefused("回复不能为空。")
    comment = _locked_comment(comment)
    allowed, reason = permissions.can_reply(actor, comment)
    if not allowed:
        raise TransitionRefused(reason)
    return CommentReply.objects.create(comment=comment, author=actor, text=text)


# --- Notifications: a row per recipient in the app, and an e-mail after commit -----------


def _reviewers_for(project: Project, stage: str):
    users = User.objects.filter(is_active=True)
    if stage == Status.SUBMITTED:
        parent = project.unit.parent_id or project.unit_id
        return users.filter(role=Role.DEPT_REVIEWER).filter(
            Q(unit_id=parent) | Q(unit_id=project.unit_id)
        )
    return users.filter(role=Role.FINANCE_REVIEWER)


def _notify_reviewers(project: Project, *, stage: str) -> None:
    what = "已提交" if stage == Status.SUBMITTED else "已通过主管部门审核"
    _notify(
        _reviewers_for(project, stage),
        project,
        Notification.Verb.SUBMITTED,
        f"{project.unit.name}的“{project.name}”{what}，等待您审核。",
    )


def _notify_unit(project: Project, verb: str, message: str) -> None:
    users = User.objects.filter(
        is_active=True, unit_id=project.unit_id, role__in=permissions.FILLER_ROLES
    )
    _notify(users, project, verb, message)


def _notify(users, project: Project, verb: str, message: str) -> None:
    users = list(users)
    Notification.objects.bulk_create(
        Notification(recipient=u, project=project, verb=verb, message=message[:300]) for u in users
    )
    _mail(users, message, reverse("projects:detail", args=[project.pk]), "查看项目")


def _mail(users, message: str, path: str, link_text: str) -> None:
    """The e-mail of a notice, sent after the transaction commits (never undoing it)."""
    recipients = [u.email for u in users if u.email]
    if not recipients:
        return
    link = settings.SITE_URL.rstrip("/") + path

    def send():
        try:
            send_mail(
                subject=" ".join(f"[绩效目标申报] {message}".split())[:120],  # one line
                message=f"{message}\n\n{link_text}：{link}\n",
                from_email=None,
                recipient_list=recipients,
            )
        except Exception:  # a mail server down must not undo a review decision
            logger.exception("notification e-mail (%s) failed", path)

    transaction.on_commit(send)


# --- Deadline reminders ---------------------------------------------------------------------


@dataclass(frozen=True)
class ReminderSent:
    unit: str
    year: int
    unsubmitted: int
    recipients: int


def deadline_reminders_send(*, days_before: int, today=None) -> list[ReminderSent]:
    """Remind each unit that still has unsubmitted (draft) projects of a round closing within
    ``days_before`` days (the close day included), in the app and by e-mail. At most once a
    day per unit and round: a second run the same day sends nothing (safe in cron)."""
    from django.db.models import Count

    from apps.reviews.models import DeadlineReminder, FilingRound

    today = today or timezone.localdate()
    sent = []
    rounds = FilingRound.objects.select_related("budget_year").filter(
        closes_on__gte=today,
        closes_on__lte=today + timedelta(days=days_before),
        opens_on__lte=today,
    )
    for filing_round in rounds:
        drafts = (
            Project.objects.filter(budget_year=filing_round.budget_year, status=Status.DRAFT)
            .order_by()
            .values("unit_id", "unit__name")
            .annotate(n=Count("pk"))
            .order_by("unit__code")
        )
        for row in drafts:
            with transaction.atomic():
                reminder, created = DeadlineReminder.objects.get_or_create(
                    filing_round=filing_round,
                    unit_id=row["unit_id"],
                    sent_on=today,
                    defaults={"unsubmitted": row["n"], "recipients": 0},
                )
                if not created:
                    continue
                users = list(
                    User.objects.filter(
                        is_active=True, unit_id=row["unit_id"], role__in=permissions.FILLER_ROLES
                    )
                )
                left = (filing_round.closes_on - today).days
                when = "今天" if left == 0 else f"还有 {left} 天"
                message = (
                    f"{filing_round.budget_year.year} 年度申报将于 "
                    f"{filing_round.closes_on:%Y年%m月%d日} 截止（{when}），"
                    f"{row['unit__name']}还有 {row['n']} 个项目未提交。"
                )
                Notification.objects.bulk_create(
                    Notification(recipient=u, verb=Notification.Verb.DEADLINE, message=message)
                    for u in users
                )
                path = (
                    reverse("projects:list") + f"?year={filing_round.budget_year.year}&status=draft"
                )
                _mail(users, message, path, "查看未提交的项目")
                reminder.recipients = len(users)
                reminder.save(update_fields=["recipients"])
            sent.append(
                ReminderSent(row["unit__name"], filing_round.budget_year.year, row["n"], len(users))
            )
    return sent


def notifications_mark_read(*, user: User, ids=None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    return unread.update(read_at=timezone.now())


# --- Batch decisions: each project still its own locked transition -----------------------


@dataclass(frozen=True)
class BatchRefusal:
    project_id: int
    name: str  # "" when the project is not the actor's to see: nothing about it leaks
    reason: str


@dataclass
class BatchOutcome:
    action: str
    done: list[Project] = field(default_factory=list)
    refused: list[BatchRefusal] = field(default_factory=list)


NOT_IN_SCOPE = "没有这个项目，或它不在您的审核范围内。"


def projects_batch_decide(
    *, actor: User, project_ids: list[int], action: str, reason: str = "", grade: str = ""
) -> BatchOutcome:
    """Pass, return or approve many projects at once.

    Deliberately not one transaction: every project goes through its own transition service
    (own row lock, own permission check against the row as it is then, own event and
    notifications), so a refusal of one neither blocks nor undoes the others.
    """
    decide = {
        "pass": lambda p: project_pass(project=p, actor=actor, reason=reason),
        "return": lambda p: project_return(project=p, actor=actor, reason=reason),
        "approve": lambda p: project_approve(project=p, actor=actor, grade=grade, reason=reason),
    }[action]
    from apps.projects.permissions import visible_projects

    found = visible_projects(actor).filter(pk__in=project_ids).only("pk", "name", "unit_id")
    by_id = {p.pk: p for p in found}
    outcome = BatchOutcome(action=action)
    for pk in dict.fromkeys(project_ids):
        project = by_id.get(pk)
        if project is None:
            outcome.refused.append(BatchRefusal(pk, "", NOT_IN_SCOPE))
            continue
        try:
            outcome.done.append(decide(project))
        except TransitionRefused as exc:
            outcome.refused.append(BatchRefusal(pk, project.name, str(exc)))
    return outcome
