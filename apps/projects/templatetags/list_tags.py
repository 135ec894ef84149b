from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import conditional_escape as escape
from django.utils.safestring import mark_safe

from apps.core.money import fmt_money

register = template.Library()

# The rows of the project lists, written in Python: fifty rows through the template engine
# were two thirds of a list's time. ``projects/_list_row.html`` stays the declaration;
# tests/projects/test_list_rows.py checks both give the same bytes for every kind of row.

_PK = 987654321  # stands for a project's id in its address, written once per list

EMPTY = '    <tr><td colspan="9" class="text-muted">没有项目。</td></tr>\n'


def days_since(moment) -> int:
    """review_tags.days_since (whole calendar days to today, in the site's time zone),
    which the includes use: projects does not import reviews (tests/test_structure.py)."""
    return (timezone.localdate() - timezone.localdate(moment)).days


def _submitted(moment) -> str:
    if not moment:
        return "—"
    return formats.date_format(timezone.localtime(moment), "Y-m-d H:i")


def project_row_html(p, detail: str) -> str:
    """``projects/_list_row.html`` of one project (``detail``: its address with _PK)."""
    waiting = f"{days_since(p.waiting_since)} 天" if p.waiting_since else "—"
    if p.is_ready:
        check = '<span class="badge text-bg-success">就绪</span>'
    else:
        check = (
            f'<span class="badge text-bg-danger" title="{p.error_count} 处错误">'
            f"未就绪 · {p.error_count} 处错误</span>"
        )
    warnings = (
        f'<span class="badge text-bg-warning">{p.warning_count} 处提示</span>'
        if p.warning_count
        else ""
    )
    return (
        "    <tr>\n"
        f'      <td><a href="{detail.replace(str(_PK), str(p.pk))}">{escape(p.name)}</a></td>\n'
        f"      <td>{escape(p.unit.name)}</td>\n"
        f"      <td>{p.budget_year.year}</td>\n"
        f"      <td>{escape(p.get_status_display())}</td>\n"
        f'      <td class="text-nowrap submitted-at">{_submitted(p.submitted_at)}</td>\n'
        f'      <td class="text-end waiting-days">{waiting}</td>\n'
        f'      <td class="money">{fmt_money(p.current_budget, blank="")}</td>\n'
        f'      <td class="money">{fmt_money(p.lines_total, blank="")}</td>\n'
        f"      <td>{check}\n"
        f"        {warnings}</td>\n"
        "    </tr>\n"
    )


@register.simple_tag
def project_rows(page):
    """Every row of a page of the project list, or its one 没有项目 row."""
    detail = reverse("projects:detail", args=[_PK])
    rows = [project_row_html(p, detail) for p in page]
    return mark_safe("".join(rows) or EMPTY)


QUEUE_EMPTY = '<tr><td colspan="10" class="text-muted">没有等待处理的项目。</td></tr>'


def queue_row_html(p, box, batch: bool, detail: str) -> str:
    """``reviews/_queue_row.html`` of one project and its batch checkbox (``box``, a
    widget of the batch form's ids field, written as Django's input template writes it)."""
    from apps.core.renderers import _input

    name = escape(p.name)
    tick = (
        f'<td><label class="d-block px-1">{_input(box.data)}'
        f'<span class="visually-hidden">{name}</span></label></td>'
        if batch
        else ""
    )
    waiting = f"{days_since(p.waiting_since)} 天" if p.waiting_since else "—"
    check = (
        '<span class="badge text-bg-success">就绪</span>'
        if p.is_ready
        else f'<span class="badge text-bg-danger">{p.error_count} 处错误</span>'
    )
    return (
        f'    <tr data-project="{p.pk}">{tick}\n'
        f'      <td><a href="{detail.replace(str(_PK), str(p.pk))}">{name}</a></td>'
        f"<td>{escape(p.unit.name)}</td><td>{p.budget_year.year}</td>"
        f"<td>{escape(p.get_status_display())}</td>\n"
        f'      <td class="text-nowrap submitted-at">{_submitted(p.submitted_at)}</td>\n'
        f'      <td class="text-end waiting-days">{waiting}</td>\n'
        f'      <td class="money">{fmt_money(p.current_budget, blank="")}</td>'
        f'<td class="money">{fmt_money(p.lines_total, blank="")}</td>\n'
        f"      <td>{check}</td></tr>\n"
    )


@register.simple_tag
def queue_rows(rows, batch):
    """Every row of a page of 待办 ((project, checkbox) pairs), or its one empty row."""
    detail = reverse("projects:detail", args=[_PK])
    out = [queue_row_html(p, box, bool(batch), detail) for p, box in rows]
    return mark_safe("".join(out) or QUEUE_EMPTY)
