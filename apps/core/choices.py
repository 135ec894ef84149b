"""Choices that more than one app stores (the project's kind is a library tag too)."""

from django.db import models


class ProjectCategory(models.TextChoices):
    ONE_OFF = "one_off", "一次性项目"
    RECURRING = "recurring", "经常性项目"
    MID_TERM = "mid_term", "中期预算试点项目"
