from django.db import models


class Unit(models.Model):
    """A budget unit (预算单位) or a supervising department (主管部门) with units under it."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "主管部门"
        UNIT = "unit", "预算单位"

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=200, unique=True)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.UNIT)
    parent = models.ForeignKey(
        "self",
        verbose_name="主管部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = "单位"
        verbose_name_plural = "单位"

    def __str__(self) -> str:
        return self.name
