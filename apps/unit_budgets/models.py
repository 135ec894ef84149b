"""A unit's budget book (单位预算): classification codes and the leaf entries of a year.

Only leaf amounts are stored — revenue per 功能分类 项, expenditure per 项 and fund
source, basic expenditure per 经济分类 款, and the scalar figures of the 三公经费 table and
the explanation. Every 类/款 line, 合计 and 基本支出 is computed (``selectors.py``).
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

ZERO_MONEY = {"max_digits": 18, "decimal_places": 2, "default": 0}
OPTIONAL_MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}


def _not_negative(model: str, fields: list[str]) -> list[models.CheckConstraint]:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{f}__gte": 0}) | Q(**{f"{f}__isnull": True}),
            name=f"{model}_{f}_not_negative",
        )
        for f in fields
    ]


class ClassificationCode(models.Model):
    """A 功能分类科目 (类/款/项: 3, 5 or 7 digits) or 部门经济分类科目 (类/款: 3 or 5 digits)
    of one budget year. The parent is read off the code: 2050801 → 20508 → 205."""

    class Kind(models.TextChoices):
        FUNCTION = "function", "功能分类"
        ECONOMIC = "economic", "部门经济分类"

    budget_year = models.ForeignKey(
        "budgets.BudgetYear",
        verbose_name="预算年度",
        on_delete=models.PROTECT,
        related_name="classification_codes",
    )
    kind = models.CharField("分类", max_length=16, choices=Kind.choices)
    code = models.CharField("科目编码", max_length=7)
    name = models.CharField("科目名称", max_length=100)

    LEVELS = {3: "类", 5: "款", 7: "项"}

    class Meta:
        ordering = ["budget_year", "kind", "code"]
        verbose_name = "预算科目"
        verbose_name_plural = "预算科目"
        constraints = [
            models.UniqueConstraint(
                fields=["budget_year", "kind", "code"], name="uniq_classification_code"
            ),
            models.CheckConstraint(
                condition=Q(kind="function", code__regex=r"^[0-9]{3}([0-9]{2}){0,2}$")
                | Q(kind="economic", code__regex=r"^[0-9]{3}([0-9]{2})?$"),
                name="classification_code_shape",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def level(self) -> str:
        return self.LEVELS.get(len(self.code), "")

    @property
    def parent_code(self) -> str | None:
        return self.code[:-2] if len(self.code) > 3 else None

    def in_use(self) -> bool:
        """Whether any unit's budget entry points at this code."""
        return any(
            model.objects.filter(code=self).exists()
            for model in (RevenueEntry, ExpenditureEntry, EconomicEntry)
        )

    @property
    def parts(self) -> tuple[str, str, str]:
        """The code as printed in the 类 | 款 | 项 columns: ("205", "08", "01")."""
        c = self.code
        return c[:3], c[3:5], c[5:7]

    def clean(self):
        code = (self.code or "").strip()
        lengths = (3, 5, 7) if self.kind == self.Kind.FUNCTION else (3, 5)
        if not code.isdigit() or len(code) not in lengths:
            shape = (
                "类/款/项（3、5 或 7 位数字）"
                if self.kind == self.Kind.FUNCTION
                else "类/款（3 或 5 位数字）"
            )
            raise ValidationError({"code": f"科目编码应为{shape}。"})
        self.code = code


class UnitBudget(models.Model):
    """A unit's budget of one year: the scalar figures; the rows are entries below."""

    unit = models.ForeignKey(
        "units.Unit", verbose_name="预算单位", on_delete=models.PROTECT, related_name="budgets"
    )
    budget_year = models.ForeignKey(
        "budgets.BudgetYear",
        verbose_name="预算年度",
        on_delete=models.PROTECT,
        related_name="unit_budgets",
    )
    duties = models.TextField("单位主要职能", blank=True)
    organisation = models.TextField("单位机构设置", blank=True)

    # “三公”经费 and 机关运行经费 (元; the table prints 万元)
    abroad = models.DecimalField("因公出国（境）费", **ZERO_MONEY)
    reception = models.DecimalField("公务接待费", **ZERO_MONEY)
    vehicle_purchase = models.DecimalField("公务用车购置费", **ZERO_MONEY)
    vehicle_running = models.DecimalField("公务用车运行费", **ZERO_MONEY)
    office_running = models.DecimalField("机关运行经费", **ZERO_MONEY)

    # 政府采购预算 (元)
    procurement_goods = models.DecimalField("政府采购货物预算", **ZERO_MONEY)
    procurement_works = models.DecimalField("政府采购工程预算", **ZERO_MONEY)
    procurement_services = models.DecimalField("政府采购服务预算", **ZERO_MONEY)

    # Last year's budget, for the changes the explanation quotes (blank: not known)
    prev_basic = models.DecimalField("上年财政拨款基本支出预算", **OPTIONAL_MONEY)
    prev_project = models.DecimalField("上年财政拨款项目支出预算", **OPTIONAL_MONEY)
    prev_abroad = models.DecimalField("上年因公出国（境）费", **OPTIONAL_MONEY)
    prev_reception = models.DecimalField("上年公务接待费", **OPTIONAL_MONEY)
    prev_vehicle = models.DecimalField("上年公务用车购置及运行费", **OPTIONAL_MONEY)
    prev_office_running = models.DecimalField("上年机关运行经费", **OPTIONAL_MONEY)

    # The reasons the explanation gives for the changes (text, typed)
    reason_basic = models.CharField("基本支出变化原因", max_length=200, blank=True)
    reason_project = models.CharField("项目支出变化原因", max_length=200, blank=True)
    reason_abroad = models.CharField("因公出国（境）费变化原因", max_length=200, blank=True)
    reason_vehicle = models.CharField("公务用车购置及运行费变化原因", max_length=200, blank=True)
    reason_reception = models.CharField("公务接待费变化原因", max_length=200, blank=True)

    updated_at = models.DateTimeField("更新时间", auto_now=True)
    updated_by = models.ForeignKey(
        "accounts.User",
        verbose_name="最后修改人",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    MONEY_FIELDS = [
        "abroad",
        "reception",
        "vehicle_purchase",
        "vehicle_running",
        "office_running",
        "procurement_goods",
        "procurement_works",
        "procurement_services",
    ]
    PREV_FIELDS = [
        "prev_basic",
        "prev_project",
        "prev_abroad",
        "prev_reception",
        "prev_vehicle",
        "prev_office_running",
    ]

    class Meta:
        ordering = ["unit", "-budget_year__year"]
        verbose_name = "单位预算"
        verbose_name_plural = "单位预算"
        constraints = [
            models.UniqueConstraint(fields=["unit", "budget_year"], name="uniq_unit_budget"),
            *_not_negative(
                "unit_budget",
                [
                    "abroad",
                    "reception",
                    "vehicle_purchase",
                    "vehicle_running",
                    "office_running",
                    "procurement_goods",
                    "procurement_works",
                    "procurement_services",
                    "prev_basic",
                    "prev_project",
                    "prev_abroad",
                    "prev_reception",
                    "prev_vehicle",
                    "prev_office_running",
                ],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} {self.budget_year}"


class RevenueEntry(models.Model):
    """收入预算 of one 功能分类 项, by source."""

    SOURCES = ["general", "fund", "business", "operating", "other"]

    unit_budget = models.ForeignKey(
        UnitBudget, verbose_name="单位预算", on_delete=models.CASCADE, related_name="revenues"
    )
    code = models.ForeignKey(
        ClassificationCode, verbose_name="功能分类科目", on_delete=models.PROTECT, related_name="+"
    )
    general = models.DecimalField("一般公共预算拨款", **ZERO_MONEY)
    fund = models.DecimalField("政府性基金拨款", **ZERO_MONEY)
    business = models.DecimalField("事业收入", **ZERO_MONEY)
    operating = models.DecimalField("事业单位经营收入", **ZERO_MONEY)
    other = models.DecimalField("其他收入", **ZERO_MONEY)

    class Meta:
        ordering = ["unit_budget", "code__code"]
        verbose_name = "收入预算"
        verbose_name_plural = "收入预算"
        constraints = [
            models.UniqueConstraint(fields=["unit_budget", "code"], name="uniq_revenue_code"),
            *_not_negative("revenue", ["general", "fund", "business", "operating", "other"]),
        ]


class Source(models.TextChoices):
    """Where an expenditure is paid from."""

    GENERAL = "general", "一般公共预算"
    FUND = "fund", "政府性基金预算"
    OTHER = "other", "其他资金（事业收入、经营收入、其他收入）"


class ExpenditureEntry(models.Model):
    """支出预算 of one 功能分类 项 from one source: 基本支出 (人员经费, 公用经费) and 项目支出.
    A row with all amounts zero lists the 科目 in the tables with blank cells."""

    unit_budget = models.ForeignKey(
        UnitBudget, verbose_name="单位预算", on_delete=models.CASCADE, related_name="expenditures"
    )
    code = models.ForeignKey(
        ClassificationCode, verbose_name="功能分类科目", on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField("资金来源", max_length=16, choices=Source.choices)
    personnel = models.DecimalField("人员经费", **ZERO_MONEY)
    public = models.DecimalField("公用经费", **ZERO_MONEY)
    project = models.DecimalField("项目支出", **ZERO_MONEY)
    purpose = models.CharField("主要用途（编制说明）", max_length=500, blank=True)

    class Meta:
        ordering = ["unit_budget", "code__code", "source"]
        verbose_name = "支出预算"
        verbose_name_plural = "支出预算"
        constraints = [
            models.UniqueConstraint(
                fields=["unit_budget", "code", "source"], name="uniq_expenditure_code_source"
            ),
            *_not_negative("expenditure", ["personnel", "public", "project"]),
        ]


class EconomicEntry(models.Model):
    """一般公共预算基本支出 of one 部门经济分类 款: 人员经费 and 公用经费."""

    unit_budget = models.ForeignKey(
        UnitBudget, verbose_name="单位预算", on_delete=models.CASCADE, related_name="economics"
    )
    code = models.ForeignKey(
        ClassificationCode, verbose_name="经济分类科目", on_delete=models.PROTECT, related_name="+"
    )
    personnel = models.DecimalField("人员经费", **ZERO_MONEY)
    public = models.DecimalField("公用经费", **ZERO_MONEY)

    class Meta:
        ordering = ["unit_budget", "code__code"]
        verbose_name = "基本支出经济分类"
        verbose_name_plural = "基本支出经济分类"
        constraints = [
            models.UniqueConstraint(fields=["unit_budget", "code"], name="uniq_economic_code"),
            *_not_negative("economic", ["personnel", "public"]),
        ]
