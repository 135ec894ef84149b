"""The review workflow's records: events, versions, comments, change history, notices."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.checks.findings import SHEET_LABELS
from apps.projects.models import Project

SHEET_CHOICES = [(str(key), label) for key, label in SHEET_LABELS.items()]


class Action(models.TextChoices):
    SUBMIT = "submit", "提交"
    PASS = "pass", "主管部门审核通过"
    RETURN = "return", "退回修改"
    APPROVE = "approve", "财政批复"
    ADJUST = "adjust", "申请调整"


class ReviewEvent(models.Model):
    """One transition of a project's state: who, when, from → to, and why."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT
    )
    action = models.CharField("操作", max_length=16, choices=Action.choices)
    from_status = models.CharField("原状态", max_length=16)
    to_status = models.CharField("新状态", max_length=16)
    reason = models.TextField("意见/理由", blank=True)
    grade = models.CharField("审核等级", max_length=1, choices=Project.Grade.choices, blank=True)
    version = models.ForeignKey(
        "reviews.ProjectVersion",
        verbose_name="版本",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["project", "created_at", "id"]
        # The last transition of a project (when its wait began) is read per row by lists,
        # queues and the overview.
        indexes = [models.Index(fields=["project", "-created_at", "-id"], name="event_latest")]
        verbose_name = verbose_name_plural = "审核记录"


class ProjectVersion(models.Model):
    """What was submitted, frozen: one per submission, numbered per project."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveIntegerField("版本号")
    adjustment = models.PositiveSmallIntegerField("调整次数", default=0)
    data = models.JSONField("内容")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提交人", on_delete=models.PROTECT
    )
    created_at = models.DateTimeField("提交时间", default=timezone.now)
    approved_at = models.DateTimeField("批复时间", null=True, blank=True)
    grade = models.CharField("审核等级", max_length=1, choices=Project.Grade.choices, blank=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="uniq_version_number")
        ]
        verbose_name = verbose_name_plural = "提交版本"

    def __str__(self) -> str:
        return f"第 {self.number} 版"


class ReviewComment(models.Model):
    """A reviewer's remark on a sheet, or on one field or row of it."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.PROTECT
    )
    version_number = models.PositiveIntegerField("所审版本")
    sheet = models.CharField("申报表", max_length=16, choices=SHEET_CHOICES)
    # "" = the whole sheet; a field name ("annual_goal"); or a row: "indicator:12",
    # "line:7", "doc:3" — rows keep their ids across edits, so comments stay in place.
    anchor = models.CharField("位置", max_length=40, blank=True)
    anchor_label = models.CharField("位置说明", max_length=200, blank=True)
    text = models.TextField("意见")
    created_at = models.DateTimeField("时间", default=timezone.now)
    # 已处理: folded away on the sheets, kept (with its replies) in the record.
    resolved_at = models.DateTimeField("处理时间", null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        ordering = ["project", "created_at", "id"]
        verbose_name = verbose_name_plural = "审核意见"

    @property
    def is_resolved(self) -> bool:
        return self.resolved_at is not None


class CommentReply(models.Model):
    """An answer to a review comment, by the unit or a reviewer."""

    comment = models.ForeignKey(
        ReviewComment, verbose_name="审核意见", on_delete=models.CASCADE, related_name="replies"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="回复人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("回复")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["comment", "created_at", "id"]
        verbose_name = verbose_name_plural = "意见回复"


class Notification(models.Model):
    class Verb(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        RETURNED = "returned", "已退回"
        PASSED = "passed", "主管部门已审核"
        APPROVED = "approved", "已批复"
        DEADLINE = "deadline", "截止提醒"

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    # Empty for a notice about no one project (a deadline reminder to a unit).
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    verb = models.CharField("类型", max_length=16, choices=Verb.choices)
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", default=timezone.now)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["recipient", "read_at"])]
        verbose_name = verbose_name_plural = "通知"


class FilingRound(models.Model):
    """The filing window of a budget year; after it closes fillers cannot submit."""

    budget_year = models.OneToOneField(
        "budgets.BudgetYear",
        verbose_name="预算年度",
        on_delete=models.CASCADE,
        related_name="filing_round",
    )
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    reopened = models.BooleanField(
        "截止后重新开放", default=False, help_text="勾选后，截止日期已过也可以提交。"
    )

    class Meta:
        ordering = ["budget_year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(opens_on__lte=models.F("closes_on")),
                name="filing_round_opens_before_close",
                violation_error_message="开始日期不能晚于截止日期。",
            )
        ]
        verbose_name = verbose_name_plural = "申报批次"

    def __str__(self) -> str:
        return f"{self.budget_year} 申报（{self.opens_on} 至 {self.closes_on}）"

    def refusal(self, today) -> str:
        """Why a filler cannot submit today, or "" if they can."""
        if today < self.opens_on:
            return f"{self.budget_year.year} 年度申报自 {self.opens_on:%Y年%m月%d日} 开始，尚未开放提交。"
        if today > self.closes_on and not self.reopened:
            return (
                f"{self.budget_year.year} 年度申报已于 {self.closes_on:%Y年%m月%d日} 截止，"
                "不能再提交；如需补报请联系管理员重新开放。"
            )
        return ""


class DeadlineReminder(models.Model):
    """That a unit was reminded of a round's close on a day: at most once a day."""

    filing_round = models.ForeignKey(
        FilingRound, verbose_name="申报批次", on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey("units.Unit", verbose_name="单位", on_delete=models.CASCADE)
    sent_on = models.DateField("提醒日期")
    unsubmitted = models.PositiveIntegerField("未提交项目数")
    recipients = models.PositiveIntegerField("提醒人数")
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["-sent_on", "unit"]
        constraints = [
            models.UniqueConstraint(
                fields=["filing_round", "unit", "sent_on"], name="one_reminder_a_day"
            )
        ]
        verbose_name = verbose_name_plural = "截止提醒记录"
