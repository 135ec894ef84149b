"""The three sheet pages: their forms, and the findings of what a page holds.

A page's findings come from the saved project with the page's own (possibly unsaved,
possibly invalid) input laid over it, so the live check, the save and the reload all
show the same thing. Input a form rejects becomes a finding at its field.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import prefetch_related_objects
from django.http import QueryDict
from django.utils.html import format_html_join

from apps.budget_lines.forms import BudgetLineFormSet
from apps.checks.findings import Finding, Severity, Sheet
from apps.checks.rules import check_filing
from apps.checks.snapshot import (
    DocRow,
    Filing,
    IndicatorRow,
    LineRow,
    filing_from_project,
    taxonomy_spec_for_year,
)
from apps.core.formsets import PageChoices
from apps.guarantees.forms import RuleDocumentFormSet
from apps.indicators.forms import IndicatorFormSet
from apps.projects.forms import GoalsForm, OverviewForm
from apps.projects.models import Project

SHEETS = {
    Sheet.OVERVIEW: "项目总体情况",
    Sheet.GOALS: "绩效目标",
    Sheet.GUARANTEES: "制度保障",
}


def normalise_newlines(data: QueryDict) -> QueryDict:
    """Browsers post textareas with CRLF; stored text uses LF, so unchanged means equal."""
    clean = data.copy()
    for key, values in clean.lists():
        clean.setlist(key, [v.replace("\r\n", "\n") for v in values])
    return clean


@dataclass
class SheetPage:
    project: Project
    sheet: Sheet
    forms: dict = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    filing: Filing | None = None  # what the findings were computed from

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
    def has_sub_projects(self) -> bool:
        return bool(self.project.sub_projects.all())

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
        by_anchor = self.findings_by_anchor()
        for form in self.forms.values():
            for f in getattr(form, "forms", [form]):
                # A defaultdict: a miss in a template lookup would otherwise fall
                # through to attribute and dir() lookups, a thousand times a page.
                f.findings_html = defaultdict(
                    str,
                    {
                        name: findings_html(by_anchor[f.add_prefix(name)])
                        for name in f.fields
                        if f.add_prefix(name) in by_anchor
                    },
                )


def findings_html(findings: list[Finding]) -> str:
    return format_html_join(
        "",
        '<div class="finding-msg finding-{}" data-anchor="{}">{}</div>',
        ((f.severity, f.anchor, f.message) for f in findings),
    )


def build_page(project: Project, sheet: Sheet, data: QueryDict | None = None) -> SheetPage:
    """Forms of one sheet (bound when ``data`` is given) and the findings they lead to.

    ``project`` comes from ``get_project_for_user`` (with its year and taxonomy); its rows
    are loaded here in one query per table, whatever their number.
    """
    prefetch_related_objects(
        [project], "indicators", "budget_lines", "rule_documents", "sub_projects"
    )
    taxonomy = taxonomy_spec_for_year(project.budget_year)
    page = SheetPage(project=project, sheet=sheet)
    subs = {sp.id: sp for sp in project.sub_projects.all()}
    row_kwargs = {
        "sub_projects": subs,
        "sub_project_choices": PageChoices([("", "—"), *[(i, sp.name) for i, sp in subs.items()]]),
    }
    if sheet == Sheet.OVERVIEW:
        page.forms["form"] = OverviewForm(data, instance=project)
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
        page.forms["indicators"] = IndicatorFormSet(
            data,
            prefix="ind",
            queryset=project.indicators.all(),
            form_kwargs={**row_kwargs, "level2s": level2s, "level2_choices": level2_choices},
        )
        page.forms["lines"] = BudgetLineFormSet(
            data,
            prefix="line",
            queryset=project.budget_lines.all(),
            form_kwargs=row_kwargs,
        )
    else:
        page.forms["docs"] = RuleDocumentFormSet(
            data,
            prefix="doc",
            queryset=project.rule_documents.all(),
            form_kwargs=row_kwargs,
        )
    page.filing = filing_from_project(project, taxonomy)
    if data is None:
        page.findings = check_filing(page.filing)
    else:
        page.findings = _posted_findings(page)
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


def _lay_over(filing: Filing, page: SheetPage) -> Filing:
    """The saved filing with this page's input in place of what the page shows."""
    forms = page.forms
    if page.sheet == Sheet.OVERVIEW:
        form = forms["form"]
        return filing.with_fields(
            **{name: form.cleaned_data.get(name) for name in form.fields if name in filing.fields}
        )
    if page.sheet == Sheet.GOALS:
        form = forms["form"]
        changes = {"composition": form.cleaned_data.get("composition", "")}
        if form.cleaned_data.get("use_computed_total"):
            changes.update(total_source=Project.TotalSource.COMPUTED, declared_total=None)
        filing = filing.with_fields(**changes)
        filing.indicators = [
            IndicatorRow(
                key=f.prefix,
                level2_id=getattr(f.cleaned_data.get("level2"), "id", None),
                name=f.cleaned_data.get("name", ""),
                target_raw=f.cleaned_data.get("target_raw", ""),
                remark=f.cleaned_data.get("remark", ""),
                sub_project=getattr(f.cleaned_data.get("sub_project"), "name", ""),
            )
            for f in forms["indicators"].rows_in_order()
        ]
        filing.lines = [
            LineRow(
                key=f.prefix,
                item_name=f.cleaned_data.get("item_name", ""),
                content=f.cleaned_data.get("content", ""),
                detail=f.cleaned_data.get("detail", ""),
                amount=f.cleaned_data.get("amount"),
                unit_price=f.cleaned_data.get("unit_price"),
                quantity=f.cleaned_data.get("quantity"),
                sub_project=getattr(f.cleaned_data.get("sub_project"), "name", ""),
            )
            for f in forms["lines"].rows_in_order()
        ]
        return filing
    filing.docs = [
        DocRow(
            key=f.prefix,
            category=f.cleaned_data.get("category", ""),
            title=f.cleaned_data.get("title", ""),
            measures=f.cleaned_data.get("measures", ""),
            stages=(
                bool(f.cleaned_data.get("stage_planning")),
                bool(f.cleaned_data.get("stage_implementation")),
                bool(f.cleaned_data.get("stage_closing")),
            ),
            sub_project=getattr(f.cleaned_data.get("sub_project"), "name", ""),
        )
        for f in forms["docs"].rows_in_order()
    ]
    return filing
