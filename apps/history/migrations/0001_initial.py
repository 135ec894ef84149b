# The models moved from apps.reviews: taken over with their tables (state only), then the
# tables renamed to this app's names.

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("projects", "0002_project_adjustment_project_approved_at_project_grade_and_more"),
        ("reviews", "0002_alter_filinground_filing_round_opens_before_close"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ProjectState",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("data", models.JSONField()),
                        ("project", models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name="recorded_state", to="projects.project")),
                    ],
                    options={"db_table": "reviews_projectstate", "verbose_name": "已记录状态", "verbose_name_plural": "已记录状态"},
                ),
                migrations.CreateModel(
                    name="Change",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("revision", models.PositiveIntegerField(verbose_name="修订号")),
                        ("source", models.CharField(blank=True, max_length=20, verbose_name="来源")),
                        ("sheet", models.CharField(choices=[("overview", "项目总体情况"), ("goals", "绩效目标"), ("guarantees", "制度保障")], max_length=16, verbose_name="申报表")),
                        ("key", models.CharField(max_length=60, verbose_name="键")),
                        ("label", models.CharField(max_length=300, verbose_name="位置")),
                        ("old", models.TextField(blank=True, verbose_name="原值")),
                        ("new", models.TextField(blank=True, verbose_name="新值")),
                        ("created_at", models.DateTimeField(default=django.utils.timezone.now, verbose_name="时间")),
                        ("actor", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name="修改人")),
                        ("project", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="changes", to="projects.project", verbose_name="项目")),
                    ],
                    options={
                        "db_table": "reviews_change",
                        "verbose_name": "修改记录",
                        "verbose_name_plural": "修改记录",
                        "ordering": ["project", "-revision", "id"],
                        "indexes": [models.Index(fields=["project", "revision"], name="reviews_cha_project_02f318_idx")],
                    },
                ),
            ],
            database_operations=[],
        ),
        migrations.AlterModelTable(name="projectstate", table=None),
        migrations.AlterModelTable(name="change", table=None),
        migrations.RenameIndex(model_name="change", new_name="history_change_rev_idx", old_name="reviews_cha_project_02f318_idx"),
    ]
