"""Who may see and change which project — the one door every view goes through."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.projects.models import Project
from apps.units.models import Unit

Role = User.Role


def _sees_everything(user: User) -> bool:
    return user.is_superuser or user.role in (Role.ADMIN, Role.FINANCE_REVIEWER)


def visible_units(user: User) -> QuerySet[Unit]:
    """The units whose projects the user may see (and so export)."""
    units = Unit.objects.all()
    if not user.is_authenticated or not user.is_active:
        return units.none()
    if _sees_everything(user):
        return units
    if user.unit_id is None:
        return units.none()
    if user.role == Role.DEPT_REVIEWER:
        return units.filter(parent_id=user.unit_id) | units.filter(pk=user.unit_id)
    return units.filter(pk=user.unit_id)


def visible_projects(user: User) -> QuerySet[Project]:
    if user.is_authenticated and user.is_active and _sees_everything(user):
        return Project.objects.all()  # no unit filter: keeps the big lists' plans simple
    return Project.objects.filter(unit__in=visible_units(user))


def get_project_for_user(user: User, pk: int) -> Project:
    """The project, or 404 if it is outside the user's scope (never 403: no leak of ids)."""
    return get_object_or_404(
        visible_projects(user).select_related("unit", "budget_year__taxonomy"), pk=pk
    )


def can_create_project(user: User) -> tuple[bool, str]:
    if user.role in (Role.FILLER, Role.UNIT_HEAD) and user.unit_id:
        return True, ""
    if user.role == Role.ADMIN or user.is_superuser:
        return True, ""
    return False, "只有单位填报人可以新建项目。"


def can_edit(user: User, project: Project) -> tuple[bool, str]:
    """Only the unit's fillers and unit head write its sheets (and sub-projects).

    Administrators do not: the sheets are the unit's declaration, printed over its head's
    and filler's names, and reviewers correct by returning with reasons. Administrators
    keep the master data, filing rounds, and bringing filed workbooks in as new projects.
    """
    if user.role not in (Role.FILLER, Role.UNIT_HEAD) or user.unit_id != project.unit_id:
        if user.role == Role.ADMIN or user.is_superuser:
            return False, "管理员不修改单位的申报内容，只有本单位填报人可以修改项目。"
        return False, "只有本单位填报人可以修改项目。"
    if not project.is_editable_by_filler:
        if project.status == Project.Status.APPROVED:
            return False, "项目已批复，内容已冻结；如需修改请先申请调整。"
        return False, f"项目状态为“{project.get_status_display()}”，审核期间不能修改。"
    return True, ""


def can_copy(user: User, project: Project) -> tuple[bool, str]:
    """Whether the user may start a new draft from ``project`` (复制上年, 复制为新项目).

    Only the fillers and the unit head of the project's own unit: the copy is a new
    declaration of that unit, as a draft they then fill. Reviewers and administrators do
    not draft for a unit (administrators may still create an empty project or bring a
    filed workbook in; a copy is new content, written in the unit's name). The source's
    state does not matter: an approved (frozen) project is the usual source."""
    if user.role in (Role.FILLER, Role.UNIT_HEAD) and user.unit_id == project.unit_id:
        return True, ""
    if user.role == Role.ADMIN or user.is_superuser:
        return False, "管理员不替单位起草申报内容；复制项目由本单位填报人操作。"
    return False, "只有本单位填报人可以复制项目。"
