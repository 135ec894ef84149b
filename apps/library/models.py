"""The indicator library (指标库), proposals to it (纳入指标库) and mandated indicators (固化指标).

Library entries hang on a level 2 of one taxonomy, as the filings they serve do: a year's
filers pick from the entries of the year's taxonomy. Two tiers: 共性 entries (no owner,
kept by the finance bureau) and 部门/行业 entries owned by a supervising department for
its units.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce

from apps.core.choices import ProjectCategory
from apps.indicators.models import Indicator, Level2
from apps.sheets.schema import ROW_TEXT_MAX


class Tier(models.TextChoices):
    COMMON = "common", "共性指标"
    DEPARTMENT = "department", "部门/行业指标"


class Comparator(models.TextChoices):
    """计算符号, kept apart from the value and the unit as production systems do."""

    GE = "≥", "≥（不低于）"
    LE = "≤", "≤（不高于）"
    EQ = "=", "=（等于）"
    GT = ">", ">（高于）"
    LT = "<", "<（低于）"
    NONE = "", "（定性，无符号）"


class LibraryIndicator(models.Model):
    tier = models.CharField("层级", max_length=16, choices=Tier.choices, default=Tier.COMMON)
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name="所属主管部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="library_indicators",
        help_text="部门/行业指标由该主管部门维护；共性指标留空（财政维护）。",
    )
    level2 = models.ForeignKey(
        Level2, verbose_name="一级/二级指标", on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField("三级指标", max_length=300)
    explanation = models.TextField("指标解释", blank=True, max_length=ROW_TEXT_MAX)
    formula = models.TextField("计算公式", blank=True, max_length=ROW_TEXT_MAX)
    scoring = models.TextField("评(扣)分标准", blank=True, max_length=ROW_TEXT_MAX)
    unit = models.CharField("计量单位", max_length=20, blank=True)
    nature = models.CharField(
        "指标性质", max_length=16, choices=Indicator.Nature.choices, blank=True
    )
    comparator = models.CharField("计算符号", max_length=2, choices=Comparator.choices, blank=True)
    typical_value = models.CharField("典型指标值", max_length=200, blank=True)
    function_code = models.CharField("功能分类科目", max_length=20, blank=True)
    sector = models.CharField("行业/领域", max_length=50, blank=True)
    category = models.CharField(
        "项目类别", max_length=16, choices=ProjectCategory.choices, blank=True
    )
    valid_from = models.DateField("启用日期", null=True, blank=True)
    valid_to = models.DateField("停用日期", null=True, blank=True)
    origin = models.CharField(
        "来源", max_length=500, blank=True, help_text="纳入自哪个项目（单位 · 年度 · 项目名称）。"
    )
    origin_indicator = models.ForeignKey(
        Indicator,
        verbose_name="来源指标",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["level2__level1__taxonomy", "level2__level1__order", "level2__order", "name"]
        verbose_name = "库指标"
        verbose_name_plural = "指标库"
        constraints = [
            # owner NULL (共性) counts as one owner: Coalesce, as SQLite lacks NULLS NOT DISTINCT.
            models.UniqueConstraint(
                "level2",
                "name",
                Coalesce("owner", Value(0)),
                name="uniq_library_name_per_level_owner",
            ),
            models.CheckConstraint(
                condition=(Q(tier="common") & Q(owner__isnull=True))
                | (Q(tier="department") & Q(owner__isnull=False)),
                name="library_owner_matches_tier",
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="library_valid_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_text(self) -> str:
        """The 目标值 pattern a filing gets from this entry (e.g. ``≥90%``)."""
        value = self.typical_value.strip()
        if not value:
            return ""
        return f"{self.comparator}{value}{self.unit}"


class Proposal(models.Model):
    """A filed indicator a reviewer proposes for the library (纳入指标库)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待处理"
        ACCEPTED = "accepted", "已纳入"
        REJECTED = "rejected", "未采纳"

    indicator = models.ForeignKey(
        Indicator,
        verbose_name="指标",
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    tier = models.CharField("拟纳入", max_length=16, choices=Tier.choices)
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name="主管部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    level2 = models.ForeignKey(Level2, verbose_name="一级/二级指标", on_delete=models.PROTECT)
    name = models.CharField("三级指标", max_length=300)
    target = models.CharField("指标值", max_length=200, blank=True)
    remark = models.TextField("说明", blank=True, max_length=ROW_TEXT_MAX)
    origin = models.CharField("来源", max_length=500)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="提议人", on_delete=models.PROTECT, related_name="+"
    )
    proposed_at = models.DateTimeField("提议时间", auto_now_add=True)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    reason = models.CharField("处理意见", max_length=500, blank=True)
    entry = models.ForeignKey(
        LibraryIndicator,
        verbose_name="库指标",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
    )

    class Meta:
        ordering = ["-proposed_at", "-id"]
        verbose_name = "纳入指标库提议"
        verbose_name_plural = "纳入指标库提议"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "tier"],
                condition=Q(status="pending"),
                name="one_pending_proposal_per_indicator_tier",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Mandated(models.Model):
    """固化指标: an indicator every project of a kind must carry in a budget year."""

    class Mode(models.TextChoices):
        FIXED = "fixed", "固定值"
        MINIMUM = "minimum", "最低要求"

    budget_year = models.ForeignKey(
        "budgets.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        "units.Unit",
        verbose_name="设定部门",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="主管部门设定的只对其所属单位有效；留空为财政设定（对所有单位）。",
    )
    category = models.CharField(
        "适用项目类别",
        max_length=16,
        choices=ProjectCategory.choices,
        blank=True,
        help_text="留空为所有类别。",
    )
    entry = models.ForeignKey(
        LibraryIndicator,
        verbose_name="库指标",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    level2 = models.ForeignKey(Level2, verbose_name="一级/二级指标", on_delete=models.PROTECT)
    name = models.CharField("三级指标", max_length=300)
    target = models.CharField("指标值", max_length=200, help_text="如 ≥90%、=100%、按期完成。")
    mode = models.CharField("要求", max_length=16, choices=Mode.choices, default=Mode.MINIMUM)
    editable = models.BooleanField(
        "填报人可修改", default=True, help_text="不可修改时，指标值须与设定一致。"
    )
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        ordering = ["budget_year", "level2__level1__order", "level2__order", "name"]
        verbose_name = "固化指标"
        verbose_name_plural = "固化指标"
        constraints = [
            models.UniqueConstraint(
                "budget_year",
                Coalesce("owner", Value(0)),
                "category",
                "level2",
                "name",
                name="uniq_mandated",
            ),
            models.CheckConstraint(
                condition=Q(weight__gte=0) | Q(weight__isnull=True),
                name="mandated_weight_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name
