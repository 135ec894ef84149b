"""Who may move a project along the review flow, and why not.

Each ``can_<action>(user, project) -> (allowed, reason)``; the reason is shown next to a
disabled button and as the refusal message. Scope (which projects a user sees at all)
comes from ``apps.projects.permissions.visible_units`` — the one place that decides it.
"""

from django.utils import timezone

from apps.accounts.models import User
from apps.projects.models import EDITABLE_STATUSES, Project
from apps.projects.permissions import visible_units

Role = User.Role
Status = Project.Status

FILLER_ROLES = (Role.FILLER, Role.UNIT_HEAD)
REVIEW_STATUSES = (Status.SUBMITTED, Status.DEPT_PASSED)


def _is_filler_of(user: User, project: Project) -> bool:
    return (
        user.role in FILLER_ROLES and user.unit_id is not None and user.unit_id == project.unit_id
    )


def _reviews_department_stage(user: User, project: Project) -> bool:
    return (
        user.role == Role.DEPT_REVIEWER and visible_units(user).filter(pk=project.unit_id).exists()
    )


def _status_text(project: Project) -> str:
    return f"项目当前状态为“{project.get_status_display()}”"


def submission_window_refusal(project: Project) -> str:
    from apps.reviews.models import FilingRound

    filing_round = FilingRound.objects.filter(budget_year_id=project.budget_year_id).first()
    if filing_round is None:
        return ""
    return filing_round.refusal(timezone.localdate())


def can_submit(user: User, project: Project) -> tuple[bool, str]:
    if not _is_filler_of(user, project):
        return False, "只有本单位的填报人或单位负责人可以提交。"
    if project.status not in EDITABLE_STATUSES:
        return False, f"{_status_text(project)}，不能再次提交。"
    if project.error_count:
        return False, f"项目还有 {project.error_count} 处错误，改正后才能提交。"
    # The filing round bounds the first submission; a project returned for revision or
    # adjusting an approved version is resubmitted whenever it is ready.
    if project.status == Status.DRAFT:
        refusal = submission_window_refusal(project)
        if refusal:
            return False, refusal
    return True, ""


def took_part_in_filing(user: User, project: Project) -> str:
    """Segregation of duties: why ``user`` may not decide on ``project`` because they filled
    it (a recorded change to its sheets) or submitted it; "" if they did neither. Roles
    change over the years, so a reviewer may well have been the unit's filler once."""
    from apps.history.models import Change
    from apps.reviews.models import ReviewEvent

    if ReviewEvent.objects.filter(project=project, actor=user, action="submit").exists():
        return "您提交过本项目，按不相容岗位分离的要求，不能审核通过或批复本项目。"
    if Change.objects.filter(project=project, actor=user).exists():
        return "您填报（修改）过本项目的申报表，按不相容岗位分离的要求，不能审核通过或批复本项目。"
    return ""


def can_pass(user: User, project: Project) -> tuple[bool, str]:
    if not _reviews_department_stage(user, project):
        return False, "只有主管部门审核人可以审核通过。"
    if project.status != Status.SUBMITTED:
        return False, f"{_status_text(project)}，不在主管部门审核环节。"
    refusal = took_part_in_filing(user, project)
    if refusal:
        return False, refusal
    return True, ""


def can_return(user: User, project: Project) -> tuple[bool, str]:
    if user.role == Role.FINANCE_REVIEWER:
        if project.status != Status.DEPT_PASSED:
            return False, f"{_status_text(project)}，不在财政审核环节。"
        return True, ""
    if _reviews_department_stage(user, project):
        if project.status != Status.SUBMITTED:
            return False, f"{_status_text(project)}，不在主管部门审核环节。"
        return True, ""
    return False, "只有审核人可以退回。"


def can_approve(user: User, project: Project) -> tuple[bool, str]:
    if user.role != Role.FINANCE_REVIEWER:
        return False, "只有财政审核人可以批复。"
    if project.status != Status.DEPT_PASSED:
        return False, f"{_status_text(project)}，须经主管部门审核通过后才能批复。"
    refusal = took_part_in_filing(user, project)
    if refusal:
        return False, refusal
    return True, ""


def can_adjust(user: User, project: Project) -> tuple[bool, str]:
    if not _is_filler_of(user, project):
        return False, "只有本单位的填报人或单位负责人可以申请调整。"
    if project.status != Status.APPROVED:
        return False, f"{_status_text(project)}，只有已批复的项目才需要调整。"
    return True, ""


def can_comment(user: User, project: Project) -> tuple[bool, str]:
    """Reviewers write comments while the project is at their stage."""
    if user.role == Role.FINANCE_REVIEWER and project.status == Status.DEPT_PASSED:
        return True, ""
    if _reviews_department_stage(user, project) and project.status == Status.SUBMITTED:
        return True, ""
    return False, "只有处于本人审核环节的项目可以填写审核意见。"


ACTION_CHECKS = {
    "submit": can_submit,
    "pass": can_pass,
    "return": can_return,
    "approve": can_approve,
    "adjust": can_adjust,
}


def allowed_actions(user: User, project: Project) -> dict[str, tuple[bool, str]]:
    return {action: check(user, project) for action, check in ACTION_CHECKS.items()}


def _concerns(user: User, action: str) -> bool:
    """Whether a disabled action's button is worth showing (with its reason) to this user."""
    role = user.role
    if action == "adjust":
        return False  # offered once approved; before that it only adds noise
    if action == "submit":
        return role in FILLER_ROLES
    if action == "pass":
        return role == Role.DEPT_REVIEWER
    if action == "approve":
        return role == Role.FINANCE_REVIEWER
    return is_reviewer(user)


def panel_actions(user: User, project: Project, actions=None) -> dict[str, tuple[bool, str]]:
    """The buttons of the project page: what the user may do, and the disabled ones whose
    reason helps them. Once approved the flow is over: only what can still be done (the
    unit's 申请调整) — no dead buttons whose reasons contradict each other."""
    actions = actions if actions is not None else allowed_actions(user, project)
    if project.status == Status.APPROVED:
        return {name: result for name, result in actions.items() if result[0]}
    return {name: result for name, result in actions.items() if result[0] or _concerns(user, name)}


def is_reviewer(user: User) -> bool:
    return user.role in (Role.DEPT_REVIEWER, Role.FINANCE_REVIEWER)


# --- Comments: replies and 已处理 -----------------------------------------------------------


def comment_role(user: User, project: Project) -> str:
    """How ``user`` stands to a project's comments: "unit" (its fillers), "reviewer" (the
    department reviewer of its unit, a finance reviewer) or "" (anyone else)."""
    if _is_filler_of(user, project):
        return "unit"
    if user.role == Role.FINANCE_REVIEWER or _reviews_department_stage(user, project):
        return "reviewer"
    return ""


def can_reply(user: User, comment, *, role: str | None = None) -> tuple[bool, str]:
    """The unit and the project's reviewers talk under a comment until it is settled.
    ``role`` is ``comment_role(user, comment.project)`` when the caller knows it already."""
    project = comment.project
    role = comment_role(user, project) if role is None else role
    if not role:
        return False, "只有本单位的填报人和本项目的审核人可以回复审核意见。"
    if project.status == Status.APPROVED:
        return False, "项目已批复，审核意见已归档，不能再回复。"
    if comment.resolved_at is not None:
        return False, "这条意见已处理；如需继续讨论，请先取消“已处理”。"
    return True, ""


def can_resolve(user: User, comment, *, role: str | None = None) -> tuple[bool, str]:
    """已处理 (and taking it back): the unit says so while it can still change the sheets;
    the project's reviewers may close or reopen a comment at any time before approval."""
    project = comment.project
    role = comment_role(user, project) if role is None else role
    if not role:
        return False, "只有本单位的填报人和本项目的审核人可以标记意见为已处理。"
    if project.status == Status.APPROVED:
        return False, "项目已批复，审核意见已归档。"
    if role == "unit" and project.status not in EDITABLE_STATUSES:
        return False, f"{_status_text(project)}，单位只能在修改期间标记意见为已处理。"
    return True, ""


def batch_actions(user: User) -> list[str]:
    """The batch decisions offered on the queue to this user's role."""
    if user.role == Role.DEPT_REVIEWER:
        return ["pass", "return", "export"]
    if user.role == Role.FINANCE_REVIEWER:
        return ["return", "approve", "export"]
    return []
