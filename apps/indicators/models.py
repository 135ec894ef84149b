from django.db import models
from django.db.models import Q

from apps.sheets.schema import ROW_TEXT_MAX


class Taxonomy(models.Model):
    """A set of level-1/level-2 indicator names a budget year files against."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100, unique=True)
    description = models.TextField("说明", blank=True, max_length=ROW_TEXT_MAX)

    class Meta:
        ordering = ["code"]
        verbose_name = "指标体系"
        verbose_name_plural = "指标体系"

    def __str__(self) -> str:
        return self.name


class Level1(models.Model):
    taxonomy = models.ForeignKey(
        Taxonomy, verbose_name="指标体系", on_delete=models.CASCADE, related_name="level1s"
    )
    name = models.CharField("一级目标", max_length=50)
    order = models.PositiveSmallIntegerField("排序", default=0)
    required = models.BooleanField("必填", default=True)

    class Meta:
        ordering = ["taxonomy", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["taxonomy", "name"], name="uniq_level1_name"),
        ]
        verbose_name = "一级目标"
        verbose_name_plural = "一级目标"

    def __str__(self) -> str:
        return self.name


class Level2(models.Model):
    class Kind(models.TextChoices):
        """What the checks need to know of a level-2 name (the names differ by taxonomy)."""

        QUANTITY = "quantity", "数量"
        QUALITY = "quality", "质量"
        TIMELINESS = "timeliness", "时效"
        COST = "cost", "成本"
        SATISFACTION = "satisfaction", "满意度"
        OTHER = "other", "其他"

    level1 = models.ForeignKey(
        Level1, verbose_name="一级目标", on_delete=models.CASCADE, related_name="level2s"
    )
    name = models.CharField("二级目标", max_length=50)
    kind = models.CharField("类型", max_length=16, choices=Kind.choices, default=Kind.OTHER)
    order = models.PositiveSmallIntegerField("排序", default=0)
    required = models.BooleanField("必填", default=False)

    class Meta:
        ordering = ["level1__taxonomy", "level1__order", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["level1", "name"], name="uniq_level2_name"),
        ]
        verbose_name = "二级目标"
        verbose_name_plural = "二级目标"

    def __str__(self) -> str:
        return f"{self.level1.name} / {self.name}"


class Indicator(models.Model):
    """A level-3 indicator (三级目标) of a project with its target value (目标值)."""

    class TargetKind(models.TextChoices):
        BLANK = "blank", "未填"
        QUANTITATIVE = "quantitative", "定量"
        QUALITATIVE = "qualitative", "定性"
        INVALID = "invalid", "无法解析"

    project = models.ForeignKey(
        "projects.Project", verbose_name="项目", on_delete=models.CASCADE, related_name="indicators"
    )

    class Nature(models.TextChoices):
        """指标性质 of the 2021 core-indicator table: how 指标值 is compared."""

        POSITIVE = "positive", "正向"
        NEGATIVE = "negative", "反向"
        EQUAL = "equal", "等于"
        QUALITATIVE = "qualitative", "定性"

    # Blank while the row's level is not (yet) in the year's taxonomy: the import keeps
    # such a row with what was typed (level1_text/level2_text) and a finding at its cell.
    level2 = models.ForeignKey(
        Level2,
        verbose_name="一级/二级目标",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    level1_text = models.CharField("原表一级目标", max_length=50, blank=True)
    level2_text = models.CharField("原表二级目标", max_length=50, blank=True)
    sub_project = models.ForeignKey(
        "projects.SubProject",
        verbose_name="子项目",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="indicators",
    )
    name = models.CharField("三级目标", max_length=300, blank=True)
    target_raw = models.CharField("目标值", max_length=200, blank=True)
    target_kind = models.CharField(
        "目标值类型", max_length=16, choices=TargetKind.choices, default=TargetKind.BLANK
    )
    target_comparator = models.CharField("比较符", max_length=2, blank=True)
    target_number = models.DecimalField(
        "目标数值", max_digits=24, decimal_places=6, null=True, blank=True
    )
    target_unit = models.CharField("计量单位", max_length=20, blank=True)
    # The 2021 core-indicator table (form version national-2021).
    nature = models.CharField("指标性质", max_length=16, choices=Nature.choices, blank=True)
    target_value = models.CharField("指标值", max_length=200, blank=True)
    measure_unit = models.CharField("度量单位", max_length=20, blank=True)
    weight = models.DecimalField("分值", max_digits=6, decimal_places=2, null=True, blank=True)
    explanation = models.TextField("指标解释", blank=True, max_length=ROW_TEXT_MAX)
    value_basis = models.TextField("指标值设定依据", blank=True, max_length=ROW_TEXT_MAX)
    scoring = models.TextField("评(扣)分标准", blank=True, max_length=ROW_TEXT_MAX)
    data_source = models.CharField("数据来源", max_length=200, blank=True)
    remark = models.TextField("备注", blank=True, max_length=ROW_TEXT_MAX)
    order = models.PositiveIntegerField("排序", default=0)
    # Derived on save (apps/projects/rows.py): the library entry whose 三级指标 this row's
    # name is, in the year's taxonomy — how a row picked from the library stays linked.
    library_entry = models.ForeignKey(
        "library.LibraryIndicator",
        verbose_name="指标库来源",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # The row of an earlier project this one was copied from (复制上年): its 目标值 shows
    # beside this one as 历史值; kept when the source is deleted as "not known".
    copied_from = models.ForeignKey(
        "self",
        verbose_name="复制自",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["project", "order", "id"]
        verbose_name = "三级目标"
        verbose_name_plural = "三级目标"
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=0) | Q(weight__isnull=True),
                name="indicator_weight_not_negative",
            )
        ]

    def __str__(self) -> str:
        return self.name
