from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from apps.accounts.models import User
from apps.budgets.reference import reference_load
from apps.projects.models import Project
from apps.projects.services import load_project_file
from apps.unit_budgets.services import classification_codes_load_all, unit_budgets_load_demo
from apps.units.models import Unit

DEMO_DIR = Path(settings.BASE_DIR) / "fixtures" / "demo"
DEMO_PASSWORD = "demo12345"


def _open_filing_rounds() -> None:
    """Every demo year open for filing from a month ago to two months ahead."""
    from datetime import timedelta

    from django.utils import timezone

    from apps.budgets.models import BudgetYear
    from apps.reviews.models import FilingRound

    today = timezone.localdate()
    for year in BudgetYear.objects.all():
        FilingRound.objects.get_or_create(
            budget_year=year,
            defaults={
                "opens_on": today - timedelta(days=30),
                "closes_on": today + timedelta(days=60),
            },
        )


class Command(BaseCommand):
    help = "Load reference data, the eight projects of the seed forms and demo users."

    def handle(self, *args, **options):
        import json

        call_command("migrate", verbosity=0)
        reference_load()
        classification_codes_load_all()
        users = json.loads((DEMO_DIR / "users.json").read_text(encoding="utf-8"))
        for row in users:
            user, _ = User.objects.get_or_create(username=row["username"])
            user.first_name = row["name"]
            user.role = row["role"]
            user.unit = Unit.objects.get(code=row["unit"]) if row["unit"] else None
            user.is_staff = user.is_superuser = row["role"] == User.Role.ADMIN
            user.email = f"{row['username']}@example.gov.cn"  # mails print to the console
            user.set_password(DEMO_PASSWORD)
            user.save()
        loaded = 0
        for path in sorted((DEMO_DIR / "projects").glob("*.json")):
            data = json.loads(path.read_text(encoding="utf-8"))
            if Project.objects.filter(name=data["name"], unit__name=data["unit"]).exists():
                continue
            load_project_file(path)
            loaded += 1
        _open_filing_rounds()
        from apps.library.reference import library_common_load, library_from_projects

        library_common_load()
        library_from_projects(Project.objects.all())
        self.stdout.write(f"已载入 {loaded} 个演示项目（共 {Project.objects.count()} 个）。")
        self.stdout.write(f"已载入 {unit_budgets_load_demo()} 份演示单位预算。")
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for row in users:
            label = dict(User.Role.choices)[row["role"]]
            unit = Unit.objects.get(code=row["unit"]).name if row["unit"] else "—"
            self.stdout.write(f"  {row['username']:<8} {label:<8} {unit}")
