import time
from decimal import Decimal

from django.db import models

from apps.sheets.schema import DEFAULT_VERSION, NATIONAL_2021, VERSION_LABELS

VERSION_CHOICES = list(VERSION_LABELS.items())


class FormVersion(models.Model):
    """The settings of a form version (its columns are declared in apps/projects/schema.py).

    Where the public texts leave a detail of the 2021 table open, it is a setting here,
    editable by an administrator (README, “Form versions”)."""

    code = models.CharField("格式", max_length=20, choices=VERSION_CHOICES, unique=True)
    weights_total = models.DecimalField(
        "指标分值合计",
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="各三级指标分值之和应等于此数；留空表示不填分值、不检查。",
    )
    weights_required = models.BooleanField("每个指标须填分值", default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "申报表格式"

    def __str__(self) -> str:
        return self.get_code_display()

    @classmethod
    def for_code(cls, code: str) -> "FormVersion":
        """The stored settings of ``code``, or the version's defaults if none are stored.

        Read on every check of a filing, so kept for CACHE_SECONDS per process (a save
        here clears this process's copy; other processes see it within that time)."""
        now = time.monotonic()
        cached = _CACHE.get(code)
        if cached is None or now - cached[0] > CACHE_SECONDS:
            found = cls.objects.filter(code=code).first()
            cached = _CACHE[code] = (now, found or cls(code=code, **DEFAULTS.get(code, {})))
        return cached[1]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        _CACHE.clear()

    def delete(self, *args, **kwargs):
        _CACHE.clear()
        return super().delete(*args, **kwargs)


CACHE_SECONDS = 30
_CACHE: dict[str, tuple[float, "FormVersion"]] = {}


# 2021: 产出 50 + 效益 30 + 满意度 10 = 90 for the indicators; the remaining 10 points are
# 预算执行率, scored at self-evaluation (财预〔2020〕10号 forms as filled).
DEFAULTS = {NATIONAL_2021: {"weights_total": Decimal("90"), "weights_required": True}}


class BudgetYear(models.Model):
    """A budget year, the indicator taxonomy and the form version its filings use."""

    year = models.PositiveSmallIntegerField("预算年度", unique=True)
    taxonomy = models.ForeignKey(
        "indicators.Taxonomy", verbose_name="指标体系", on_delete=models.PROTECT, related_name="+"
    )
    form_version = models.CharField(
        "申报表格式", max_length=20, choices=VERSION_CHOICES, default=DEFAULT_VERSION
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "预算年度"
        verbose_name_plural = "预算年度"

    def __str__(self) -> str:
        return f"{self.year} 年"
