"""A whole-unit export started from the list, followed on its progress page, downloaded."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from apps.projects.services import load_project_file

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
DEMO = sorted((Path(settings.BASE_DIR) / "fixtures" / "demo" / "projects").glob("004*.json"))


def test_unit_pdf_export_with_progress_and_download(
    logged_in_page, live_server, settings, tmp_path
):
    settings.MEDIA_ROOT = str(tmp_path)
    for path in DEMO:
        load_project_file(path)
    page = logged_in_page
    page.goto(f"{live_server.url}/projects/?year=2020")
    page.click("#unit-export button[value=unit_pdf]")
    expect(page.locator("#job-state")).to_contain_text("排队中")
    # A worker (on this or another machine) picks the job up; the page follows by itself.
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    expect(page.locator("#job-bar")).to_have_text("100%")
    expect(page.locator("#job-state")).to_contain_text("已完成：已完成 4 / 4 个项目")
    with page.expect_download() as download:
        page.click("#job-download")
    saved = download.value.path()
    assert Path(saved).read_bytes().startswith(b"%PDF")
    assert download.value.suggested_filename == "2020-上海市闵行区教育学院-全部项目.pdf"
