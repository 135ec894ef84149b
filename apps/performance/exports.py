"""The 项目支出绩效自评表 as HTML (print preview and PDF) and as a workbook, from one layout."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from openpyxl import Workbook

from apps.exports.xlsx import sheet_title, write_sheet
from apps.performance.layout import evaluation_layout
from apps.performance.models import AMOUNT_FIELDS
from apps.performance.tree import compute, evaluation_tree, settings_for

AMOUNTS = (*AMOUNT_FIELDS, "actual_goal")


def evaluation_sheet(evaluation):
    """The layout of a stored evaluation (scores recomputed from what is stored)."""
    tree = evaluation_tree(evaluation.version)
    rows = list(evaluation.rows.all())
    reported = {
        r.indicator_id: {"actual": r.actual, "level": r.level, "reason": r.reason} for r in rows
    }
    amounts = {name: getattr(evaluation, name) for name in AMOUNTS}
    result, _ = compute(tree, reported, amounts, settings_for(evaluation.version))
    return evaluation_layout(evaluation, tree, result)


def evaluation_html(evaluation) -> str:
    return render_to_string(
        "performance/print.html",
        {
            "evaluation": evaluation,
            "layouts": [evaluation_sheet(evaluation)],
            "exported_at": timezone.now(),
        },
    )


def evaluation_workbook(evaluation) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet_title("项目支出绩效自评表")
    write_sheet(ws, evaluation_sheet(evaluation))
    wb.properties.title = f"{evaluation.project.name} 绩效自评"
    wb.properties.creator = "perf-targets"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
