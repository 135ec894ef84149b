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


def unit_evaluations(job):
    from apps.performance.models import SelfEvaluation

    return list(
        SelfEvaluation.objects.filter(project__unit=job.unit, project__budget_year=job.budget_year)
        .select_related("project__unit", "project__budget_year")
        .prefetch_related("rows")
        .order_by("project__name", "pk")
    )


def _sheets(job, progress) -> list:
    evaluations = unit_evaluations(job)
    progress.total(len(evaluations) + 1)  # the last step is writing the file
    out = []
    for i, evaluation in enumerate(evaluations):
        out.append((evaluation, evaluation_sheet(evaluation)))
        progress(i + 1)
    return out


def unit_evaluations_pdf(job, progress) -> tuple[bytes, str]:
    """Every self-evaluation of a unit's year in one PDF (a background export)."""
    from apps.exports.pdf import html_to_pdf

    sheets = _sheets(job, progress)
    html = render_to_string(
        "performance/print_unit.html",
        {
            "unit": job.unit,
            "year": job.budget_year,
            "sheets": sheets,
            "exported_at": timezone.now(),
        },
    )
    return html_to_pdf(html), "pdf"


def unit_evaluations_workbook(job, progress) -> tuple[bytes, str]:
    """Every self-evaluation of a unit's year, a sheet each (a background export)."""
    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for evaluation, layout in _sheets(job, progress):
        title = sheet_title(evaluation.project.name)
        n = 2
        while title in used:
            title = sheet_title(f"{evaluation.project.name[:25]}（{n}）")
            n += 1
        used.add(title)
        write_sheet(wb.create_sheet(title), layout)
    if not wb.worksheets:
        wb.create_sheet("无绩效自评")["A1"] = "该单位该年度没有绩效自评。"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue(), "xlsx"
