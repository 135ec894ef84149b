import uuid

from django.conf import settings
from django.db import models


class ExportJob(models.Model):
    """An export made in the background; the user can leave and come back for the file."""

    class Kind(models.TextChoices):
        UNIT_PDF = "unit_pdf", "单位全部项目 PDF"
        UNIT_XLSX = "unit_xlsx", "单位全部项目 Excel"
        UNIT_BOOK = "unit_book", "单位预算整本 PDF"
        # Rendered by apps/performance (registered in apps/exports/registry.py).
        EVALUATIONS_PDF = "eval_pdf", "单位全部绩效自评 PDF"
        EVALUATIONS_XLSX = "eval_xlsx", "单位全部绩效自评 Excel"

    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        WAITING = "waiting", "分块生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="export_jobs",
    )
    kind = models.CharField("类型", max_length=16, choices=Kind.choices)
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.CASCADE)
    budget_year = models.ForeignKey(
        "budgets.BudgetYear", verbose_name="预算年度", on_delete=models.CASCADE
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveIntegerField("已完成项目数", default=0)
    total = models.PositiveIntegerField("项目总数", default=0)
    file = models.FileField("文件", upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField("文件名", max_length=255, blank=True)
    error = models.TextField("错误", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Crash recovery (apps/exports/recovery.py): the worker running the job beats while it
    # runs; a running job whose beat stops is queued again, up to MAX_ATTEMPTS runs.
    task_id = models.UUIDField("任务编号", null=True, blank=True, editable=False)
    worker_id = models.CharField("执行进程", max_length=64, blank=True, editable=False)
    heartbeat_at = models.DateTimeField("最近心跳", null=True, blank=True, editable=False)
    attempts = models.PositiveSmallIntegerField("已运行次数", default=0, editable=False)
    # Fan-out (apps/exports/fanout.py): a large unit PDF is split into chunks, jobs of their
    # own that any worker renders; the last one done queues the parent again to join them.
    parent = models.ForeignKey(
        "self",
        verbose_name="所属导出",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="chunks",
        editable=False,
    )
    index = models.PositiveIntegerField("分块序号", default=0, editable=False)
    project_ids = models.JSONField("分块项目", default=list, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.unit} · {self.budget_year}"

    def refresh_progress(self) -> None:
        """While its chunks run, a job's progress is theirs."""
        if self.status == self.Status.WAITING:
            self.done = self.chunks.aggregate(done=models.Sum("done"))["done"] or 0

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return int(100 * self.done / self.total) if self.total else 0


class ProjectPages(models.Model):
    """A project's rendered PDF pages, kept for whole-unit PDFs (apps/exports/pages.py).

    ``key`` digests everything the pages print (the project's print HTML without an export
    time, and the print stylesheets), so an entry is reused only while the sheets are
    unchanged; ``revision`` records the project revision they were made from.
    """

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="+"
    )
    revision = models.PositiveIntegerField("项目版本")
    key = models.CharField("内容摘要", max_length=64)
    file = models.FileField("文件", upload_to="exports/pages/")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)

    class Meta:
        verbose_name = "项目 PDF 页面缓存"
        verbose_name_plural = "项目 PDF 页面缓存"
        constraints = [
            models.UniqueConstraint(fields=["project", "key"], name="project_pages_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} · r{self.revision}"
