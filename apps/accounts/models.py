from django.contrib.auth.models import AbstractUser
from django.db import models


class User(AbstractUser):
    """A user belongs to at most one unit and has one role in the filing workflow."""

    class Role(models.TextChoices):
        FILLER = "filler", "填报人"
        UNIT_HEAD = "unit_head", "单位负责人"
        DEPT_REVIEWER = "dept_reviewer", "主管部门审核人"
        FINANCE_REVIEWER = "finance_reviewer", "财政审核人"
        ADMIN = "admin", "管理员"

    unit = models.ForeignKey(
        "units.Unit",
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.FILLER)

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"

    @property
    def display_name(self) -> str:
        return self.get_full_name() or self.username
