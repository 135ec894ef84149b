from django.db import models
from django.db.models import Q

from apps.core.choices import ProjectCategory
from apps.sheets import schema
from apps.sheets.schema import LONG_TEXT_MAX

MONEY = {"max_digits": 18, "decimal_places": 2, "null": True, "blank": True}

# The seven 项目资金 amounts (declared in apps/sheets/schema.py, like every sheet field).
FUNDING_FIELDS = [i.name for i in schema.fields() if i.group == "项目资金"]


class Project(models.Model):
    """A project of a unit for a budget year: sheet 1 and the scalar fields of sheet 2."""

    Category = ProjectCategory

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已提交"
        DEPT_PASSED = "dept_passed", "主管部门已审核"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已批复"
        ADJUSTING = "adjusting", "调整中"

    class Grade(models.TextChoices):
        EXCELLENT = "A", "优"
        GOOD = "B", "良"
        FAIR = "C", "中"
        POOR = "D", "差"

    class TotalSource(models.TextChoices):
        """Where 金额合计 comes from: computed by us, or as printed on an imported sheet."""

        COMPUTED = "computed", "系统计算"
        TYPED = "typed", "原表填写"
        BLANK = "blank", "原表空白"

    unit = models.ForeignKey(
        "units.Unit", verbose_name="填报单位", on_delete=models.PROTECT, related_name="projects"
    )
    budget_year = models.ForeignKey(
        "budgets.BudgetYear",
        verbose_name="预算年度",
        on_delete=models.PROTECT,
        related_name="projects",
    )
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.DRAFT)
    # Bumped by every write that changes a sheet; a save based on an older revision is
    # refused (no lost updates between two people editing one project).
    revision = models.PositiveIntegerField("修订号", default=0)
    adjustment = models.PositiveSmallIntegerField("调整次数", default=0)
    grade = models.CharField("审核等级", max_length=1, choices=Grade.choices, blank=True)
    approved_at = models.DateTimeField("批复时间", null=True, blank=True)

    # Sheet 1 — 项目总体情况
    name = models.CharField("项目名称", max_length=200)
    category = models.CharField("项目类别", max_length=16, choices=Category.choices, blank=True)
    leader = models.CharField("项目负责人", max_length=50, blank=True)
    contact = models.CharField("联系人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=50, blank=True)
    start_date = models.DateField("起始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    overview = models.TextField("项目概况", blank=True, max_length=LONG_TEXT_MAX)
    basis = models.TextField("立项依据", blank=True, max_length=LONG_TEXT_MAX)
    necessity = models.TextField("必要性", blank=True, max_length=LONG_TEXT_MAX)
    feasibility = models.TextField("可行性", blank=True, max_length=LONG_TEXT_MAX)
    total_budget = models.DecimalField("项目总预算", **MONEY)
    current_budget = models.DecimalField("当年预算", **MONEY)
    fiscal_total = models.DecimalField("财政拨款", **MONEY)
    fiscal_upper = models.DecimalField("上级财政拨款", **MONEY)
    fiscal_local = models.DecimalField("本级财政安排", **MONEY)
    fiscal_lower = models.DecimalField("下级财政配套", **MONEY)
    other_funds = models.DecimalField("其他资金", **MONEY)
    resources = models.TextField(
        "项目相关资源投入和制度建设情况", blank=True, max_length=LONG_TEXT_MAX
    )
    overall_goal = models.TextField("项目总目标", blank=True, max_length=LONG_TEXT_MAX)
    annual_goal = models.TextField("年度绩效目标", blank=True, max_length=LONG_TEXT_MAX)
    other_issues = models.TextField("需要说明的其他问题", blank=True, max_length=LONG_TEXT_MAX)
    unit_head_name = models.CharField("填报单位负责人", max_length=50, blank=True)
    filler_name = models.CharField("填报人", max_length=50, blank=True)
    filing_date = models.DateField("填报日期", null=True, blank=True)

    # Sheet 2 — 绩效目标 (the indicator tree and budget lines are rows of their own)
    composition = models.TextField(
        "主体活动(作业、任务)和对应产出的详细描述", blank=True, max_length=LONG_TEXT_MAX
    )
    total_source = models.CharField(
        "金额合计来源", max_length=16, choices=TotalSource.choices, default=TotalSource.COMPUTED
    )
    declared_total = models.DecimalField("原表金额合计", **MONEY)

    # Findings of the rules module, refreshed by every save service, so lists stay cheap.
    error_count = models.PositiveIntegerField("错误数", default=0)
    warning_count = models.PositiveIntegerField("提示数", default=0)

    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        ordering = ["unit", "budget_year", "name"]
        verbose_name = "项目"
        verbose_name_plural = "项目"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "budget_year", "name"], name="uniq_project_name_per_unit_year"
            ),
            *[
                models.CheckConstraint(
                    condition=Q(**{f"{f}__gte": 0}) | Q(**{f"{f}__isnull": True}),
                    name=f"project_{f}_not_negative",
                )
                for f in [*FUNDING_FIELDS, "declared_total"]
            ],
        ]
        indexes = [models.Index(fields=["budget_year", "unit"])]

    def __str__(self) -> str:
        return self.name

    @property
    def is_ready(self) -> bool:
        return self.error_count == 0

    @property
    def is_editable_by_filler(self) -> bool:
        return self.status in EDITABLE_STATUSES


EDITABLE_STATUSES = (Project.Status.DRAFT, Project.Status.RETURNED, Project.Status.ADJUSTING)


class SubProject(models.Model):
    """A named part of a 类项目; its rows print with the 【name】 tag."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="sub_projects"
    )
    name = models.CharField("子项目名称", max_length=100)
    order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        ordering = ["project", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="uniq_subproject_name"),
        ]
        verbose_name = "子项目"
        verbose_name_plural = "子项目"

    def __str__(self) -> str:
        return self.name
