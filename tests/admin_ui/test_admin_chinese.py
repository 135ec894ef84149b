"""The admin in Chinese: the site's name, the task queue, import-export and Django's own
strings that its zh-hans catalogue lacks (locale/zh_Hans)."""

import re
from html.parser import HTMLParser

import pytest

from apps.accounts.models import User
from apps.exports.tasks import run_export

# Words a user may meet in Latin letters: file formats, and LDAP in Django's password help.
ALLOWED = {"csv", "xlsx", "tsv", "json", "html", "ods", "xls", "yaml", "LDAP", "ID", "root"}
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
FIXED = [
    "Django",
    "Task Result",
    "Tasks Database",
    "Select an option",
    "Select all",
    "queue name",
    "priority",
    "Code (",
    "Ready",
]


class VisibleText(HTMLParser):
    """Text a user reads: text nodes (not scripts and styles), titles, placeholders, labels
    of buttons — not the values of options, which nobody sees."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.hidden = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag in ("script", "style"):
            self.hidden += 1
        for name in ("title", "placeholder", "aria-label"):
            if a.get(name):
                self.parts.append(a[name])
        if tag == "input" and a.get("type") in ("submit", "button") and a.get("value"):
            self.parts.append(a["value"])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = re.sub(UUID, "", " ".join(parser.parts))  # ids of task rows are data, not words
    words = set(re.findall(r"[A-Za-z][A-Za-z]{2,}", text))
    return {w for w in words if w not in ALLOWED}


URLS = [
    "/admin/",
    "/admin/django_tasks_database/dbtaskresult/",
    "/admin/units/unit/",
    "/admin/units/unit/add/",
    "/admin/units/unit/import/",
    "/admin/units/unit/export/",
    "/admin/accounts/user/",
    "/admin/reviews/filinground/",
    "/admin/reviews/filinground/add/",
    "/admin/indicators/level2/add/",
    "/admin/budgets/budgetyear/add/",
]


@pytest.fixture
def root(client, reference):
    user = User.objects.create_superuser("root", password="x", role=User.Role.ADMIN)
    client.force_login(user)
    return user


@pytest.mark.parametrize("url", URLS)
def test_admin_pages_have_no_english(client, root, url):
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert english_words(html) == set(), url
    for text in FIXED:
        parser = VisibleText()
        parser.feed(html)
        assert text not in " ".join(parser.parts), (url, text)


def test_site_header_and_task_results_in_chinese(client, root):
    run_export.enqueue("00000000-0000-0000-0000-000000000000")  # a row in the changelist
    index = client.get("/admin/").content.decode()
    assert "绩效目标申报 管理" in index and "Django 管理" not in index
    assert "后台任务队列" in index
    changelist = client.get("/admin/django_tasks_database/dbtaskresult/").content.decode()
    assert "1 后台任务" in changelist or "1 个后台任务" in changelist
    for header in ("任务", "状态", "加入队列时间", "优先级", "队列"):
        assert f">{header}<" in changelist or f">{header}</a>" in changelist, header
    assert "待执行" in changelist
    # The row's data (the task run_export on the queue "default") is not UI text.
    assert english_words(changelist) - {"run", "export", "default"} == set()


def test_export_screen_lists_chinese_column_names(client, root):
    body = client.get("/admin/units/unit/export/").content.decode()
    assert "单位编码" in body and "主管部门编码" in body
    assert "Code" not in body.replace("code", "")
