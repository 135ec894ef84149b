"""A small workflow for the reports a unit files after approval (自评; monitoring can reuse it).

One table of transitions (from, action, to, who) is read by the permission checks, the
services and the buttons. A report is any object with ``status``, ``unit_id`` and
``events`` (rows with ``actor_id`` and ``action``). Scope — which reports a user sees at
all — is the projects' (``visible_units``): outside it the report is a 404.
"""

from dataclasses import dataclass

from django.db import models

from apps.accounts.models import User
from apps.projects.permissions import visible_units

Role = User.Role
UNIT_ROLES = (Role.FILLER, Role.UNIT_HEAD)


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已提交"
    DEPT_PASSED = "dept_passed", "主管部门已审核"
    RETURNED = "returned", "已退回"
    ACCEPTED = "accepted", "财政已审核"


S = ReportStatus
EDITABLE = (S.DRAFT, S.RETURNED)

UNIT, DEPT, FINANCE = "unit", "dept", "finance"
WHO_LABELS = {UNIT: "本单位的填报人或单位负责人", DEPT: "主管部门审核人", FINANCE: "财政审核人"}


@dataclass(frozen=True)
class Transition:
    action: str
    sources: tuple[str, ...]
    to: str
    who: str


TRANSITIONS = (
    Transition("submit", (S.DRAFT, S.RETURNED), S.SUBMITTED, UNIT),
    Transition("pass", (S.SUBMITTED,), S.DEPT_PASSED, DEPT),
    Transition("return", (S.SUBMITTED,), S.RETURNED, DEPT),
    Transition("return", (S.DEPT_PASSED,), S.RETURNED, FINANCE),
    Transition("accept", (S.DEPT_PASSED,), S.ACCEPTED, FINANCE),
)
ACTIONS = ("submit", "pass", "return", "accept")
ACTION_LABELS = {
    "submit": "提交",
    "pass": "主管部门审核通过",
    "return": "退回修改",
    "accept": "财政审核通过",
}
# Decisions that whoever submitted the report may not take (segregation of duties).
DECISIONS = ("pass", "accept")


class ReportRefused(Exception):
    """The action is not allowed; ``str(exc)`` is the Chinese reason; ``findings`` the
    errors that block a submission, if that is why."""

    def __init__(self, reason: str, findings=()):
        super().__init__(reason)
        self.findings = list(findings)


class StaleReport(ReportRefused):
    """The page was read at an older revision: someone saved in between."""

    def __init__(self):
        super().__init__(
            "保存前已有他人修改了这份报告：您的输入仍在页面上，请核对后再次保存（将覆盖对方的修改）。"
        )


def check_revision(report, revision) -> None:
    """Refuse a save based on an older revision (``None``: the caller did not say)."""
    if revision is not None and revision != report.revision:
        raise StaleReport()


def check_seen(report, seen: int | None) -> None:
    """Refuse an action taken on a page that showed the report before its latest step
    (``seen``: the newest event id the page showed, 0 for none; ``None``: not said) — e.g.
    a 提交 from a tab opened before the report was returned, whose reason it never showed."""
    if seen is None:
        return
    latest = report.events.aggregate(latest=models.Max("id"))["latest"] or 0
    if seen != latest:
        raise ReportRefused(
            f"您打开本页后，这份报告已有新的审核操作（当前状态：{S(report.status).label}），"
            "请查看最新的审核记录后再操作。"
        )


def stands_as(user: User, unit_id: int) -> set[str]:
    """The parts ``user`` plays for a report of ``unit_id``."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if user.role in UNIT_ROLES and user.unit_id is not None and user.unit_id == unit_id:
        return {UNIT}
    if user.role == Role.DEPT_REVIEWER and visible_units(user).filter(pk=unit_id).exists():
        return {DEPT}
    if user.role == Role.FINANCE_REVIEWER:
        return {FINANCE}
    return set()


def can(action: str, user: User, report, *, parts: set[str] | None = None) -> tuple[bool, str]:
    parts = stands_as(user, report.unit_id) if parts is None else parts
    candidates = [t for t in TRANSITIONS if t.action == action]
    if not candidates:
        return False, "没有这个操作。"
    mine = [t for t in candidates if t.who in parts]
    if not mine:
        return (
            False,
            f"只有{'或'.join(dict.fromkeys(WHO_LABELS[t.who] for t in candidates))}可以{ACTION_LABELS[action]}。",
        )
    if not any(report.status in t.sources for t in mine):
        return False, f"当前状态为“{S(report.status).label}”，不能{ACTION_LABELS[action]}。"
    if action in DECISIONS and report.events.filter(actor_id=user.pk, action="submit").exists():
        return False, "您提交过本报告，按不相容岗位分离的要求，不能审核通过。"
    return True, ""


def target(action: str, report, parts: set[str]) -> str:
    for t in TRANSITIONS:
        if t.action == action and t.who in parts and report.status in t.sources:
            return t.to
    raise ReportRefused("没有这个操作。")


def can_edit(user: User, report, *, parts: set[str] | None = None) -> tuple[bool, str]:
    parts = stands_as(user, report.unit_id) if parts is None else parts
    if UNIT not in parts:
        return False, "只有本单位的填报人或单位负责人可以填写。"
    if report.status not in EDITABLE:
        return False, f"当前状态为“{S(report.status).label}”，审核期间不能修改。"
    return True, ""


def allowed_actions(user: User, report) -> dict[str, tuple[bool, str]]:
    parts = stands_as(user, report.unit_id)
    return {action: can(action, user, report, parts=parts) for action in ACTIONS}


def shown_actions(user: User, report) -> dict[str, tuple[bool, str]]:
    """The buttons: allowed ones, and disabled ones of the user's own part (with reason)."""
    parts = stands_as(user, report.unit_id)
    own = {t.action for t in TRANSITIONS if t.who in parts}
    return {
        action: result
        for action, result in allowed_actions(user, report).items()
        if result[0] or action in own
    }


def transition(report, *, actor: User, action: str, reason: str, event_model, fk: str, what: str):
    """Move a locked ``report`` by ``action``, record it (``event_model`` with a foreign
    key ``fk`` to the report) and notify the next step (``what`` names the report in the
    notice): the caller has locked the row and checked ``can``."""
    from apps.performance.notices import report_notify

    to = target(action, report, stands_as(actor, report.unit_id))
    event_model.objects.create(
        **{fk: report},
        actor=actor,
        action=action,
        from_status=report.status,
        to_status=to,
        reason=reason,
    )
    report.status = to
    report.save(update_fields=["status", "updated_at"])
    report_notify(report, what=what, to=to, actor=actor, reason=reason)
    return report
