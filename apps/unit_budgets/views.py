from urllib.parse import quote

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.timezone import localtime

from apps.budgets.models import BudgetYear
from apps.exports.forms import UnitExportForm
from apps.projects.permissions import visible_units
from apps.unit_budgets import exports
from apps.unit_budgets.explanation import Explanation
from apps.unit_budgets.forms import UnitBudgetForm, entry_formsets, table_helper
from apps.unit_budgets.layout import book_layouts
from apps.unit_budgets.models import UnitBudget
from apps.unit_budgets.permissions import can_edit_unit_budget, get_unit_year_for_user
from apps.unit_budgets.rules import check_budget
from apps.unit_budgets.selectors import book_for
from apps.unit_budgets.services import StaleBudget, budget_version, unit_budget_replace

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    # RFC 5987: Chinese file names survive in every current browser.
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return response


def _book(request, unit_id, year):
    unit, budget_year = get_unit_year_for_user(request.user, unit_id, year)
    return book_for(unit, budget_year)


def unit_budget_index(request):
    units = list(visible_units(request.user).order_by("code"))
    years = list(BudgetYear.objects.order_by("-year"))
    filed = set(
        UnitBudget.objects.filter(unit__in=units).values_list("unit_id", "budget_year__year")
    )
    rows = [(u, [(y.year, (u.pk, y.year) in filed) for y in years]) for u in units]
    return render(request, "unit_budgets/index.html", {"rows": rows, "years": years})


def unit_budget_detail(request, unit_id, year):
    book = _book(request, unit_id, year)
    findings = check_budget(book)
    return render(
        request,
        "unit_budgets/detail.html",
        {
            "book": book,
            "layouts": book_layouts(book) if book.budget else [],
            "explanation": Explanation(book),
            "tie": book.tie(),
            "findings": findings,
            "n_errors": sum(f.is_error for f in findings),
            "can_edit": can_edit_unit_budget(request.user, book.unit),
            "book_export": UnitExportForm(initial={"unit": book.unit.pk, "year": book.year}),
        },
    )


def unit_budget_edit(request, unit_id, year):
    """The entries: scalar figures and three tables of rows; saved all or nothing."""
    book = _book(request, unit_id, year)
    allowed = can_edit_unit_budget(request.user, book.unit)
    if request.method == "POST":
        if not allowed[0]:
            raise PermissionDenied(allowed[1])
        form = UnitBudgetForm(request.POST, instance=book.budget or UnitBudget())
        formsets = entry_formsets(book, request.POST)
        version = request.POST.get("version", "")
        if form.is_valid() and all(fs.is_valid() for fs in formsets.values()):
            try:
                unit_budget_replace(
                    unit=book.unit,
                    budget_year=book.budget_year,
                    fields={name: form.cleaned_data[name] for name in form.Meta.fields},
                    revenues=formsets["rev"].entries(),
                    expenditures=formsets["exp"].entries(),
                    economics=formsets["eco"].entries(),
                    actor=request.user,
                    expected_version=version,
                )
            except StaleBudget as exc:
                who = exc.budget.updated_by.display_name if exc.budget.updated_by else "他人"
                when = localtime(exc.budget.updated_at)
                messages.error(
                    request,
                    f"没有保存：在您打开本页之后，{who}于 {when:%Y-%m-%d %H:%M} 保存了本单位预算。"
                    "您的输入仍在本页；核对后再点“保存”，将以本页内容为准。",
                )
                version = budget_version(exc.budget)
            else:
                messages.success(request, "单位预算已保存。")
                return redirect("unit_budgets:detail", unit_id=book.unit.pk, year=book.year)
        else:
            messages.error(request, "有填写错误，未保存。请按各栏提示修改。")
    else:
        version = budget_version(book.budget)
        form = UnitBudgetForm(instance=book.budget or UnitBudget())
        formsets = entry_formsets(book)
    return render(
        request,
        "unit_budgets/edit.html",
        {
            "book": book,
            "form": form,
            "formsets": formsets,
            "helper": table_helper(),
            "can_edit": allowed,
            "version": version,
        },
    )


def unit_budget_print(request, unit_id, year):
    """The eight tables as printed, in the browser (the same template as the PDF)."""
    return HttpResponse(exports.tables_html(_book(request, unit_id, year)))


def unit_budget_tables_pdf(request, unit_id, year):
    book = _book(request, unit_id, year)
    return _attachment(
        exports.tables_pdf(book), "application/pdf", f"{exports.file_stem(book)}表.pdf"
    )


def unit_budget_tables_xlsx(request, unit_id, year):
    book = _book(request, unit_id, year)
    return _attachment(exports.tables_workbook(book), XLSX, f"{exports.file_stem(book)}表.xlsx")
