"""The printed 项目支出绩效自评表 (财预〔2020〕10号 form) as a sheet layout.

It is a ``SheetLayout`` of ``apps.exports.layout`` — cells with spans in sections — so the
print page and the PDF render it through the sheets' template and the workbook writes it
through the sheets' writer (``apps.exports.xlsx.write_sheet``). Amounts are in 元, as every
amount of this application (the paper form prints 万元).
"""

from decimal import Decimal
from itertools import groupby

from apps.exports.layout import Cell, L, Section, SheetLayout, T
from apps.performance.models import FUNDING_ROWS, SelfEvaluation
from apps.performance.scoring import Result
from apps.performance.tree import TreeEntry


def _num(value) -> Cell:
    return Cell(value, "number")


def _remark(row) -> str:
    parts = []
    if row is not None and row.reason.strip():
        parts.append(f"偏差原因：{row.reason.strip()}")
    if row is not None and row.measures.strip():
        parts.append(f"改进措施：{row.measures.strip()}")
    return "\n".join(parts)


def _indicator_rows(tree: list[TreeEntry], result: Result, rows: dict) -> list[list[Cell]]:
    scores = result.by_id()
    body = []
    for level1, group1 in groupby(tree, key=lambda e: e.level1):
        group1 = list(group1)
        first1 = True
        for level2, group2 in groupby(group1, key=lambda e: e.level2):
            group2 = list(group2)
            for j, entry in enumerate(group2):
                row, s = rows.get(entry.id), scores[entry.id]
                cells = []
                if first1:
                    cells.append(L(level1, rowspan=len(group1)))
                    first1 = False
                if j == 0:
                    cells.append(L(level2, rowspan=len(group2)))
                cells += [
                    T(entry.name, colspan=2),
                    T(entry.target_text),
                    T((row.actual or row.level) if row else ""),
                    _num(s.weight),
                    _num(s.score),
                    Cell(_remark(row), "long", colspan=2),
                ]
                body.append(cells)
    return body


def evaluation_layout(
    evaluation: SelfEvaluation, tree: list[TreeEntry], result: Result
) -> SheetLayout:
    project = evaluation.project
    unit = project.unit
    fields = (evaluation.version.data or {}).get("fields", {})
    rows = {r.indicator_id: r for r in evaluation.rows.all()}
    budget = result.budget
    header = Section(
        body=[
            [L("项目名称"), T(project.name, colspan=9)],
            [
                L("主管部门"),
                T(unit.parent.name if unit.parent_id else unit.name, colspan=4),
                L("实施单位"),
                T(unit.name, colspan=4),
            ],
            [
                L("项目资金（元）", rowspan=2 + len(FUNDING_ROWS)),
                L(""),
                L("年初预算数", colspan=2),
                L("全年预算数（A）", colspan=2),
                L("全年执行数（B）"),
                L("分值"),
                L("执行率（B/A）"),
                L("得分"),
            ],
            [
                L("年度资金总额"),
                Cell(evaluation.budget_initial, "money", colspan=2),
                Cell(evaluation.budget_full, "money", colspan=2),
                Cell(evaluation.executed, "money"),
                _num(budget.weight),
                T(budget.rate_text),
                _num(budget.score),
            ],
            *[
                [
                    L(label),
                    Cell(getattr(evaluation, f"{row}_initial"), "money", colspan=2),
                    Cell(getattr(evaluation, f"{row}_full"), "money", colspan=2),
                    Cell(getattr(evaluation, f"{row}_executed"), "money"),
                    T("—"),
                    T("—"),
                    T("—"),
                ]
                for row, label in FUNDING_ROWS
            ],
            [L("年度总体目标", rowspan=2), L("预期目标", colspan=4), L("实际完成情况", colspan=5)],
            [
                Cell(fields.get("annual_goal") or "", "long", colspan=4),
                Cell(evaluation.actual_goal, "long", colspan=5),
            ],
        ]
    )
    head = [
        [
            L("一级指标"),
            L("二级指标"),
            L("三级指标", colspan=2),
            L("年度指标值"),
            L("实际完成值"),
            L("分值"),
            L("得分"),
            L("偏差原因分析及改进措施", colspan=2),
        ]
    ]
    indicators = Section(head=head, body=_indicator_rows(tree, result, rows))
    total = Section(
        body=[
            [
                L("总分", colspan=6),
                _num(Decimal("100")),
                _num(result.total),
                L("自评等级"),
                T(result.grade),
            ]
        ]
    )
    return SheetLayout(
        key="evaluation",
        title="项目支出绩效自评表",
        year_line=f"（{project.budget_year.year} 年度）",
        meta_left=f"填报单位：{unit.name}",
        meta_right="金额单位：元",
        columns=[10, 10, 10, 12, 10, 10, 8, 8, 11, 11],
        sections=[header, indicators, total],
        footer=["填报单位负责人：", "填报人：", "填报日期："],
    )
