"""The three sheet pages: their forms, and the findings of what a page holds.

A page's findings come from the saved project with the page's own (possibly unsaved,
possibly invalid) input laid over it, so the live check, the save and the reload all
show the same thing. Input a form rejects becomes a finding at its field.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch, prefetch_related_objects
from django.http import QueryDict
from django.utils.html import format_html_join

from apps.budget_lines.forms import budget_line_formset
from apps.checks.findings import Finding, Severity, Sheet
from apps.checks.rules import check_filing
from apps.checks.snapshot import (
    Filing,
    filing_from_project,
    make_row,
    taxonomy_spec_for_year,
    version_settings,
)
from apps.core.formsets import PageChoices
from apps.guarantees.forms import rule_document_formset
from apps.indicators.forms import indicator_formset
from apps.projects.forms import GoalsForm, overview_form
from apps.projects.models import Project
from apps.sheets import schema
from apps.sheets.values import blank, from_json, to_json

SHEETS = {
    Sheet.OVERVIEW: "项目总体情况",
    Sheet.GOALS: "绩效目标",
    Sheet.GUARANTEES: "制度保障",
}


def normalise_newlines(data: QueryDict) -> QueryDict:
    """Browsers post textareas with CRLF; stored text uses LF, so unchanged means equal.
    (A post without CR is returned as it is: copying a page of a thousand fields cost more
    than reading it.)"""
    if not any("\r" in v for _, values in data.lists() for v in values):
        return data
    clean = QueryDict(mutable=True)
    for key, values in data.lists():
        clean.setlist(key, [v.replace("\r\n", "\n") for v in values])
    return clean


@dataclass
class SheetPage:
    project: Project
    sheet: Sheet
    forms: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    filing: Filing | None = None  # what the findings were computed from
    version: str = schema.DEFAULT_VERSION  # the form version the page shows

    @property
    def is_valid(self) -> bool:
        return all(f.is_valid() for f in self.forms.values())

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    @property
    def title(self) -> str:
        return {Sheet.OVERVIEW: schema.OVERVIEW.title, Sheet.GOALS: schema.GOALS.title}.get(
            self.sheet, "项目支出绩效目标申报表(制度保障)"
        )

    @property
    def overview_rows(self):
        return schema.overview_rows(self.version)

    @property
    def footer_items(self):
        return [
            schema.Item(i.name, i.label_for(self.version), i.kind)
            for i in schema.footer_items(self.version)
        ]

    def heads(self, key: str) -> list[tuple[str, str]]:
        """(column, heading) of a table as the page's form version prints it."""
        table = PAGE_TABLES[key]
        return [
            (c.name, c.heading_for(self.version))
            for c in table.columns_for(self.version)
            if c.kind != "sub"
        ]

    @property
    def indicator_heads(self):
        return self.heads("indicators")

    @property
    def line_heads(self):
        return self.heads("lines")

    @property
    def has_sub_projects(self) -> bool:
        return bool(self.project.sub_projects.all())

    def row_ids(self) -> dict[str, list[int]]:
        """Formset key → the ids of the saved rows it shows, in order."""
        return {
            key: [row.pk for row in form.saved_instances() if row.pk]
            for key, form in self.forms.items()
            if key in PAGE_TABLES
        }

    def field_names(self) -> set[str]:
        """The fields of the page's own form (not of its rows)."""
        form = self.forms.get("form")
        return set(form.fields) if form is not None else set()

    @property
    def lines_total(self):
        return self.filing.lines_total

    def is_unchanged(self) -> bool:
        """A valid post that would write nothing: no field, row, deletion or order differs
        from the saved project, and the stored counts and 金额合计 are what the page's
        findings give (so a save would not refresh them either)."""
        for form in self.forms.values():
            if form.has_changed():
                return False
            if hasattr(form, "rows_in_order"):
                shown = [f.prefix for f in form.rows_in_order()]
                if shown != [f.prefix for f in form.initial_forms]:
                    return False
        project = self.project
        stored = (project.error_count, project.warning_count, project.lines_total)
        return stored == (len(self.errors), len(self.warnings), self.filing.lines_total)

    def findings_by_anchor(self) -> dict[str, list[Finding]]:
        out: dict[str, list[Finding]] = {}
        for finding in self.findings:
            out.setdefault(finding.anchor, []).append(finding)
        return out

    def attach_findings(self) -> None:
        """Give every form ``findings_html[field]``: the findings shown beside that field.

        Looked up as a plain attribute by the row templates, which is much cheaper than a
        template tag per cell on a page of a hundred rows.
        """
        by_prefix = {}
        for form in self.forms.values():
            for f in getattr(form, "forms", [form]):
                # A defaultdict: a miss in a template lookup would otherwise fall
                # through to attribute and dir() lookups, a thousand times a page.
                f.findings_html = defaultdict(str)
                by_prefix[f.prefix] = f  # the scalar form's prefix is None
        # From the findings to their fields (a few), not from every field to its findings.
        for anchor, found in self.findings_by_anchor().items():
            prefix, _, name = anchor.rpartition("-")
            f = by_prefix.get(prefix or None)
            if f is not None and name in f.fields:
                f.findings_html[name] = findings_html(found)


class KeptPage(SheetPage):
    """A GET page whose findings were kept (apps/projects/kept.py): what the page shows
    around its tables comes from those and from the digest query (``PageData``); its forms
    — and the whole page under them — are built only when asked for, i.e. when its tables
    are not kept either, or a reviewer's comment form lists the rows."""

    def __init__(self, project, sheet, *, version, findings, lines_total, data):
        self.project, self.sheet, self.version = project, sheet, version
        self.findings, self._lines_total, self.data = list(findings), lines_total, data
        self._built = None
        self.changed_meanwhile = False

    @property
    def forms(self) -> dict:
        if self._built is None:
            from apps.projects import kept

            with kept.one_snapshot():
                self._built = build_page(self.project, self.sheet, shown=False)
                now = kept.page_data(self.project, self._built.settings)
            # Saved meanwhile: this request shows what it read, nothing of it is kept.
            self.changed_meanwhile = now.digest != self.data.digest
        return self._built.forms

    @property
    def filing(self):
        return self._built.filing if self._built is not None else None

    @property
    def lines_total(self):
        return self._lines_total

    @property
    def has_sub_projects(self) -> bool:
        # Once built, the forms' own rows decide (a sub-project deleted or added since the
        # digest was read: the rows have, or lack, the column the table must print).
        if self._built is not None:
            return self._built.has_sub_projects
        return self.data.has_sub_projects

    def row_ids(self) -> dict[str, list[int]]:
        keys = {Sheet.GOALS: ("indicators", "lines"), Sheet.GUARANTEES: ("docs",)}
        return {key: self.data.row_ids[key] for key in keys.get(self.sheet, ())}

    def field_names(self) -> set[str]:
        if self._built is not None:
            return super().field_names()
        if self.sheet == Sheet.OVERVIEW:
            return set(overview_form(self.version)(instance=self.project).fields)
        if self.sheet == Sheet.GOALS:
            return set(GoalsForm(instance=self.project).fields)
        return set()


def findings_html(findings: list[Finding]) -> str:
    return format_html_join(
        "",
        '<div class="finding-msg finding-{}" data-anchor="{}">{}</div>',
        ((f.severity, f.anchor, f.message) for f in findings),
    )


def page_prefetches() -> list[Prefetch]:
    """A project's rows as its pages show them. The models' own ordering starts with
    "project", which Django expands to the project's ordering (unit, year, name) with
    three joins per table; within one project it is the rows' order, so say that."""
    from apps.budget_lines.models import BudgetLine
    from apps.guarantees.models import RuleDocument
    from apps.indicators.models import Indicator
    from apps.projects.models import SubProject

    return [
        Prefetch(name, model.objects.order_by("order", "id"))
        for name, model in (
            ("indicators", Indicator),
            ("budget_lines", BudgetLine),
            ("rule_documents", RuleDocument),
            ("sub_projects", SubProject),
        )
    ]


def shown_page(project: Project, sheet: Sheet, *, keep: bool):
    """The page of a GET, and what it is written from (``kept.PageData``) when its parts may
    be kept: a ``KeptPage`` if its findings are kept, else the page built."""
    from apps.projects import kept

    if not (keep and kept.enabled()):
        return build_page(project, sheet, shown=False), None
    settings = version_settings(project.budget_year)
    data = kept.page_data(project, settings)
    found = kept.kept_findings(data)
    if found is not None:
        findings, lines_total = found
        page = KeptPage(
            project,
            sheet,
            version=settings["version"],
            findings=findings,
            lines_total=lines_total,
            data=data,
        )
        return page, data
    with kept.one_snapshot():  # the rows read are the rows digested
        data = kept.page_data(project, settings)
        page = build_page(project, sheet, shown=False)
    kept.keep_findings(data, page.findings, page.filing.lines_total)
    return page, data


def build_page(
    project: Project,
    sheet: Sheet,
    data: QueryDict | None = None,
    *,
    shown: bool = True,
    partial: bool = False,
) -> SheetPage:
    """Forms of one sheet (bound when ``data`` is given) and the findings they lead to.

    ``project`` comes from ``get_project_for_user`` (with its year and taxonomy); its rows
    are loaded here in one query per table, whatever their number. ``shown=False`` (the
    live check, which answers JSON) skips giving each field the HTML of its findings.
    ``partial`` (the live check only) honours each table's ``SAME`` field: rows posted
    without their fields stand for their saved values (``SheetRowForm.saved_row``), so a
    check costs the rows that changed, not all of them. ``PartialPostRefused`` when a row
    so named is not a saved row of the table.
    """
    prefetch_related_objects([project], *page_prefetches())
    taxonomy = taxonomy_spec_for_year(project.budget_year)
    settings = version_settings(project.budget_year)
    version = settings["version"]
    page = SheetPage(project=project, sheet=sheet, version=version)
    page.settings = settings
    subs = {sp.id: sp for sp in project.sub_projects.all()}
    row_kwargs = {
        "sub_projects": subs,
        "sub_project_choices": PageChoices([("", "—"), *[(i, sp.name) for i, sp in subs.items()]]),
    }
    if sheet == Sheet.OVERVIEW:
        page.forms["form"] = overview_form(version)(data, instance=project)
    elif sheet == Sheet.GOALS:
        level2s = {
            l2.id: l2
            for l1 in project.budget_year.taxonomy.level1s.all()
            for l2 in l1.level2s.all()
        }
        level2_choices = PageChoices(
            [
                ("", "请选择"),
                *[(l1.name, [(l2.id, l2.name) for l2 in l1.level2s]) for l1 in taxonomy.level1s],
            ]
        )
        page.forms["form"] = GoalsForm(data, instance=project)
        page.forms["indicators"] = indicator_formset(version)(
            data,
            prefix="ind",
            same_rows=partial,
            queryset=project.indicators.all(),
            form_kwargs={**row_kwargs, "level2s": level2s, "level2_choices": level2_choices},
        )
        page.forms["lines"] = budget_line_formset(version)(
            data,
            prefix="line",
            same_rows=partial,
            queryset=project.budget_lines.all(),
            form_kwargs=row_kwargs,
        )
    else:
        page.forms["docs"] = rule_document_formset(version)(
            data,
            prefix="doc",
            same_rows=partial,
            queryset=project.rule_documents.all(),
            form_kwargs=row_kwargs,
        )
    page.filing = filing_from_project(project, taxonomy, settings)
    if data is None:
        page.findings = check_filing(page.filing)
    else:
        page.findings = _posted_findings(page)
    if shown:
        page.attach_findings()
    return page


def _posted_findings(page: SheetPage) -> list[Finding]:
    form_findings: list[Finding] = []
    for name, form in page.forms.items():
        form.is_valid()  # runs the cleaning; its errors become findings below
        form_findings.extend(_form_errors(page.sheet, name, form))
    page.filing = _lay_over(page.filing, page)
    rejected = {f.anchor for f in form_findings}
    rule_findings = [f for f in check_filing(page.filing) if f.anchor not in rejected]
    return form_findings + rule_findings


# What a page's forms are called where a finding says where it is.
FORM_LABELS = {"indicators": "绩效目标", "lines": "项目构成分解", "docs": "制度保障"}


def _form_errors(sheet: Sheet, name: str, form) -> list[Finding]:
    label = FORM_LABELS.get(name, SHEETS[sheet])
    if hasattr(form, "forms"):  # a formset
        out = []
        if form.non_form_errors():
            out.append(
                Finding(
                    "FORM_INVALID",
                    Severity.ERROR,
                    sheet,
                    name,
                    label,
                    " ".join(form.non_form_errors()),
                )
            )
        rows = {id(f): i for i, f in enumerate(form.rows_in_order())} if form.is_bound else {}
        for f in form.forms:
            if id(f) not in rows:
                continue
            for field_name, errors in f.errors.items():
                field = f.fields.get(field_name)
                field_label = (field.label if field else None) or "整行"
                where = f"{label} · 第 {rows[id(f)] + 1} 行 · {field_label}"
                anchor = f.add_prefix(field_name) if field_name != "__all__" else f.prefix
                out.append(
                    Finding("FORM_INVALID", Severity.ERROR, sheet, anchor, where, " ".join(errors))
                )
        return out
    out = []
    for field_name, errors in form.errors.items():
        field = form.fields.get(field_name)
        where = f"{label} · {field.label if field else ''}"
        out.append(
            Finding("FORM_INVALID", Severity.ERROR, sheet, field_name, where, " ".join(errors))
        )
    return out


# formset key of a page → the declared table its rows belong to
PAGE_TABLES = {"indicators": schema.INDICATORS, "lines": schema.LINES, "docs": schema.DOCS}


def form_row_values(table: schema.Table, form) -> dict:
    """A row form's cleaned input as the table's declared values (model values)."""
    data = form.cleaned_data
    values = {}
    for column in table.columns:
        if column.kind == "level":
            level2 = data.get("level2")
            values["level2"] = getattr(level2, "id", None)
            if level2 is None and form.instance.pk:  # an unmatched level keeps its typed names
                values["level1_name"] = form.instance.level1_text
                values["level2_name"] = form.instance.level2_text
        elif column.kind == "sub":
            # No sub_project field: the project has no sub-projects (SheetRowForm).
            values["sub_project"] = getattr(data.get("sub_project"), "name", "")
        elif column.name in form.fields:
            # A value the form refused is absent from cleaned_data: the rules see it blank.
            values[column.name] = data.get(column.name, from_json(column.kind, blank(column.kind)))
        elif form.instance.pk:  # a column the page's version does not show: kept as saved
            values[column.name] = getattr(form.instance, column.name)
        else:  # ... and blank in a new row (a 2021 page's new indicator has no 目标值 text)
            values[column.name] = from_json(column.kind, blank(column.kind))
    return values


def formset_rows(table: schema.Table, formset) -> list[dict]:
    """The rows a saved formset leaves, in the page's order, snapshot-shaped (for the row
    writer): each with the id of the row it updates."""
    rows = []
    for form in formset.rows_in_order():
        values = form_row_values(table, form)
        row = {"id": form.instance.pk}
        for column in table.columns:
            if column.kind == "level":
                row["level2"] = values.get("level2")
                if "level1_name" in values:
                    row["level1_name"] = values["level1_name"]
                    row["level2_name"] = values["level2_name"]
            elif column.kind == "sub":
                if "sub_project" in values:
                    row["sub_project"] = values["sub_project"]
            elif column.name in values:
                row[column.name] = to_json(column.kind, values[column.name])
        rows.append(row)
    return rows


def _lay_over(filing: Filing, page: SheetPage) -> Filing:
    """The saved filing with this page's input in place of what the page shows."""
    forms = page.forms
    form = forms.get("form")
    if form is not None:
        changes = {
            name: form.cleaned_data.get(name) for name in form.fields if name in filing.fields
        }
        if form.cleaned_data.get("use_computed_total"):
            changes.update(total_source=Project.TotalSource.COMPUTED, declared_total=None)
        filing = filing.with_fields(**changes)
    for key, table in PAGE_TABLES.items():
        if key in forms:
            rows = [
                make_row(table, f.prefix, form_row_values(table, f))
                for f in forms[key].rows_in_order()
            ]
            setattr(filing, table.key, rows)
    return filing
