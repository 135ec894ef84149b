"""复制上年 / 复制为新项目: the small form, the copy, and the page that lists what the copy
could not place and what it interpreted. Also the 历史值 beside each copied indicator on
the goals sheet."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from apps.budgets.models import BudgetYear
from apps.core.money import fmt_number
from apps.indicators.models import Indicator
from apps.performance.selectors import results_for_indicators
from apps.projects.copying import CopyRefused, copy_report, project_copy
from apps.projects.forms import ProjectCopyForm
from apps.projects.permissions import can_copy, get_project_for_user


def _initial(source, same_year: bool) -> dict:
    if same_year:
        return {"budget_year": source.budget_year, "name": ""}
    later = BudgetYear.objects.filter(year__gt=source.budget_year.year).order_by("year").first()
    return {"budget_year": later or source.budget_year, "name": source.name}


def project_copy_view(request, pk):
    source = get_project_for_user(request.user, pk)
    allowed, reason = can_copy(request.user, source)
    if not allowed:
        raise PermissionDenied(reason)
    same_year = request.GET.get("same") == "1"
    form = ProjectCopyForm(request.POST or None, source=source, initial=_initial(source, same_year))
    if request.method == "POST" and form.is_valid():
        try:
            result = project_copy(
                source=source,
                year=form.cleaned_data["budget_year"],
                actor=request.user,
                keep_amounts=form.keep_amounts,
                name=form.cleaned_data["name"],
            )
        except CopyRefused as exc:
            form.add_error(exc.field or None, str(exc))
        else:
            copy = result.project
            messages.success(
                request, f"已复制为 {copy.budget_year.year} 年的项目“{copy.name}”（草稿）。"
            )
            if result.mandated_added:
                messages.info(
                    request, f"已按本年度要求加入 {result.mandated_added} 个固化指标，请核对。"
                )
            url = reverse("projects:copied", args=[copy.pk])
            return redirect(f"{url}?from={source.pk}")
    return render(
        request,
        "projects/copy.html",
        {"project": source, "form": form, "same_year": same_year},
    )


def project_copied_view(request, pk):
    """The copy's result page: rows to place, and the system's interpretations."""
    project = get_project_for_user(request.user, pk)
    try:
        source_pk = int(request.GET.get("from", ""))
    except ValueError:
        raise Http404("没有指明复制来源。") from None
    source = get_project_for_user(request.user, source_pk)
    if source.unit_id != project.unit_id:
        raise Http404("没有这个复制来源。")
    report = copy_report(source=source, project=project)
    return render(request, "projects/copied.html", {"project": project, "report": report})


# --- 历史值 on the goals sheet ------------------------------------------------------------


def last_year_results(source_ids: list[int]) -> dict:
    """完成值 and 得分 of last year's indicators, by the source indicator's id: the one place
    where self-evaluation (apps/performance) meets the copy. Ids without one are absent."""
    return results_for_indicators(source_ids)


def history_values(page) -> dict[int, str]:
    """The 历史值 of a goals page's rows copied from last year, by the id of the row each
    was copied from: that row's 目标值, and its 完成值 once known, shown beside the row's
    target. Two queries for a page with copied rows, none without; the row forms of an
    unbound page are not built (``SheetRowFormSet.saved_instances``)."""
    formset = page.forms.get("indicators")
    if formset is None:
        return {}
    sources = {row.copied_from_id for row in formset.saved_instances() if row.copied_from_id}
    return history_of(sources, page.project.budget_year.year)


def history_of(sources, year: int) -> dict[int, str]:
    """``history_values`` of rows copied from ``sources`` into a project of ``year``."""
    targets = {}
    if sources:
        # Only rows copied from an earlier year: a copy within the year has no history.
        earlier = Indicator.objects.filter(pk__in=sources, project__budget_year__year__lt=year)
        targets = {
            pk: (target, year)
            for pk, target, year in earlier.values_list(
                "pk", "target_raw", "project__budget_year__year"
            )
        }
    results = last_year_results(sorted(targets)) if targets else {}
    return {
        source: _history_html(target, year, results.get(source))
        for source, (target, year) in targets.items()
    }


def attach_history(page, values: dict[int, str]) -> None:
    """Give each indicator form of the page ``history_html`` (``history_values``)."""
    formset = page.forms.get("indicators")
    if formset is None:
        return
    for f in formset.forms:
        f.history_html = values.get(f.instance.copied_from_id, "")


def attach_history_values(page) -> None:
    attach_history(page, history_values(page))


def _history_html(target, year, result) -> str:
    parts = [("历史值", target or "（未填）")]
    if result is not None:
        parts.append(("上年完成值", result.actual or "（未填）"))
        score = getattr(result, "score", None)
        if score is not None:
            parts.append(("得分", f"{fmt_number(score)}/{fmt_number(result.weight)}"))
    return format_html(
        '<div class="history-value small text-muted" title="{} 年的目标值">{}</div>',
        year,
        format_html_join("　", "{}：{}", parts),
    )
