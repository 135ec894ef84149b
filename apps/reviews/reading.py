"""The reading view of a sheet: the printed layout, each printed row knowing which row or
field of the project it prints, with the review comments placed beside it.

``apps.exports.layout`` says which rows print in which order; it does not say which
project row a printed row comes from. ``keyed_sections`` recovers that by walking the
project's rows in the layout's own order and checking each against the printed name, so
a layout change that breaks the pairing drops the anchors (comments then show at the top
of the sheet) instead of placing a comment on the wrong row.
(Hook for the layout: if ``Section`` carried each body row's key, this pairing would go.)
"""

import re
from dataclasses import dataclass, field

from apps.checks.findings import Sheet
from apps.exports.layout import goals_layout, guarantees_layout, level_rank, overview_layout
from apps.projects.models import Project

LAYOUTS = {
    Sheet.OVERVIEW: overview_layout,
    Sheet.GOALS: goals_layout,
    Sheet.GUARANTEES: guarantees_layout,
}
# The form prefixes of a sheet page's tables (findings name rows "ind-3", "line-0", …).
PREFIX_KIND = {"ind": "indicator", "line": "line", "doc": "doc"}


class PrintedRow(list):
    """A printed row (its cells) with where it comes from: ``anchor`` as comments name it
    ("indicator:12", "leader"), ``dom_id`` for links, and the comments placed on it."""

    anchor = ""
    dom_id = ""

    def __init__(self, cells, anchor="", dom_id=""):
        super().__init__(cells)
        self.anchor, self.dom_id = anchor, dom_id
        self.comments = []


@dataclass
class ReadingSheet:
    layout: object
    sections: list  # of (head rows, body PrintedRows)
    targets: dict = field(default_factory=dict)  # comment/finding anchor → dom id
    unplaced: list = field(default_factory=list)


_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.\s*)")


def _label(text: str) -> str:
    text = str(text).replace("　", "").replace("：", "").replace(":", "").strip()
    return _NUMBERING.sub("", text).strip()


def _field_names() -> dict[str, str]:
    return {str(f.verbose_name): f.name for f in Project._meta.concrete_fields}


def _fields_of_row(row, names: dict[str, str]) -> list[str]:
    """The project fields a printed row shows, from its label cells."""
    out = []
    for cell in row:
        if not cell.kind.startswith("label"):
            continue
        label = _label(cell.value)
        if not label:
            continue
        exact = names.get(label)
        found = exact or next((n for v, n in names.items() if v.endswith(label)), None)
        if found:
            out.append(found)
    return out


def _row_kind_dom(kind: str, pk) -> str:
    return f"row-{kind}-{pk}"


def _key_rows(body, objects, kind: str, name_of) -> list[PrintedRow] | None:
    """Pair printed rows with ``objects`` (in the layout's order), checked by name."""
    if len(body) < len(objects):
        return None
    rows = []
    for cells, obj in zip(body, objects, strict=False):
        name = name_of(obj) or ""
        if name and not any(str(c.value).endswith(name) for c in cells):
            return None
        rows.append(PrintedRow(cells, f"{kind}:{obj.pk}", _row_kind_dom(kind, obj.pk)))
    return rows + [PrintedRow(cells) for cells in body[len(objects) :]]


def keyed_sections(project, sheet: Sheet, layout) -> tuple[list, dict]:
    """The layout's sections with keyed rows, and every anchor → the dom id that shows it."""
    targets: dict[str, str] = {}
    sections = []
    names = _field_names()
    if sheet == Sheet.GOALS:
        indicators = sorted(project.indicators.all(), key=level_rank)  # as the layout prints
        tables = [
            None,
            ("indicator", indicators, lambda i: i.name),
            ("line", list(project.budget_lines.all()), lambda ln: ln.detail),
        ]
    elif sheet == Sheet.GUARANTEES:
        tables = [("doc", list(project.rule_documents.all()), lambda d: d.title)]
    else:
        tables = [None]
    for i, section in enumerate(layout.sections):
        table = tables[i] if i < len(tables) else None
        body = None
        if table is not None:
            body = _key_rows(section.body, table[1], table[0], table[2])
        if body is None:
            body = []
            for cells in section.body:
                fields = _fields_of_row(cells, names)
                if fields:
                    row = PrintedRow(cells, fields[0], f"field-{fields[0]}")
                    targets.update({name: row.dom_id for name in fields})
                else:
                    row = PrintedRow(cells)
                body.append(row)
        else:
            targets.update({row.anchor: row.dom_id for row in body if row.anchor})
        sections.append((section.head, body))
    if sheet == Sheet.GOALS and sections:
        total = sections[-1][1][-1] if sections[-1][1] else None
        if total is not None and not total.anchor:  # the 金额合计 row
            total.anchor, total.dom_id = "declared_total", "field-declared_total"
            targets.update(
                {a: total.dom_id for a in ("declared_total", "total_source", "lines-total")}
            )
    return sections, targets


def finding_targets(project, sheet: Sheet, targets: dict) -> dict[str, str]:
    """Finding anchors ("ind-3-target_raw", "line-0", "leader") → dom ids of the reading
    view. Saved rows are keyed by their position ("ind-3" is the fourth indicator)."""
    rows = {
        "ind": list(project.indicators.all()),
        "line": list(project.budget_lines.all()),
        "doc": list(project.rule_documents.all()),
    }
    out = dict(targets)
    for prefix, objects in rows.items():
        kind = PREFIX_KIND[prefix]
        for i, obj in enumerate(objects):
            dom = targets.get(f"{kind}:{obj.pk}")
            if dom:
                out[f"{prefix}-{i}"] = dom
    return out


def finding_dom_id(anchor: str, targets: dict) -> str:
    if anchor in targets:
        return targets[anchor]
    parts = anchor.split("-")
    return targets.get("-".join(parts[:2]), "")


def reading_sheet(project, sheet: Sheet, comments) -> ReadingSheet:
    """``project`` as loaded by ``layout.project_for_export``; ``comments`` of this sheet."""
    layout = LAYOUTS[sheet](project)
    sections, targets = keyed_sections(project, sheet, layout)
    by_anchor: dict[str, PrintedRow] = {}
    for _, body in sections:
        for row in body:
            if row.anchor:
                by_anchor.setdefault(row.anchor, row)
    rows_by_dom = {row.dom_id: row for row in by_anchor.values()}
    unplaced = []
    for c in comments:
        row = rows_by_dom.get(targets.get(c.anchor, "")) if c.anchor else None
        if row is None:
            unplaced.append(c)
        else:
            row.comments.append(c)
    return ReadingSheet(layout=layout, sections=sections, targets=targets, unplaced=unplaced)


def comments_panel(user, project, sheet: Sheet) -> dict:
    """The comments of every sheet for the side panel: open ones first, 已处理 folded, each
    with its link (to the comment, which sits in its row) and the reply form."""
    from django.urls import reverse

    from apps.reviews.forms import ReplyForm
    from apps.reviews.selectors import project_comments

    comments = project_comments(user, project)
    for c in comments:
        here = "" if c.sheet == sheet else reverse("projects:sheet", args=[project.pk, c.sheet])
        c.href = f"{here}#comment-{c.pk}"
    return {
        "all_comments": comments,
        "panel_comments": comments,
        "open_comments": [c for c in comments if c.resolved_at is None],
        "resolved_comments": [c for c in comments if c.resolved_at is not None],
        "reply_form": ReplyForm(auto_id=False),
    }


def reading_context(user, project, sheet: Sheet, page) -> dict:
    """What the reading template needs besides the page header: the printed sheet with
    comments at their rows, findings linked to the printed rows, the comment panel."""
    from apps.exports.layout import project_for_export

    panel = comments_panel(user, project, sheet)
    printed = project_for_export(project.pk)
    here = [c for c in panel["all_comments"] if c.sheet == sheet]
    reading = reading_sheet(printed, sheet, here)
    targets = finding_targets(printed, sheet, reading.targets)
    findings = []
    for f in page.findings:
        item = f.as_dict()
        if f.sheet == sheet:
            dom = finding_dom_id(f.anchor, targets)
            item["href"] = f"#{dom}" if dom else "#reading-sheet"
        findings.append(item)
    return {**panel, "reading": reading, "panel_findings": findings}
