from django.core.management import call_command

from apps.accounts.models import User
from apps.projects.models import Project


def test_demo_command_loads_seed_projects_and_users(db, capsys):
    call_command("demo")
    out = capsys.readouterr().out
    assert "已载入 9 个演示项目" in out
    assert "jyxy" in out and "demo12345" in out
    assert Project.objects.count() == 9
    assert set(Project.objects.values_list("unit__name", flat=True)) == {
        "上海市闵行区教育学院",
        "上海市闵行区教育信息中心",
        "上海市闵行区学校安全监管中心",
        "上海市闵行区机关事务管理局",
    }
    filler = User.objects.get(username="jyxy")
    assert filler.check_password("demo12345") and filler.unit.name == "上海市闵行区教育学院"
    assert User.objects.get(username="admin").is_superuser
    # Running it again adds nothing and keeps the logins working.
    call_command("demo")
    assert Project.objects.count() == 9
    assert "已载入 0 个演示项目" in capsys.readouterr().out


def test_not_ready_marks_of_demo_projects(db, client):
    call_command("demo")
    client.force_login(User.objects.get(username="czj"))
    body = client.get("/projects/?year=2020").content.decode()
    assert "合计：7 个项目，3 个未就绪" in body
    totals = Project.objects.filter(budget_year__year=2020)
    expected = sum(p.current_budget for p in totals)
    assert f"{expected:,.2f}" in body


def test_refresh_findings_after_a_taxonomy_change(db, capsys):
    from apps.indicators.models import Level2

    call_command("demo")
    ready = Project.objects.get(name="电子书包咨询费")
    assert ready.error_count == 0
    Level2.objects.filter(level1__taxonomy__code="minhang-2018", name="成本").update(required=True)
    call_command("refresh_findings", year=2020)
    ready.refresh_from_db()
    assert ready.error_count == 1  # no 成本 indicator, now required
    assert "已重新检查 7 个项目" in capsys.readouterr().out
