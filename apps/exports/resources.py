"""The plain list export of a project list (CSV / XLSX) through django-import-export."""

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
