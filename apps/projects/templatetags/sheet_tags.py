from django import template
from django.utils.html import conditional_escape, format_html, format_html_join
from django.utils.safestring import mark_safe

from apps.core.money import fmt_money
from apps.indicators.targets import parse_target

register = template.Library()


@register.filter
def money(value):
    return fmt_money(value, blank="")


@register.simple_tag
def findings_at(findings_by_anchor, anchor):
    """The findings of one field or section, rendered where that field is."""
    from apps.projects.sheets import findings_html

    return findings_html(findings_by_anchor.get(anchor, []))


@register.filter
def target_hint(raw):
    parsed = parse_target(raw)
    if parsed.kind == "quantitative":
        return format_html('<span class="target-hint">定量 {}</span>', parsed.normalised)
    if parsed.kind == "qualitative":
        return mark_safe('<span class="target-hint">定性</span>')
    return ""


_ROW_BUTTONS = mark_safe(
    '<button type="button" class="btn btn-sm btn-link row-up" title="上移" aria-label="上移">↑</button>'
    '<button type="button" class="btn btn-sm btn-link row-down" title="下移" aria-label="下移">↓</button>'
    '<button type="button" class="btn btn-sm btn-link text-danger row-remove" title="删除本行"'
    ' aria-label="删除本行">✕</button>'
)


@register.simple_tag
def row_actions(form, editable):
    """The last cell of a sheet row: its hidden id and delete fields and the row buttons.

    A tag rather than an include: it is rendered once per row, a hundred times a page.
    """
    return format_html(
        '<td class="row-actions">{}<span hidden>{}</span>{}</td>',
        form["id"],
        form["DELETE"],
        _ROW_BUTTONS if editable else "",
    )


@register.simple_tag
def sheet_field(form, name, findings_by_anchor=None):
    """A declared field of a sheet form where the printed form has it (radios for 项目类别),
    with the findings at it. The overview grid places every field through this tag."""
    bound = form[name]
    if name != "category":
        return str(bound)  # the sheet renderer prints the findings after the widget
    from apps.projects.sheets import findings_html

    radios = format_html_join(
        "",
        '<label class="form-check-label">{} {}</label>',
        ((radio.tag(), radio.choice_label) for radio in bound),
    )
    return format_html(
        '<div class="d-flex gap-4" id="id_category">{}</div>{}',
        radios,
        findings_html((findings_by_anchor or {}).get(name, [])),
    )


# The editor's classes of the indicator cells (static/css/app.css, static/js/sheet_*.js):
# 目标值 of the 2018 table and 指标值 of the 2021 one are the same kind of cell.
_CELL_CLASSES = {
    "level2": "c-level2",
    "name": "c-name",
    "target_raw": "c-target",
    "target_value": "c-target",
    "remark": "c-remark",
}


@register.filter
def cell_class(name: str) -> str:
    return _CELL_CLASSES.get(name, "")


# --- The rows of the sheet tables -------------------------------------------------------
# A page of 60 indicators and 40 budget lines rendered each row through its include
# (``_indicator_row.html``, ``_line_row.html``): half the page's time went to the template
# engine's lookups. These write the same markup in Python, the blank row of each table's
# <template> too; the includes stay the declaration and tests/projects/test_row_html.py
# checks both give the same bytes for every kind of row (the blank row included).


escape = conditional_escape  # as {{ }} escapes: lazy labels, safe strings kept


def _label(field, labels: dict) -> str:
    """The escaped label of a cell, once per column (labels are shared by a table's rows)."""
    label = labels.get(field.name)
    if label is None:
        label = labels[field.name] = escape(field.label)
    return label


def _row_close(form, css: str, sub_projects: bool, editable: bool) -> str:
    sub = ""
    if sub_projects:
        field = form["sub_project"]
        sub = f'<td{css} data-label="{escape(field.label)}">{field}</td>'
    return f"\n  {sub}\n  {row_actions(form, editable)}\n</tr>\n"


def _row_open(form, kind: str) -> str:
    pk = form.instance.pk
    return (
        f'<tr class="sheet-row" data-prefix="{escape(form.prefix)}"'
        f"{' hidden' if getattr(form, 'is_removed', False) else ''}"
        f"{f' data-row-anchor="{kind}:{pk}"' if pk else ''}>\n"
        '  <td class="section-cell"></td>\n'
    )


def indicator_row_html(form, *, sub_projects: bool, editable: bool, labels=None) -> str:
    """``projects/_indicator_row.html`` of one indicator form."""
    labels = {} if labels is None else labels
    instance = form.instance
    out = [
        _row_open(form, "indicator"),
        '  <td class="level1-label-cell c-level1"><span class="level1-label">'
        f"{escape(form.level1_name)}</span></td>\n  ",
    ]
    for field in form.cells:
        name = field.name
        css = _CELL_CLASSES.get(name, "")
        out.append(f'<td class="col-{name} {css}" data-label="{_label(field, labels)}">')
        out.append(str(field))
        if name == "level2" and instance.pk and not instance.level2_id and instance.level2_text:
            out.append(
                f'<span class="typed-level">原表：{escape(instance.level1_text)} · '
                f"{escape(instance.level2_text)}</span>"
            )
        if name == "target_raw" and instance.pk and not form.is_bound:
            out.append(str(target_hint(instance.target_raw)))
        if name in ("target_raw", "target_value"):
            out.append(str(conditional_escape(getattr(form, "history_html", ""))))
        out.append("</td>")
    out.append(_row_close(form, ' class="c-sub"', sub_projects, editable))
    return "".join(out)


def line_row_html(form, *, sub_projects: bool, editable: bool, labels=None) -> str:
    """``projects/_line_row.html`` of one budget-line form."""
    labels = {} if labels is None else labels
    out = [_row_open(form, "line"), "  "]
    for field in form.cells:
        out.append(
            f'<td class="col-{field.name}" data-label="{_label(field, labels)}">{field}</td>'
        )
    out.append(_row_close(form, "", sub_projects, editable))
    return "".join(out)


@register.simple_tag
def sheet_rows(formset, kind: str, sub_projects: bool, editable: bool):
    """Every row of a sheet table as the page shows it (``kind``: indicator or line)."""
    from apps.projects import kept

    write = indicator_row_html if kind == "indicator" else line_row_html
    labels = {}
    if formset.is_bound:  # shown again as posted: never kept
        return mark_safe(
            "".join(
                write(form, sub_projects=sub_projects, editable=editable, labels=labels)
                for form in formset.forms_for_display()
            )
        )
    table = kept.table_key(formset, kind, sub_projects, editable)
    out = []
    for form in formset.forms_for_display():
        key = kept.row_key(table, form)
        html = kept.ROWS.get(key)
        if html is None:
            html = write(form, sub_projects=sub_projects, editable=editable, labels=labels)
            kept.ROWS.put(key, html)
        out.append(html)
    return mark_safe("".join(out))


@register.simple_tag
def empty_row(formset, kind: str, sub_projects: bool, editable: bool):
    """The blank row of a table's ``<template>`` (the one the page's script copies when a
    row is added), written as ``sheet_rows`` writes rows: the same bytes as its include
    (tests/projects/test_row_html.py), without the template engine."""
    write = indicator_row_html if kind == "indicator" else line_row_html
    return mark_safe(write(formset.empty_form, sub_projects=sub_projects, editable=editable))


class KeptNode(template.Node):
    """``{% kept %}…{% endkept %}``: the part of a sheet page kept by ``kept_sheet``
    (``apps/projects/kept.py``) — written once per digest of what it shows."""

    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        kept = context.get("kept_sheet")
        if kept is None:  # a page shown again after a refused save: written as posted
            return self.nodelist.render(context)
        html = kept.get()
        if html is None:
            kept.prepare()
            html = self.nodelist.render(context)
            kept.keep(html)
        return html


@register.tag
def kept(parser, token):
    nodelist = parser.parse(("endkept",))
    parser.delete_first_token()
    return KeptNode(nodelist)
