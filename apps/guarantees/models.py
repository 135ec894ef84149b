from django.db import models

from apps.sheets.schema import ROW_TEXT_MAX


class RuleDocument(models.Model):
    """A row of sheet 3 (制度保障): a rule document and the stages it guards."""

    class Category(models.TextChoices):
        PROJECT = "project", "项目管理制度"
        BUDGET = "budget", "预算管理制度"
        FINANCE = "finance", "财务管理制度"

    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="rule_documents",
    )
    sub_project = models.ForeignKey(
        "projects.SubProject",
        verbose_name="子项目",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rule_documents",
    )
    category = models.CharField("制度保障", max_length=16, choices=Category.choices)
    title = models.TextField("文件名称", blank=True, max_length=ROW_TEXT_MAX)
    measures = models.TextField("具体措施", blank=True, max_length=ROW_TEXT_MAX)
    stage_planning = models.BooleanField("立项和计划阶段", default=False)
    stage_implementation = models.BooleanField("实施阶段", default=False)
    stage_closing = models.BooleanField("收尾和完成阶段", default=False)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = "制度保障"
        verbose_name_plural = "制度保障"

    def __str__(self) -> str:
        return self.title
