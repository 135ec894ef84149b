from pathlib import Path

from django.core.management.base import BaseCommand

from apps.exports.layout import project_for_export
from apps.exports.pdf import project_pdf
from apps.exports.xlsx import project_workbook
from apps.projects.models import Project


class Command(BaseCommand):
    help = "Write every project's PDF and workbook into a folder (for a person to look at)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="folder to write into")
        parser.add_argument("--year", type=int)

    def handle(self, *args, out, year=None, **options):
        folder = Path(out)
        folder.mkdir(parents=True, exist_ok=True)
        projects = Project.objects.order_by("pk")
        if year:
            projects = projects.filter(budget_year__year=year)
        for pk in projects.values_list("pk", flat=True):
            project = project_for_export(pk)
            stem = f"{project.pk:03d}-{project.name}".replace("/", "／")
            (folder / f"{stem}.pdf").write_bytes(project_pdf(project))
            (folder / f"{stem}.xlsx").write_bytes(project_workbook(project))
            self.stdout.write(f"{stem}: PDF 与 Excel 已写入")
