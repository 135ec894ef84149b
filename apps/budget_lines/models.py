from django.db import models
from django.db.models import Q

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


class BudgetLine(models.Model):
    """A row of 项目构成分解. The first 依据 justifies 单价, the second 数量."""

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="budget_lines",
    )
    sub_project = models.ForeignKey(
        "projects.SubProject",
        verbose_name="子项目",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_lines",
    )
    item_name = models.CharField("项目名称", max_length=200, blank=True)
    content = models.CharField("项目内容", max_length=300, blank=True)
    detail = models.CharField("项目明细", max_length=300, blank=True)
    amount = models.DecimalField("明细金额", **MONEY)
    unit_price = models.DecimalField("单价", **MONEY)
    price_basis = models.CharField("单价依据", max_length=300, blank=True)
    quantity = models.DecimalField("数量", max_digits=18, decimal_places=2, null=True, blank=True)
    quantity_basis = models.CharField("数量依据", max_length=300, blank=True)
    remark = models.CharField("备注", max_length=300, blank=True)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = "项目构成分解"
        verbose_name_plural = "项目构成分解"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{f}__gte": 0}) | Q(**{f"{f}__isnull": True}),
                name=f"budget_line_{f}_not_negative",
            )
            for f in ["amount", "unit_price", "quantity"]
        ]

    def __str__(self) -> str:
        return self.detail or self.content or self.item_name
