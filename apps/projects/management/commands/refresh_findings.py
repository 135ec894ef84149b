from django.core.management.base import BaseCommand

from apps.projects.models import Project
from apps.projects.services import project_refresh_findings


class Command(BaseCommand):
    help = (
        "Recompute every project's stored error/warning counts and 金额合计, e.g. after an "
        "administrator changed which level-1/level-2 indicators a taxonomy requires."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="only projects of this budget year")

    def handle(self, *args, year=None, **options):
        projects = Project.objects.order_by("pk")
        if year:
            projects = projects.filter(budget_year__year=year)
        changed = 0
        for project in projects.iterator(chunk_size=200):
            before = (project.error_count, project.warning_count)
            project_refresh_findings(project=project)
            changed += before != (project.error_count, project.warning_count)
        self.stdout.write(
            f"已重新检查 {projects.count()} 个项目，{changed} 个项目的检查结果有变化。"
        )
