"""The change history of a project's sheets (moved here from apps.reviews: the history is
written by every sheet write, below the workflow)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from apps.sheets.schema import SHEET_LABELS

SHEET_CHOICES = list(SHEET_LABELS.items())


class Change(models.Model):
    """One changed value of a sheet: who, when, where, old → new."""

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="changes"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="修改人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    revision = models.PositiveIntegerField("修订号")
    source = models.CharField("来源", max_length=20, blank=True)
    sheet = models.CharField("申报表", max_length=16, choices=SHEET_CHOICES)
    key = models.CharField("键", max_length=60)
    label = models.CharField("位置", max_length=300)
    old = models.TextField("原值", blank=True)
    new = models.TextField("新值", blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["project", "-revision", "id"]
        indexes = [models.Index(fields=["project", "revision"], name="history_change_rev_idx")]
        verbose_name = verbose_name_plural = "修改记录"


class ProjectState(models.Model):
    """The project as last recorded by the history: what the next write is compared with."""

    project = models.OneToOneField(
        "projects.Project", on_delete=models.CASCADE, related_name="recorded_state"
    )
    data = models.JSONField()

    class Meta:
        verbose_name = verbose_name_plural = "已记录状态"
