from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.budgets.models import BudgetYear
from apps.imports.files import LIMITS_TEXT, FileRefused
from apps.imports.forms import UploadForm
from apps.imports.models import ImportBatch
from apps.imports.parser import LAYOUT_LABELS
from apps.imports.permissions import can_import, get_batch_for_user
from apps.imports.plan import ACTION_LABELS, plan_counts
from apps.imports.services import (
    ImportNotAllowed,
    import_batch_cancel,
    import_batch_commit,
    import_batch_create,
)


def upload(request):
    allowed, reason = can_import(request.user)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    refused = None
    if request.method == "POST" and not allowed:
        refused = FileRefused(reason)
    elif request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        try:
            batch = import_batch_create(
                user=request.user,
                unit=form.cleaned_data["unit"],
                filename=upload_file.name,
                data=upload_file.read(),
                budget_year=form.cleaned_data["budget_year"],
            )
        except FileRefused as exc:
            refused = exc
        else:
            return redirect("imports:preview", batch_id=batch.pk)
    recent = ImportBatch.objects.filter(user=request.user).select_related("unit")[:10]
    context = {
        "form": form,
        "allowed": allowed,
        "reason": reason,
        "refused": refused,
        "limits": LIMITS_TEXT,
        "recent": recent,
        "template_years": BudgetYear.objects.order_by("-year"),
    }
    return render(request, "imports/upload.html", context, status=400 if refused else 200)


def preview(request, batch_id):
    batch = get_batch_for_user(request.user, batch_id)
    plan = batch.plan
    for p in plan["projects"]:
        p["action_label"] = ACTION_LABELS[p["action"]]
        p["problems"] = [i for i in p["issues"] if i["severity"] != "notice"]
        p["notices"] = [i for i in p["issues"] if i["severity"] == "notice"]
    context = {
        "batch": batch,
        "plan": plan,
        "counts": plan_counts(plan),
        "layout_label": LAYOUT_LABELS.get(batch.layout, batch.layout),
    }
    return render(request, "imports/preview.html", context)


@require_POST
def commit(request, batch_id):
    batch = get_batch_for_user(request.user, batch_id)
    try:
        import_batch_commit(batch=batch, user=request.user)
    except ImportNotAllowed as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "导入完成。")
    return redirect("imports:preview", batch_id=batch.pk)


@require_POST
def cancel(request, batch_id):
    batch = get_batch_for_user(request.user, batch_id)
    import_batch_cancel(batch=batch)
    messages.info(request, "已放弃这次导入，没有写入任何内容。")
    return redirect("imports:upload")
