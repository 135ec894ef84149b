"""The plain list export of a project list (CSV / XLSX) through django-import-export."""

from urllib.parse import quote

from django.http import HttpResponse
from django.utils.timezone import localtime
from import_export import fields, resources

from apps.projects.models import Project


class ProjectListResource(resources.ModelResource):
    name = fields.Field(attribute="name", column_name="项目名称")
    unit = fields.Field(attribute="unit__name", column_name="填报单位")
    year = fields.Field(attribute="budget_year__year", column_name="预算年度")
    status = fields.Field(column_name="状态")
    submitted_at = fields.Field(column_name="提交时间")
    current_budget = fields.Field(attribute="current_budget", column_name="当年预算（元）")
    lines_total = fields.Field(attribute="lines_total", column_name="金额合计（元）")
    ready = fields.Field(column_name="是否就绪")
    error_count = fields.Field(attribute="error_count", column_name="错误数")
    warning_count = fields.Field(attribute="warning_count", column_name="提示数")

    class Meta:
        model = Project
        fields = (
            "name",
            "unit",
            "year",
            "status",
            "current_budget",
            "lines_total",
            "ready",
            "error_count",
            "warning_count",
            "submitted_at",
        )
        export_order = fields

    def dehydrate_status(self, project):
        return project.get_status_display()

    def dehydrate_submitted_at(self, project):
        moment = getattr(project, "submitted_at", None)
        return f"{localtime(moment):%Y-%m-%d %H:%M}" if moment else ""

    def dehydrate_ready(self, project):
        return "就绪" if project.is_ready else "未就绪"


def list_export_response(dataset, fmt: str, year=None) -> HttpResponse:
    """A project list as a download, through the formats that neutralise formula-like
    cells (apps/core/tabular.py); the sheet is named in Chinese."""
    from apps.core.tabular import SafeCSV, SafeXLSX

    dataset.title = "项目列表"
    if fmt == "csv":
        # A BOM, so that Excel opens the Chinese CSV as UTF-8.
        content = ("\ufeff" + SafeCSV().export_data(dataset)).encode("utf-8")
        content_type = "text/csv; charset=utf-8"
    else:
        content = SafeXLSX().export_data(dataset)
        content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    response = HttpResponse(content, content_type=content_type)
    name = quote(f"项目列表{'-' + str(year.year) if year else ''}.{fmt}")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{name}"
    return response
