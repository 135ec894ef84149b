"""绩效自评 on the approved indicator tree: one self-evaluation per approved project.

Rows are keyed by the approved version's indicator ids (``ProjectVersion.data`` rows keep
the live ``Indicator`` ids), so an evaluation reads the tree exactly as it was approved,
and the next year's copy (``Indicator.copied_from``) finds last year's result by id.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from apps.performance.reports import ReportStatus
from apps.performance.scoring import DEFAULT_SETTINGS, Settings
from apps.sheets.schema import DEFAULT_VERSION, LONG_TEXT_MAX, ROW_TEXT_MAX, VERSION_LABELS

DEFAULT_LEVELS = "达成=100,基本达成=80,部分达成=60,未达成=0"


def parse_levels(text: str) -> tuple[tuple[str, Decimal], ...]:
    """``达成=100,基本达成=80`` → (("达成", 1), ("基本达成", 0.8)); ValueError in Chinese."""
    levels = []
    for part in (text or "").replace("，", ",").split(","):
        name, sep, share = part.strip().partition("=")
        name = name.strip()
        try:
            value = Decimal(share.strip()) if sep else None
        except ArithmeticError:
            value = None
        if not name or value is None or not value.is_finite() or not 0 <= value <= 100:
            raise ValueError(f"无法识别“{part.strip()}”：请写成 等级=0到100的数，如 达成=100。")
        if len(name) > 10 or name in dict(levels):
            raise ValueError(f"等级“{name}”重复或超过 10 个字。")
        levels.append((name, value / 100))
    if not levels:
        raise ValueError("请至少填写一个等级。")
    return tuple(levels)


MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}
SCORE = {"max_digits": 6, "decimal_places": 2}
# The 项目资金 rows under 年度资金总额 (optional; they should add up to it) × columns.
FUNDING_ROWS = (("fiscal", "其中：本年财政拨款"), ("carry", "上年结转资金"), ("other", "其他资金"))
FUNDING_COLUMNS = (("initial", "年初预算数"), ("full", "全年预算数"), ("executed", "全年执行数"))
PART_FIELDS = tuple(f"{r}_{c}" for r, _ in FUNDING_ROWS for c, _ in FUNDING_COLUMNS)
AMOUNT_FIELDS = ("budget_initial", "budget_full", "executed", *PART_FIELDS)


class ScoringSettings(models.Model):
    """How a form version's self-evaluations are scored (README “绩效自评”); a form
    version without a row here uses the defaults of ``apps.performance.scoring``."""

    code = models.CharField(
        "申报表格式", max_length=20, choices=list(VERSION_LABELS.items()), unique=True
    )
    weight_output = models.DecimalField("产出指标分值", default=Decimal("50"), **SCORE)
    weight_effect = models.DecimalField("效益(效果)指标分值", default=Decimal("30"), **SCORE)
    weight_satisfaction = models.DecimalField(
        "满意度(影响力)指标分值", default=Decimal("10"), **SCORE
    )
    budget_weight = models.DecimalField("预算执行率分值", default=Decimal("10"), **SCORE)
    grade_excellent = models.DecimalField("优 不低于", default=Decimal("90"), **SCORE)
    grade_good = models.DecimalField("良 不低于", default=Decimal("80"), **SCORE)
    grade_fair = models.DecimalField("中 不低于", default=Decimal("60"), **SCORE)
    levels = models.CharField(
        "定性指标完成等级",
        max_length=200,
        default=DEFAULT_LEVELS,
        help_text="每个等级及其得分比例（%），用逗号分隔，如：达成=100,基本达成=80,部分达成=60,未达成=0",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "自评计分设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(budget_weight__gte=0, budget_weight__lte=100),
                name="scoring_budget_weight_range",
            ),
            models.CheckConstraint(
                condition=Q(grade_excellent__gte=models.F("grade_good"))
                & Q(grade_good__gte=models.F("grade_fair"))
                & Q(grade_fair__gte=0),
                name="scoring_grade_bands_ordered",
                violation_error_message="等级分数线须满足 优 ≥ 良 ≥ 中 ≥ 0。",
            ),
        ]

    def __str__(self) -> str:
        return self.get_code_display()

    def clean(self):
        try:
            parse_levels(self.levels)
        except ValueError as exc:
            raise ValidationError({"levels": str(exc)}) from exc

    def level_choices(self) -> tuple[tuple[str, Decimal], ...]:
        try:
            return parse_levels(self.levels)
        except ValueError:  # written past clean(): the defaults rather than a broken page
            return DEFAULT_SETTINGS.levels

    def as_settings(self) -> Settings:
        return Settings(
            level1_weights=(
                ("产出", self.weight_output),
                ("效益", self.weight_effect),
                ("效果", self.weight_effect),
                ("满意度", self.weight_satisfaction),
                ("影响力", self.weight_satisfaction),
            ),
            budget_weight=self.budget_weight,
            grades=(
                (self.grade_excellent, "优"),
                (self.grade_good, "良"),
                (self.grade_fair, "中"),
                (Decimal("0"), "差"),
            ),
            levels=self.level_choices(),
        )

    @classmethod
    def for_code(cls, code: str) -> Settings:
        found = cls.objects.filter(code=code or DEFAULT_VERSION).first()
        return found.as_settings() if found else DEFAULT_SETTINGS


class SelfEvaluation(models.Model):
    """A project's year-end self-evaluation (项目支出绩效自评表)."""

    project = models.OneToOneField(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="self_evaluation",
    )
    version = models.ForeignKey(
        "reviews.ProjectVersion",
        verbose_name="批复版本",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    budget_initial = models.DecimalField("年初预算数", **MONEY)
    budget_full = models.DecimalField("全年预算数", **MONEY)
    executed = models.DecimalField("全年执行数", **MONEY)
    fiscal_initial = models.DecimalField("本年财政拨款 年初预算数", **MONEY)
    fiscal_full = models.DecimalField("本年财政拨款 全年预算数", **MONEY)
    fiscal_executed = models.DecimalField("本年财政拨款 全年执行数", **MONEY)
    carry_initial = models.DecimalField("上年结转资金 年初预算数", **MONEY)
    carry_full = models.DecimalField("上年结转资金 全年预算数", **MONEY)
    carry_executed = models.DecimalField("上年结转资金 全年执行数", **MONEY)
    other_initial = models.DecimalField("其他资金 年初预算数", **MONEY)
    other_full = models.DecimalField("其他资金 全年预算数", **MONEY)
    other_executed = models.DecimalField("其他资金 全年执行数", **MONEY)
    actual_goal = models.TextField("年度总体目标实际完成情况", blank=True, max_length=LONG_TEXT_MAX)
    # Computed on every save (scoring.evaluate), so lists and overviews read them in SQL.
    total_score = models.DecimalField("总分", default=Decimal("0"), **SCORE)
    budget_score = models.DecimalField("预算执行率得分", default=Decimal("0"), **SCORE)
    grade = models.CharField("自评等级", max_length=2, blank=True)
    error_count = models.PositiveIntegerField("错误数", default=0)
    # Bumped by every save: a page posted from an older revision is refused (no lost updates).
    revision = models.PositiveIntegerField("修订号", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["project"]
        verbose_name = verbose_name_plural = "绩效自评"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{f}__gte": 0}) | Q(**{f"{f}__isnull": True}),
                name=f"evaluation_{f}_not_negative",
            )
            for f in AMOUNT_FIELDS
        ]

    def __str__(self) -> str:
        return f"{self.project} 绩效自评"

    @property
    def unit_id(self) -> int:
        return self.project.unit_id

    @property
    def is_ready(self) -> bool:
        return self.error_count == 0


class EvaluationRow(models.Model):
    """What the unit reports for one approved indicator."""

    evaluation = models.ForeignKey(
        SelfEvaluation, verbose_name="绩效自评", on_delete=models.CASCADE, related_name="rows"
    )
    indicator_id = models.PositiveIntegerField("批复指标编号", db_index=True)
    actual = models.CharField("实际完成值", max_length=200, blank=True)
    level = models.CharField("完成等级", max_length=10, blank=True)
    reason = models.TextField("偏差原因", blank=True, max_length=ROW_TEXT_MAX)
    measures = models.TextField("改进措施", blank=True, max_length=ROW_TEXT_MAX)
    weight = models.DecimalField("分值", default=Decimal("0"), **SCORE)
    score = models.DecimalField("得分", default=Decimal("0"), **SCORE)

    class Meta:
        ordering = ["evaluation", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "indicator_id"], name="one_row_per_approved_indicator"
            )
        ]
        verbose_name = verbose_name_plural = "自评指标"


class EvaluationEvent(models.Model):
    """One transition of a self-evaluation: who, when, from → to, and why."""

    evaluation = models.ForeignKey(
        SelfEvaluation, verbose_name="绩效自评", on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=16, choices=ReportStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=ReportStatus.choices)
    reason = models.TextField("意见/理由", blank=True, max_length=ROW_TEXT_MAX)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["evaluation", "created_at", "id"]
        verbose_name = verbose_name_plural = "自评审核记录"


# --- 运行监控 ----------------------------------------------------------------------------


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


LIGHT_ORDER = {Light.GREEN: 0, Light.YELLOW: 1, Light.RED: 2}
PERCENT = {"max_digits": 5, "decimal_places": 2}


class MonitoringRound(models.Model):
    """A monitoring round the finance bureau opens for a year (1–6月, 1–8月 …), with its
    expected execution schedule and its warning rules (README “运行监控”)."""

    budget_year = models.ForeignKey(
        "budgets.BudgetYear", verbose_name="预算年度", on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField("监控期间", max_length=20, help_text="如 1–6月、1–8月。")
    due_on = models.DateField("截止日期")
    expected_rate = models.DecimalField(
        "序时进度(%)", help_text="截至本期应达到的预算执行率，如 50。", **PERCENT
    )
    yellow_lag = models.DecimalField(
        "黄灯：落后序时进度超过(百分点)", default=Decimal("10"), **PERCENT
    )
    red_lag = models.DecimalField(
        "红灯：落后序时进度超过(百分点)", default=Decimal("20"), **PERCENT
    )
    unmet_light = models.CharField(
        "预计不能完成的指标亮", max_length=8, choices=Light.choices, default=Light.RED
    )
    blank_reason_light = models.CharField(
        "须说明而未填偏差原因亮", max_length=8, choices=Light.choices, default=Light.YELLOW
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="开启人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("开启时间", default=timezone.now)

    class Meta:
        ordering = ["-budget_year__year", "due_on", "id"]
        verbose_name = verbose_name_plural = "监控批次"
        constraints = [
            models.UniqueConstraint(fields=["budget_year", "label"], name="one_round_per_label"),
            models.CheckConstraint(
                condition=Q(expected_rate__gte=0, expected_rate__lte=100),
                name="round_expected_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(yellow_lag__gte=0) & Q(red_lag__gte=models.F("yellow_lag")),
                name="round_lags_ordered",
                violation_error_message="红灯的落后幅度不能小于黄灯的。",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.budget_year.year} 年 {self.label} 运行监控"


class MonitoringReport(models.Model):
    """A project's report for one monitoring round, on its approved indicator tree."""

    round = models.ForeignKey(
        MonitoringRound, verbose_name="监控批次", on_delete=models.CASCADE, related_name="reports"
    )
    project = models.ForeignKey(
        "projects.Project",
        verbose_name="项目",
        on_delete=models.CASCADE,
        related_name="monitoring_reports",
    )
    version = models.ForeignKey(
        "reviews.ProjectVersion",
        verbose_name="批复版本",
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        "状态", max_length=16, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    executed = models.DecimalField("预算执行数", **MONEY)
    # Computed on every save, so lists and overviews read them in SQL.
    budget = models.DecimalField("当年预算", **MONEY)
    execution_rate = models.DecimalField(
        "执行率(%)", max_digits=9, decimal_places=2, null=True, blank=True
    )
    light = models.CharField("预警", max_length=8, choices=Light.choices, default=Light.GREEN)
    error_count = models.PositiveIntegerField("错误数", default=0)
    revision = models.PositiveIntegerField("修订号", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["round", "project"]
        verbose_name = verbose_name_plural = "运行监控"
        constraints = [
            models.UniqueConstraint(fields=["round", "project"], name="one_report_per_round"),
            models.CheckConstraint(
                condition=Q(executed__gte=0) | Q(executed__isnull=True),
                name="monitoring_executed_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project} {self.round.label} 运行监控"

    @property
    def unit_id(self) -> int:
        return self.project.unit_id


class MonitoringRow(models.Model):
    """Progress of one approved indicator at the round."""

    class Forecast(models.TextChoices):
        YES = "yes", "能完成"
        NO = "no", "不能完成"

    report = models.ForeignKey(
        MonitoringReport, verbose_name="运行监控", on_delete=models.CASCADE, related_name="rows"
    )
    indicator_id = models.PositiveIntegerField("批复指标编号", db_index=True)
    progress = models.CharField("截至目前完成值", max_length=200, blank=True)
    forecast = models.CharField(
        "能否完成(预计)", max_length=4, choices=Forecast.choices, blank=True
    )
    reason = models.TextField("偏差原因", blank=True, max_length=ROW_TEXT_MAX)
    measures = models.TextField("纠偏措施", blank=True, max_length=ROW_TEXT_MAX)

    class Meta:
        ordering = ["report", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["report", "indicator_id"], name="one_monitoring_row_per_indicator"
            )
        ]
        verbose_name = verbose_name_plural = "监控指标"


class MonitoringEvent(models.Model):
    report = models.ForeignKey(
        MonitoringReport, verbose_name="运行监控", on_delete=models.CASCADE, related_name="events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    action = models.CharField("操作", max_length=16)
    from_status = models.CharField("原状态", max_length=16, choices=ReportStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=ReportStatus.choices)
    reason = models.TextField("意见/理由", blank=True, max_length=ROW_TEXT_MAX)
    created_at = models.DateTimeField("时间", default=timezone.now)

    class Meta:
        ordering = ["report", "created_at", "id"]
        verbose_name = verbose_name_plural = "监控审核记录"
