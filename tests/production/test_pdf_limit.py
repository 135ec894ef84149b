"""A single project's PDF is made under a hard time limit: a pathological text (30,000
characters without a break) gets a Chinese message, not a web worker tied up for minutes.
The print stylesheets (static files since the CSP) still reach WeasyPrint."""

import io
import multiprocessing
import time

import pytest
from django.urls import reverse
from pypdf import PdfReader

from apps.exports.layout import project_for_export
from apps.exports.pdf import PdfTooSlow, html_to_pdf_bounded, project_html, static_fetcher
from tests import factories

LONG = "A" * 30_000


def test_the_30000_character_text_is_cut_off_with_a_chinese_message(client_a, project, settings):
    settings.PDF_TIMEOUT = 2
    project.overview = LONG
    project.save(update_fields=["overview"])
    started = time.monotonic()
    response = client_a.get(reverse("exports:project_pdf", args=[project.pk]))
    elapsed = time.monotonic() - started
    assert response.status_code == 503
    html = response.content.decode()
    assert "无法生成 PDF" in html and "很长且不分行的文字" in html
    assert elapsed < 10, elapsed  # WeasyPrint needs about 24 s for this text
    assert multiprocessing.active_children() == []  # the renderer was killed and reaped


def test_a_normal_project_pdf_comes_through_the_bounded_path(client_a, project):
    response = client_a.get(reverse("exports:project_pdf", args=[project.pk]))
    assert response.status_code == 200
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert project.name in text
    # print.css reached WeasyPrint: A4 portrait for 项目总体情况, landscape for 绩效目标.
    sizes = [(float(p.mediabox.width), float(p.mediabox.height)) for p in reader.pages]
    assert any(w < h for w, h in sizes) and any(w > h for w, h in sizes)


def test_the_time_limit_raises_for_direct_callers(reference, unit_a):
    project = factories.ready_project(unit=unit_a)
    project.overview = LONG
    project.save(update_fields=["overview"])
    with pytest.raises(PdfTooSlow):
        html_to_pdf_bounded(project_html(project_for_export(project.pk)), timeout=1)


def test_the_pdf_fetches_static_files_and_nothing_else(settings):
    fetcher = static_fetcher()
    css = fetcher.fetch("https://print.invalid/static/css/print.css")
    assert b"@page" in css.read()
    for url in ["http://127.0.0.1:8000/", "file:///etc/passwd", "https://print.invalid/media/x"]:
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with pytest.raises(Exception):  # noqa: B017 (Django's SuspiciousFileOperation or ValueError)
        fetcher.fetch("https://print.invalid/static/../../../../etc/passwd")
