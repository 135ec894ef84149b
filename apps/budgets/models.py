from django.db import models


class BudgetYear(models.Model):
    """A budget year and the indicator taxonomy its filings use."""

    year = models.PositiveSmallIntegerField("预算年度", unique=True)
    taxonomy = models.ForeignKey(
        "indicators.Taxonomy", verbose_name="指标体系", on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = "预算年度"
        verbose_name_plural = "预算年度"

    def __str__(self) -> str:
        return f"{self.year} 年"
