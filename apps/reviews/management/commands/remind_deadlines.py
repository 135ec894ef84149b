from django.core.management.base import BaseCommand

from apps.reviews.services import deadline_reminders_send


class Command(BaseCommand):
    help = (
        "提醒仍有未提交项目的单位：申报批次将在 N 天内截止（含截止当天）。"
        "站内通知并发邮件；同一单位同一批次每天至多一次，可每天由 cron 运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=3, help="截止前多少天开始提醒（默认 3 天）")

    def handle(self, *args, days, **options):
        if days < 0:
            self.stderr.write("--days 不能为负数。")
            return
        sent = deadline_reminders_send(days_before=days)
        for r in sent:
            self.stdout.write(
                f"{r.year} 年度 · {r.unit}：{r.unsubmitted} 个项目未提交，已提醒 {r.recipients} 人"
            )
        self.stdout.write(f"共提醒 {len(sent)} 个单位。")
