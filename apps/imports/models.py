import uuid

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """An uploaded workbook read into a plan, waiting for the user to confirm it.

    The plan (JSON) holds everything the preview shows and the commit writes, so the
    preview survives a reload and the commit does not read the file again; the commit
    re-checks the plan against the database before writing.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", "待确认"
        BLOCKED = "blocked", "有错误，不能导入"
        COMMITTED = "committed", "已导入"
        CANCELLED = "cancelled", "已放弃"
        STALE = "stale", "已过期"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="import_batches",
    )
    unit = models.ForeignKey(
        "units.Unit", verbose_name="导入单位", on_delete=models.CASCADE, related_name="+"
    )
    budget_year = models.ForeignKey(
        "budgets.BudgetYear",
        verbose_name="指定年度",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    filename = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("文件大小（字节）")
    sha256 = models.CharField("文件摘要", max_length=64)
    layout = models.CharField("格式", max_length=16)
    status = models.CharField("状态", max_length=16, choices=Status.choices)
    plan = models.JSONField("导入计划")
    result = models.JSONField("导入结果", default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "Excel 导入"
        verbose_name_plural = "Excel 导入"

    def __str__(self) -> str:
        return f"{self.filename} · {self.unit} · {self.get_status_display()}"

    @property
    def can_commit(self) -> bool:
        return self.status == self.Status.PREVIEW
