"""Who may import into which unit, and the one door to an import batch."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.imports.models import ImportBatch
from apps.units.models import Unit

Role = User.Role


def _is_admin(user: User) -> bool:
    return user.is_superuser or user.role == Role.ADMIN


def importable_units(user: User) -> QuerySet[Unit]:
    """Fillers and unit heads import into their own unit; administrators anywhere."""
    units = Unit.objects.all()
    if not user.is_authenticated or not user.is_active:
        return units.none()
    if _is_admin(user):
        return units
    if user.role in (Role.FILLER, Role.UNIT_HEAD) and user.unit_id:
        return units.filter(pk=user.unit_id)
    return units.none()


def can_import(user: User, unit: Unit | None = None) -> tuple[bool, str]:
    if not user.is_authenticated or not user.is_active:
        return False, "请先登录。"
    if _is_admin(user):
        return True, ""
    if user.role not in (Role.FILLER, Role.UNIT_HEAD) or not user.unit_id:
        return False, "只有单位填报人（或单位负责人）可以导入本单位的项目。"
    if unit is not None and unit.pk != user.unit_id:
        return False, f"只能导入本单位“{user.unit.name}”的项目。"
    return True, ""


def may_import_other_units(user: User) -> bool:
    return _is_admin(user)


def get_batch_for_user(user: User, batch_id) -> ImportBatch:
    """The user's own batch, or 404 (another user's batch does not exist for them)."""
    return get_object_or_404(
        ImportBatch.objects.select_related("unit", "budget_year"), pk=batch_id, user=user
    )
