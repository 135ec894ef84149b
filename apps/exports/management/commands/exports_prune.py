"""Delete old export jobs, their files and finished task results (run it daily from cron)."""

from django.core.management.base import BaseCommand

from apps.exports.pages import project_pages_prune
from apps.exports.recovery import export_jobs_prune, export_jobs_recover


class Command(BaseCommand):
    help = "删除超过保留天数的导出任务及其文件，并回收失去执行进程的导出任务。"

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=30, help="保留天数（默认 30）")

    def handle(self, *, days: int, **options):
        if days < 1:
            self.stderr.write("--days 至少为 1")
            raise SystemExit(2)
        recovered = export_jobs_recover()
        pruned = export_jobs_prune(days=days)
        pages = project_pages_prune()
        self.stdout.write(
            f"已删除 {pruned} 个旧导出；重新排队 {recovered['requeued']} 个，"
            f"标为失败 {recovered['failed']} 个；删除无主的项目页面文件 {pages} 个。"
        )
