"""A project as plain data, read field by field from the models, for comparing a project
with its re-imported copy. Bookkeeping fields are the only ones left out: a new field on
a sheet shows up here and must survive the round trip too."""

from apps.projects.models import Project

BOOKKEEPING = {
    "id",
    "unit",
    "budget_year",
    "status",
    "error_count",
    "warning_count",
    "created_at",
    "updated_at",
    # the review workflow's fields: not on the sheets
    "revision",
    "adjustment",
    "grade",
    "approved_at",
}
ROW_SKIP = {"id", "project", "order", "sub_project"}


def _row(obj) -> dict:
    data = {
        f.name: getattr(obj, f.attname)
        for f in obj._meta.concrete_fields
        if f.name not in ROW_SKIP and f.name != "level2"
    }
    data["sub_project"] = obj.sub_project.name if obj.sub_project_id else None
    if hasattr(obj, "level2"):
        data["level2"] = (obj.level2.level1.name, obj.level2.name)
    return data


def picture(project: Project, *, skip=()) -> dict:
    project = Project.objects.get(pk=project.pk)
    fields = {
        f.name: getattr(project, f.attname)
        for f in Project._meta.concrete_fields
        if f.name not in BOOKKEEPING and f.name not in skip
    }
    indicators = sorted(
        project.indicators.select_related("level2__level1", "sub_project"),
        key=lambda i: (i.level2.level1.order, i.level2.order, i.order, i.pk),
    )
    return {
        "fields": fields,
        "indicators": [_row(i) for i in indicators],
        "lines": [_row(ln) for ln in project.budget_lines.select_related("sub_project")],
        "docs": [_row(d) for d in project.rule_documents.select_related("sub_project")],
        "sub_projects": [sp.name for sp in project.sub_projects.all()],
    }
