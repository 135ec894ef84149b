"""Form data for the entry page, built from a Book the way the page renders it."""

from apps.core.money import fmt_money
from apps.unit_budgets.forms import UnitBudgetForm, entry_formsets


def post_data(book, extra_rows: dict | None = None) -> dict:
    """Everything the entry page posts when saved unchanged; ``extra_rows`` adds new rows
    per prefix ("rev", "exp", "eco") as dicts of field → value."""
    from apps.unit_budgets.services import budget_version

    data = {"version": budget_version(book.budget)}
    form = UnitBudgetForm(instance=book.budget)
    for name, field in form.fields.items():
        value = form.initial.get(name)
        data[name] = field.prepare_value(value) if value is not None else ""
    for prefix, formset in entry_formsets(book).items():
        rows = [{k: v for k, v in row.items()} for row in formset.initial] + list(
            (extra_rows or {}).get(prefix, [])
        )
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = str(len(formset.initial))
        data[f"{prefix}-MIN_NUM_FORMS"] = "0"
        data[f"{prefix}-MAX_NUM_FORMS"] = "1000"
        for i, row in enumerate(rows):
            for key, value in row.items():
                if hasattr(value, "quantize"):
                    value = fmt_money(value)
                data[f"{prefix}-{i}-{key}"] = "" if value is None else str(value)
    return data


def snapshot(budget) -> tuple:
    """What a unit budget holds, to show that a refused request changed nothing."""
    budget.refresh_from_db()
    return (
        tuple(getattr(budget, f) for f in UnitBudgetForm.Meta.fields),
        tuple(budget.revenues.order_by("pk").values_list("code_id", "general", "fund")),
        tuple(
            budget.expenditures.order_by("pk").values_list(
                "code_id", "source", "personnel", "public", "project", "purpose"
            )
        ),
        tuple(budget.economics.order_by("pk").values_list("code_id", "personnel", "public")),
    )
