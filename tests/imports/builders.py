"""Workbooks for the import tests: the official three-sheet template as units fill it
(after ../shared/seeds/: merged and blank level cells, 【】 tags, 》, amounts typed as
text, ✓ √ × ☑ □ marks, 依据/必要性/可行性 in one cell, a 金额合计 that disagrees), and
our own export."""

import copy
import io
from datetime import datetime

from openpyxl import Workbook

from apps.exports.layout import project_for_export
from apps.exports.xlsx import project_workbook, unit_workbook
from apps.projects.selectors import project_list

OFFICIAL = {
    "year": "（ 2020 年）",
    "unit": "填报单位（盖章）：上海市闵行区教育学院",
    "name": "信息化项目-安全集成管理平台信息化建设",
    "category": "☐一次性项目　☑经常性项目　☐中期预算试点项目",
    "leader": "周硕青",
    "contact_cell": ("联系人：", "陈杰"),
    "phone": 18017592779,  # typed as a number, as Excel keeps it
    "start": datetime(2020, 1, 1),
    "end": "2020年12月31日",
    "overview": "为满足闵行区教育安全管理工作新的需求。\n第二段。",
    "basis_block": "依据：《上海市教育综合改革方案》。\n必要性：提升监管效率。\n可行性：已有平台。",
    "funding": [
        ("一、项目总预算：4411000", None),
        ("二、当年预算：", "14,718,993.60"),
        ("（一）财政拨款：", 14718993.6),
        ("1. 上级财政拨款：", 0),
        ("2. 本级财政安排：", "１４，７１８，９９３.６０"),
        ("3. 下级财政配套：", "0"),
        ("（二）其他资金：", None),
    ],
    "resources": "制度方面：《闵行区校园安全平台管理制度》",
    "overall_goal": "深化我区的教育安全管理信息化水平。",
    "annual_goal": "完成平台升级建设。",
    "annual_label": "年度",  # seed 000 prints it cut short
    "footer": ["填报单位负责人：王五", "填报人：张三", "填报日期：2020-03-01"],
    "composition": "（一）教育安全管理信息平台软件系统升级；（二）学校校车安全监管系统建设。",
    # level1, level2, level3, target, remark — None means "blank under a merge"
    "indicators": [
        ("产出目标", "数量", "【PATHS】平台建设计划完成率", "=100%", "计划目标"),
        (None, "质量", "【PATHS】平台阶段验收通过率", "=100.00%", "计划目标"),
        (None, "时效", "平台建设进度相符性", "与计划相符", "计划目标"),
        ("效果目标", "社会效益", "【WAP课程】监管效率提升情况", "有提升", ""),
        (None, None, "学校安全负责人参与度", 1, "计划目标"),  # 100% typed as a percentage
        ("影响力目标", "长效管理", "长效管理机制健全性", "建立健全", "计划目标"),
        (None, "满意度", "学校安保负责人满意度", "》90%", "计划目标"),
        (None, None, "教育局安保中心满意度", "90%以上", "计划目标"),
    ],
    # merged (level1 rows, level2 rows) ranges as offsets into the indicator rows
    "level1_merges": [(0, 2), (5, 7)],  # 效果目标's second row is left blank, not merged
    "level2_merges": [(6, 7)],
    # 项目名称, 项目内容, 项目明细, 明细金额, 单价, 依据, 数量, 依据, 备注
    "lines": [
        (
            "安全集成平台",
            "【PATHS】软件开发",
            "软件开发等",
            "14,000,000.00",
            14000000,
            "市场询价",
            1,
            "年度项目",
            "年度项目",
        ),
        (
            "安全集成平台",
            "【WAP课程】硬件",
            "硬件",
            718993.6,
            "221,220.00",
            "合同",
            "1",
            "清单",
            "",
        ),
    ],
    "total": "14,718,994",  # the seed's rounded total: disagrees with the lines
    "docs": [
        (
            "项目管理制度",
            "【PATHS】《闵行区校园安全平台管理制度》",
            "规范项目实施管理",
            "立项和计划阶段 ✓",
            "实施阶段 √",
            "收尾和完成阶段 ×",
        ),
        (
            None,
            "《项目校管理制度》",
            "实验校调研评估",
            "立项和计划阶段 ☑",
            "实施阶段 □",
            "收尾和完成阶段 ☑",
        ),
        ("预算管理制度", "《闵行区教育系统预算编制与执行暂行规定》", "预算编制流程", "✓", "✓", "✓"),
        (
            "财务管理制度",
            "《闵行区教育局专项资金管理暂行办法》",
            "资金拨付流程",
            "立项和计划阶段 ☐",
            "实施阶段 ☑",
            "收尾和完成阶段 ☑",
        ),
    ],
}


def official_spec(**changes) -> dict:
    spec = copy.deepcopy(OFFICIAL)
    spec.update(changes)
    return spec


def _put(ws, ref_row, col, value, merge_to_col=None, merge_to_row=None):
    cell = ws.cell(row=ref_row, column=col, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # typed as text ("=100%"), as in the filled forms
    if merge_to_col or merge_to_row:
        ws.merge_cells(
            start_row=ref_row,
            start_column=col,
            end_row=merge_to_row or ref_row,
            end_column=merge_to_col or col,
        )


def write_official(wb: Workbook, spec: dict, prefix: str = "", skip: tuple = ()) -> None:
    """The three sheets of one project, laid out like the seed forms."""
    if "overview" not in skip:
        ws = wb.create_sheet(f"{prefix}项目总体情况")
        _put(ws, 1, 1, "财政项目支出绩效目标申报表（项目总体情况）", 6)
        _put(ws, 2, 1, spec["year"], 6)
        _put(ws, 3, 1, spec["unit"], 4)
        _put(ws, 3, 5, "金额单位：元", 6)
        _put(ws, 4, 1, "项目名称")
        _put(ws, 4, 2, spec["name"], 6)
        _put(ws, 5, 1, "项目类别")
        _put(ws, 5, 2, spec["category"], 6)
        for col, value in zip(
            range(1, 7),
            ["项目负责人：", spec["leader"], *spec["contact_cell"], "联系电话：", spec["phone"]],
            strict=True,
        ):
            _put(ws, 6, col, value)
        _put(ws, 7, 1, "起始日期：")
        _put(ws, 7, 2, spec["start"], 3)
        _put(ws, 7, 4, "结束日期：")
        _put(ws, 7, 5, spec["end"], 6)
        _put(ws, 8, 1, "项目概况")
        _put(ws, 8, 2, spec["overview"], 6)
        _put(ws, 9, 1, "项目立项情况")
        _put(ws, 9, 2, spec["basis_block"], 6)
        _put(ws, 10, 1, "项目资金", merge_to_row=16)
        for i, (label, amount) in enumerate(spec["funding"]):
            row = 10 + i
            if amount is None and "：" in label and label.split("：", 1)[1]:
                _put(ws, row, 2, label, 6)  # "一、项目总预算：4411000" in one cell
            else:
                _put(ws, row, 2, label, 3)
                _put(ws, row, 4, amount, 6)
        rows = [
            ("项目相关资源投入和制度建设情况", spec["resources"]),
            ("项目总目标", spec["overall_goal"]),
            (spec["annual_label"], spec["annual_goal"]),
            ("需要说明的其他问题", None),
        ]
        for i, (label, value) in enumerate(rows):
            _put(ws, 17 + i, 1, label)
            _put(ws, 17 + i, 2, value, 6)
        for i, text in enumerate(spec["footer"]):
            _put(ws, 23, 1 + 2 * i, text, 2 + 2 * i)

    if "goals" not in skip:
        ws = wb.create_sheet(f"{prefix}绩效目标")
        _put(ws, 1, 1, "财政项目支出绩效目标申报表（绩效目标）", 10)
        _put(ws, 2, 1, spec["year"].replace(" ", ""), 10)
        _put(ws, 3, 1, "附件1-2")
        _put(ws, 4, 1, f"项目名称：{spec['name']}", 8)
        _put(ws, 4, 9, "金额单位：元", 10)
        _put(ws, 5, 1, "项目构成")
        _put(ws, 5, 2, "主体活动（作业、任务）和对应的详细描述", 3)
        _put(ws, 5, 4, spec["composition"], 10)
        for col, head in zip(
            (2, 3, 4, 7, 9), ("一级目标", "二级目标", "三级目标", "目标值", "备注"), strict=True
        ):
            _put(ws, 6, col, head, {4: 6, 7: 8, 9: 10}.get(col))
        first = 7
        n = len(spec["indicators"])
        _put(ws, first, 1, "绩效目标", merge_to_row=first + n - 1)
        for i, (l1, l2, name, target, remark) in enumerate(spec["indicators"]):
            r = first + i
            _put(ws, r, 2, l1)
            _put(ws, r, 3, l2)
            _put(ws, r, 4, name, 6)
            _put(ws, r, 7, target, 8)
            if target == 1:
                ws.cell(row=r, column=7).number_format = "0%"
            _put(ws, r, 9, remark or None, 10)
        for start, end in spec["level1_merges"]:
            ws.merge_cells(
                start_row=first + start, start_column=2, end_row=first + end, end_column=2
            )
        for start, end in spec["level2_merges"]:
            ws.merge_cells(
                start_row=first + start, start_column=3, end_row=first + end, end_column=3
            )
        head = first + n
        heads = [
            "项目名称",
            "项目内容",
            "项目明细",
            "明细金额",
            "单价",
            "依据",
            "数量",
            "依据",
            "备注",
        ]
        for col, text in enumerate(heads, start=2):
            _put(ws, head, col, text)
        lines = spec["lines"]
        _put(ws, head + 1, 1, "项目构成分解", merge_to_row=head + len(lines))
        for i, line in enumerate(lines):
            for col, value in enumerate(line, start=2):
                _put(ws, head + 1 + i, col, value)
        total_row = head + 1 + len(lines)
        _put(ws, total_row, 1, "金额合计", 4)
        _put(ws, total_row, 5, spec["total"])
        for col in range(6, 11):
            _put(ws, total_row, col, "----")

    if "guarantees" not in skip:
        ws = wb.create_sheet(f"{prefix}制度保障")
        _put(ws, 1, 1, "项目支出绩效目标申报表(制度保障)", 6)
        _put(ws, 2, 1, "(2020 年)", 6)
        _put(ws, 3, 1, f"项目名称：{spec['name']}", 6)
        for col, head in zip(
            (1, 2, 3, 4), ("制度保障", "文件名称", "具体措施", "保障阶段"), strict=True
        ):
            _put(ws, 4, col, head, 6 if col == 4 else None)
        for i, row in enumerate(spec["docs"]):
            for col, value in enumerate(row, start=1):
                _put(ws, 5 + i, col, value)
        ws.merge_cells(start_row=5, start_column=1, end_row=6, end_column=1)


def official_workbook(*specs: dict, skip: tuple = ()) -> bytes:
    wb = Workbook()
    wb.remove(wb.active)
    for i, spec in enumerate(specs, start=1):
        write_official(wb, spec, prefix=f"{i}-" if len(specs) > 1 else "", skip=skip)
    return save(wb)


def save(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_project(project) -> bytes:
    return project_workbook(project_for_export(project.pk))


def export_unit(unit, budget_year, projects) -> bytes:
    listed = list(project_list(projects))
    full = [project_for_export(p.pk) for p in listed]
    for p, q in zip(full, listed, strict=True):
        p.lines_total = q.lines_total
    return unit_workbook(unit, budget_year, full)
