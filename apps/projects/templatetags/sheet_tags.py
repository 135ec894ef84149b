from django import template
from django.utils.html import format_html, format_html_join
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
