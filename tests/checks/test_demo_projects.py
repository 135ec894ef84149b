"""The demo projects (transcriptions of the seed forms) load with exactly their real breaks.

Each expectation below was checked against the seed text in ../shared/seeds/:
- 000 安全集成管理平台: no 项目类别 ticked; 满意度 targets typed ``》90%`` (rows 8 and 9).
- 001 信息公开平台: no 项目类别 ticked; otherwise clean.
- 002 云办公平台 (2018): no 项目类别 ticked; 起始日期 and 结束日期 blank; 质量 target
  ``90%以上`` (row 2).
- 003 人脸识别系统: no 项目类别 ticked; 联系人 and 依据 blank; all seven 目标值 blank; no
  满意度 indicator; 金额合计 row printed blank.
- 004a–d (教育学院, from the unit budget book): clean.
"""

from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings

from apps.checks.findings import Severity
from apps.projects.models import Project
from apps.projects.selectors import project_findings
from apps.projects.services import load_project_file

E, W = Severity.ERROR, Severity.WARNING
PROJECTS_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects"

P_CATEGORY = ("P_CATEGORY", E, "category")

EXPECTED = {
    "000.json": [
        P_CATEGORY,
        ("T_NORMALISED", W, "ind-7-target_raw"),  # 学校安保负责人满意度 》90%
        ("T_NORMALISED", W, "ind-8-target_raw"),  # 教育局安保中心满意度 》90%
    ],
    "001.json": [P_CATEGORY],
    "002.json": [
        P_CATEGORY,
        ("D_REQUIRED", E, "start_date"),
        ("D_REQUIRED", E, "end_date"),
        ("T_NORMALISED", W, "ind-1-target_raw"),  # 需求满足度 90%以上
    ],
    "003.json": [
        ("P_REQUIRED", W, "contact"),
        ("P_REQUIRED", W, "basis"),
        P_CATEGORY,
        *[("T_BLANK", E, f"ind-{i}-target_raw") for i in range(7)],
        ("C_LEVEL2_MISSING", E, "indicators"),
        ("L_DECLARED_BLANK", E, "lines-total"),
    ],
    "004a.json": [],
    "004b.json": [],
    "004c.json": [],
    "004d.json": [],
    "2021a.json": [],  # filed on the 2021 core-indicator table: clean
}


def test_every_demo_project_file_has_an_expectation():
    assert sorted(p.name for p in PROJECTS_DIR.glob("*.json")) == sorted(EXPECTED)


def load(name: str) -> Project:
    return load_project_file(PROJECTS_DIR / name)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_demo_project_findings(reference, name):
    project = load(name)
    findings = project_findings(project)

    actual = Counter((f.code, f.severity, f.anchor) for f in findings)
    assert actual == Counter(EXPECTED[name])

    errors = sum(1 for f in findings if f.is_error)
    stored = Project.objects.get(pk=project.pk)
    assert (stored.error_count, stored.warning_count) == (errors, len(findings) - errors)
    assert stored.is_ready is (errors == 0)


def test_seed_000_mistyped_comparator(reference):
    findings = project_findings(load("000.json"))
    normalised = [f for f in findings if f.code == "T_NORMALISED"]

    assert [f.where for f in normalised] == [
        "绩效目标 · 第 8 行 · 目标值",
        "绩效目标 · 第 9 行 · 目标值",
    ]
    for f in normalised:
        assert "“》90%”" in f.message and "“≥90%”" in f.message


def test_seed_002_suffix_and_missing_dates(reference):
    project = load("002.json")
    findings = project_findings(project)

    assert (project.start_date, project.end_date) == (None, None)
    [normalised] = [f for f in findings if f.code == "T_NORMALISED"]
    assert "“90%以上”" in normalised.message and "“≥90%”" in normalised.message
    assert (project.error_count, project.warning_count) == (3, 1)


def test_seed_003_blank_targets_total_and_satisfaction(reference):
    project = load("003.json")
    findings = project_findings(project)

    blanks = [f for f in findings if f.code == "T_BLANK"]
    assert len(blanks) == 7
    assert "“采购计划完成率”的目标值未填写。" in blanks[0].message
    assert all(ind.target_kind == "blank" for ind in project.indicators.all())

    [total] = [f for f in findings if f.code == "L_DECLARED_BLANK"]
    assert "171,500.00" in total.message  # Σ 明细金额 of the single line
    assert project.total_source == Project.TotalSource.BLANK
    assert project.declared_total is None

    [missing] = [f for f in findings if f.code == "C_LEVEL2_MISSING"]
    assert missing.where == "绩效目标 · 影响力目标 · 满意度"
    assert (project.error_count, project.warning_count) == (10, 2)


def test_all_demo_projects_load_together(reference):
    projects = [load(name) for name in sorted(EXPECTED)]

    counts = {p.name: (p.error_count, p.warning_count) for p in Project.objects.all()}
    assert counts == {
        "信息化项目-安全集成管理平台信息化建设": (1, 2),
        "基础教育机构信息公开平台(2020运维)": (1, 0),
        "闵行智慧教育云办公平台（第二年）": (3, 1),
        "闵行区机关大院治安人脸识别系统": (10, 2),
        "德育队伍建设类项目": (0, 0),
        "电子书包第一阶段、第二阶段(2020运维)": (0, 0),
        "电子书包咨询费": (0, 0),
        "基于电子学生证的学生体育竞赛管理系统(2020运维)": (0, 0),
        "中小学教师专业发展培训": (0, 0),
    }
    assert len(projects) == 9


def test_the_2021_demo_project_is_filed_on_the_core_indicator_table(reference):
    """The demo's 2021 project uses the 2021 form version: 指标性质, 指标值 and 度量单位 apart,
    分值 summing to the version's 90, the 目标值 the checks read composed from them."""
    project = load("2021a.json")
    assert project.budget_year.form_version == "national-2021"
    rows = list(project.indicators.order_by("order"))
    assert sum(r.weight for r in rows) == 90
    cost = next(r for r in rows if r.name == "人均培训成本")
    assert (cost.nature, cost.target_value, cost.measure_unit, cost.target_raw) == (
        "negative",
        "500",
        "元",
        "≤500元",
    )
    assert project_findings(project) == []
