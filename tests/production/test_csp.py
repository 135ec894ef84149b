"""A strict Content-Security-Policy on every page type, and nothing inline for it to block:
no <script> without src, no <style>, no style="…", no on…= handlers, no javascript: links."""

from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from apps.accounts.models import User
from apps.checks.findings import Sheet
from apps.exports.models import ExportJob
from apps.reviews import services
from apps.unit_budgets.services import classification_codes_load_all
from tests import factories

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
}


class InlineFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "style":
            self.found.append("<style> element")
        if tag == "script" and "src" not in a and a.get("type") != "application/json":
            self.found.append("inline <script>")
        for name, value in attrs:
            if name == "style":
                self.found.append(f'<{tag} style="{value}">')
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_parts(html: str) -> list[str]:
    finder = InlineFinder()
    finder.feed(html)
    return finder.found


def assert_strict(response, what):
    header = response.headers.get("Content-Security-Policy", "")
    directives = dict(
        (part.split(" ", 1) + [""])[:2] for part in (p.strip() for p in header.split(";")) if part
    )
    for directive, value in POLICY.items():
        assert directives.get(directive) == value, (what, header)
    assert "unsafe-inline" not in header and "unsafe-eval" not in header
    if response["Content-Type"].startswith("text/html"):
        found = inline_parts(response.content.decode())
        assert found == [], (what, found[:5])


@pytest.fixture
def pages_setup(settings, tmp_path, alice, charlie, unit_a):
    settings.MEDIA_ROOT = str(tmp_path)
    classification_codes_load_all()
    project = factories.ready_project(unit=unit_a)
    services.project_submit(project=project, actor=alice)
    services.comment_add(
        project=project,
        actor=charlie,
        sheet=Sheet.OVERVIEW,
        anchor="leader",
        anchor_label="项目负责人",
        text="请核实。",
    )
    services.project_return(project=project, actor=charlie, reason="请核实。")
    services.project_submit(project=project, actor=alice)  # version 2, for the diff page
    draft = factories.ready_project(unit=unit_a, name="第二个项目")
    job = ExportJob.objects.create(
        user=alice, kind=ExportJob.Kind.UNIT_PDF, unit=unit_a, budget_year=project.budget_year
    )
    return project, draft, job


def filler_urls(project, draft, job, unit):
    pk = project.pk
    return [
        reverse("projects:list"),
        reverse("projects:list") + "?year=2020",
        reverse("projects:create"),
        reverse("projects:detail", args=[pk]),
        reverse("projects:sub_projects", args=[draft.pk]),
        *[reverse("projects:sheet", args=[pk, s.value]) for s in Sheet],  # read-only
        *[reverse("projects:sheet", args=[draft.pk, s.value]) for s in Sheet],  # editable
        reverse("reviews:queue"),
        reverse("reviews:notifications"),
        reverse("reviews:history", args=[pk]),
        reverse("reviews:versions", args=[pk]),
        reverse("reviews:version", args=[pk, 1]),
        reverse("reviews:diff", args=[pk]),
        reverse("exports:project_print", args=[pk]),
        reverse("exports:jobs"),
        reverse("exports:job", args=[job.pk]),
        reverse("unit_budgets:index"),
        reverse("unit_budgets:detail", args=[unit.pk, 2020]),
        reverse("unit_budgets:edit", args=[unit.pk, 2020]),
        reverse("unit_budgets:print", args=[unit.pk, 2020]),
        reverse("imports:upload"),
        "/no-such-page/",
    ]


def test_every_page_type_of_a_filler_has_the_policy_and_nothing_inline(client, alice, pages_setup):
    project, draft, job = pages_setup
    client.force_login(alice)
    urls = filler_urls(project, draft, job, alice.unit)
    # The import preview, from the project's own workbook.
    workbook = client.get(reverse("exports:project_xlsx", args=[project.pk])).content
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.xlsx", workbook)
    response = client.post(
        reverse("imports:upload"),
        {"file": upload, "unit": alice.unit.pk, "budget_year": project.budget_year.pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    urls.append(response["Location"])
    for url in urls:
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert_strict(response, url)


def test_reviewer_pages_with_the_comment_form_and_the_anonymous_login(client, charlie, pages_setup):
    project, _, _ = pages_setup
    assert_strict(Client().get(reverse("login")), "login")
    client.force_login(charlie)
    for url in [
        reverse("reviews:queue"),
        reverse("projects:detail", args=[project.pk]),
        *[reverse("projects:sheet", args=[project.pk, s.value]) for s in Sheet],
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response, url)


def test_admin_pages_have_the_policy_and_nothing_inline(client, reference, unit_a):
    admin = factories.user("root", User.Role.ADMIN, unit_a)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    for url in [
        reverse("admin:index"),
        reverse("admin:units_unit_changelist"),
        reverse("admin:units_unit_change", args=[unit_a.pk]),
        reverse("admin:accounts_user_changelist"),
        reverse("admin:axes_accessattempt_changelist"),
    ]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert_strict(response, url)


def test_json_and_file_responses_carry_the_policy_too(client_a, project):
    for url in [
        reverse("projects:sheet_check", args=[project.pk, "overview"]),
        reverse("exports:project_xlsx", args=[project.pk]),
    ]:
        response = client_a.get(url) if "check" not in url else client_a.post(url, {})
        assert "default-src 'self'" in response.headers["Content-Security-Policy"], url


def test_the_finder_sees_every_kind_of_inline_part():
    html = (
        '<style>p{}</style><script>alert(1)</script><p style="x">'
        '<select onchange="go()"></select><a href="javascript:go()">'
        '<script src="/s.js"></script><script type="application/json">{}</script>'
    )
    assert len(inline_parts(html)) == 5
