"""Who sees which self-evaluation (the one door) and who may start one."""

from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.performance.models import SelfEvaluation
from apps.performance.reports import UNIT, stands_as
from apps.projects.models import Project
from apps.projects.permissions import visible_projects


def visible_evaluations(user: User):
    return SelfEvaluation.objects.filter(project__in=visible_projects(user))


def get_evaluation_for_user(user: User, pk: int) -> SelfEvaluation:
    """The evaluation, or 404 outside the user's scope (never 403: no leak of ids)."""
    return get_object_or_404(
        visible_evaluations(user).select_related(
            "project__unit", "project__budget_year", "version"
        ),
        pk=pk,
    )


def can_start(user: User, project: Project, version) -> tuple[bool, str]:
    if UNIT not in stands_as(user, project.unit_id):
        return False, "只有本单位的填报人或单位负责人可以开始绩效自评。"
    if version is None:
        return False, "项目尚未批复，批复后才能开始绩效自评。"
    if SelfEvaluation.objects.filter(project_id=project.pk).exists():
        return False, "本项目已有绩效自评。"
    return True, ""
