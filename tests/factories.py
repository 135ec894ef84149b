"""Test state made by code, not fixtures: users and a ready project to break on purpose."""

from datetime import date
from decimal import Decimal

from apps.accounts.models import User
from apps.budget_lines.models import BudgetLine
from apps.budgets.models import BudgetYear
from apps.guarantees.models import RuleDocument
from apps.indicators.models import Indicator, Level2
from apps.indicators.services import indicator_apply_target
from apps.projects.history import history_record
from apps.projects.models import Project
from apps.projects.services import project_refresh_findings

PASSWORD = "pw-for-tests"


def user(username, role, unit=None):
    u = User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit)
    return u


def level2(year: BudgetYear, level1: str, name: str) -> Level2:
    return Level2.objects.get(level1__taxonomy=year.taxonomy, level1__name=level1, name=name)


MINHANG_ROWS = [
    ("产出目标", "数量", "平台建设计划完成率", "=100%"),
    ("产出目标", "质量", "平台阶段验收通过率", "=100%"),
    ("产出目标", "时效", "平台建设进度相符性", "与计划相符"),
    ("效果目标", "社会效益", "教育安全监管效率提升情况", "有提升"),
    ("影响力目标", "长效管理", "长效管理机制健全性", "建立健全"),
    ("影响力目标", "满意度", "学校安保负责人满意度", "≥90%"),
]


def ready_project(
    *,
    unit,
    year=2020,
    name="安全集成管理平台",
    indicators=MINHANG_ROWS,
    lines=((Decimal("560000"), Decimal("560000"), Decimal("1")), (Decimal("351000"), None, None)),
) -> Project:
    """A project whose three sheets pass every check (built after seed 000)."""
    budget_year = BudgetYear.objects.get(year=year)
    amount = sum(a for a, _, _ in lines)
    project = Project.objects.create(
        unit=unit,
        budget_year=budget_year,
        name=name,
        category=Project.Category.ONE_OFF,
        leader="周硕青",
        contact="陈杰",
        phone="18017592779",
        start_date=date(year, 1, 1),
        end_date=date(year, 12, 31),
        overview="项目概况。",
        basis="依据。",
        necessity="必要性。",
        feasibility="可行性。",
        total_budget=Decimal("4411000"),
        current_budget=amount,
        fiscal_total=amount,
        fiscal_upper=Decimal("0"),
        fiscal_local=amount,
        fiscal_lower=Decimal("0"),
        other_funds=Decimal("0"),
        overall_goal="总目标。",
        annual_goal="年度目标。",
        composition="建设内容。",
    )
    for i, (l1, l2, name3, target) in enumerate(indicators):
        indicator_apply_target(
            indicator=Indicator(
                project=project,
                level2=level2(budget_year, l1, l2),
                name=name3,
                target_raw=target,
                remark="计划目标",
                order=i,
            )
        ).save()
    for i, (amount_i, price, qty) in enumerate(lines):
        BudgetLine.objects.create(
            project=project,
            item_name=name,
            content="建设",
            detail=f"明细{i + 1}",
            amount=amount_i,
            unit_price=price,
            quantity=qty,
            remark="年度项目",
            order=i,
        )
    for i, category in enumerate(["project", "budget", "finance"]):
        RuleDocument.objects.create(
            project=project,
            category=category,
            title=f"制度{i + 1}",
            measures="措施",
            stage_planning=True,
            stage_implementation=True,
            stage_closing=True,
            order=i,
        )
    project_refresh_findings(project=project)
    history_record(project=project, actor=None, source="测试")  # the baseline, as services do
    return project
