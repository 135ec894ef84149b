"""Who may see and change which unit budget. Scope is the units a user sees
(``apps.projects.permissions.visible_units``): outside it every URL answers 404."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from apps.accounts.models import User
from apps.budgets.models import BudgetYear
from apps.projects.permissions import visible_units
from apps.units.models import Unit

Role = User.Role


def get_unit_year_for_user(user: User, unit_id: int, year: int) -> tuple[Unit, BudgetYear]:
    """The unit and budget year, or 404 if the unit is outside the user's scope or the
    year is not a budget year (never 403: no leak of which units exist)."""
    unit = get_object_or_404(visible_units(user), pk=unit_id)
    try:
        budget_year = BudgetYear.objects.get(year=year)
    except BudgetYear.DoesNotExist:
        raise Http404("没有这个预算年度。") from None
    return unit, budget_year


def can_edit_unit_budget(user: User, unit: Unit) -> tuple[bool, str]:
    if user.is_superuser or user.role == Role.ADMIN:
        return True, ""
    if user.role in (Role.FILLER, Role.UNIT_HEAD) and user.unit_id == unit.pk:
        return True, ""
    return False, "只有本单位填报人、单位负责人或管理员可以修改单位预算。"
