from django.apps import AppConfig


class PerformanceConfig(AppConfig):
    name = "apps.performance"
    verbose_name = "绩效自评"

    def ready(self):
        from apps.exports import registry
        from apps.exports.models import ExportJob
        from apps.performance.exports import unit_evaluations_pdf, unit_evaluations_workbook

        registry.register(ExportJob.Kind.EVALUATIONS_PDF, "全部绩效自评", unit_evaluations_pdf)
        registry.register(
            ExportJob.Kind.EVALUATIONS_XLSX, "全部绩效自评", unit_evaluations_workbook
        )
