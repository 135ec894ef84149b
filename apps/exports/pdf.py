"""PDF of the sheets: the print template rendered by WeasyPrint.

WeasyPrint is imported when a PDF is made, not at start-up (the import costs about a
second). Chinese needs a CJK font on the machine (fonts-noto-cjk); see README.

The print templates link their stylesheets from ``static/`` (the Content-Security-Policy
allows no inline style); WeasyPrint reads them through ``StaticFetcher``, which serves
static files from disk and fetches nothing else. A PDF made inside a web request runs in
a child process under a hard time limit (``html_to_pdf_bounded``): one long unbroken
text can take WeasyPrint minutes, and must not tie up a web worker.
"""

import multiprocessing
import os
from collections.abc import Callable
from io import BytesIO
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.template.loader import render_to_string
from django.utils import timezone

from apps.exports.layout import project_layouts, unit_summary_layout
from apps.projects.models import Project


def project_html(project: Project, *, stamped: bool = True) -> str:
    """The project's print HTML; ``stamped=False`` leaves out the export time, so the pages
    can be kept and reused (apps/exports/pages.py; the summary sheet carries the time)."""
    exported_at = timezone.now() if stamped else None
    return render_to_string(
        "exports/project.html",
        {"project": project, "layouts": project_layouts(project), "exported_at": exported_at},
    )


# What the print templates link (templates/exports/base_print.html); their contents are
# part of the key of kept pages.
PRINT_STYLESHEETS = ("css/print.css", "css/widths.css")


# The print templates' links (/static/…) resolve against this base; nothing is fetched
# from the network.
PRINT_BASE_URL = "https://print.invalid/"


def _static_path(name: str) -> str | None:
    if staticfiles_storage.exists(name):  # collected (production: hashed names)
        return staticfiles_storage.path(name)
    return finders.find(name)  # not collected (demo, tests)


def static_fetcher():
    """A WeasyPrint URL fetcher that reads the site's static files and nothing else."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    prefix = PRINT_BASE_URL.rstrip("/") + "/" + settings.STATIC_URL.strip("/") + "/"

    class StaticFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if not url.startswith(prefix):
                raise ValueError(f"the print layout fetches only static files, not {url}")
            name = unquote(urlsplit(url).path[len(urlsplit(prefix).path) :])
            path = _static_path(name)
            if path is None:
                raise ValueError(f"no static file {name}")
            with open(path, "rb") as handle:
                body = handle.read()
            content_type = "text/css; charset=utf-8" if name.endswith(".css") else None
            headers = {"Content-Type": content_type} if content_type else {}
            return URLFetcherResponse(url, body, headers)

    return StaticFetcher(fail_on_errors=True)


def weasy_html(html: str):
    """A WeasyPrint document of one of the print templates, with its stylesheets."""
    from weasyprint import HTML

    return HTML(string=html, base_url=PRINT_BASE_URL, url_fetcher=static_fetcher())


def html_to_pdf(html: str) -> bytes:
    return weasy_html(html).write_pdf()


class PdfTooSlow(Exception):
    """WeasyPrint did not finish within the time limit (e.g. a very long unbroken text)."""


class PdfFailed(Exception):
    """The child process rendering a PDF died without a result."""


def _render_child(html: str, conn) -> None:
    # In the forked child: render and hand the bytes back. Exits without the parent's
    # clean-up (multiprocessing ends a child with os._exit); never touches the database.
    from apps.exports.pdfpool import forget_database

    forget_database()
    try:
        conn.send_bytes(html_to_pdf(html))
    finally:
        conn.close()


def html_to_pdf_bounded(html: str, *, timeout: float | None = None) -> bytes:
    """``html_to_pdf`` in a child process, killed after ``timeout`` seconds (PDF_TIMEOUT).

    The child is forked, so it starts at once with everything already imported.
    """
    timeout = settings.PDF_TIMEOUT if timeout is None else timeout
    context = multiprocessing.get_context("fork")
    reader, writer = context.Pipe(duplex=False)
    child = context.Process(target=_render_child, args=(html, writer), daemon=True)
    child.start()
    writer.close()
    try:
        if not reader.poll(timeout):
            raise PdfTooSlow(f"PDF not made within {timeout} s")
        return reader.recv_bytes()
    except EOFError:
        raise PdfFailed("the PDF process ended without a result") from None
    finally:
        if child.is_alive():
            os.kill(child.pid, 9)
        child.join()
        reader.close()


def project_pdf(project: Project) -> bytes:
    return html_to_pdf(project_html(project))


def project_pdf_bounded(project: Project) -> bytes:
    """A project's PDF for a web request: under the time limit (raises PdfTooSlow)."""
    return html_to_pdf_bounded(project_html(project))


# At most this many projects are laid out together by one process before their pages are
# written out (apps/exports/pages.py, pdfpool.py). Laid-out pages cost about 16 MiB a
# project; a batch bounds that, and writing fonts once a batch (not once a project) keeps
# most of the speed of one big document (scripts/bench_reuse.py --batches).
UNIT_PDF_CHUNK = 6


def summary_html(unit, budget_year, projects) -> str:
    """The unit's summary sheet (project, 当年预算, 金额合计, state, findings)."""
    return render_to_string(
        "exports/summary.html",
        {
            "layout": unit_summary_layout(unit, budget_year, projects),
            "exported_at": timezone.now(),
        },
    )


def summary_pdf(unit, budget_year, projects) -> bytes:
    return weasy_html(summary_html(unit, budget_year, projects)).write_pdf()


def join_pdfs(parts: list) -> bytes:
    """One PDF of ``parts`` (PDF bytes or pypdf readers), in order."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for part in parts:
        writer.append(part if isinstance(part, PdfReader) else BytesIO(part))
    # The projects of one rendered batch each carry the batch's font subsets
    # (apps/exports/pdfpool.py): written once, not once a project (22 projects: 9.1 MB →
    # 2.5 MB, for 0.04 s).
    writer.compress_identical_objects(remove_duplicates=True, remove_unreferenced=True)
    out = BytesIO()
    writer.write(out)
    return out.getvalue()


def unit_pdf(unit, budget_year, projects, progress: Callable[[int], None] = lambda done: None):
    """The summary sheet, then every project's three sheets, as one PDF (joined once); the
    summary is rendered alongside the projects that are rendered again."""
    from apps.exports.pages import projects_pages

    projects = list(projects)
    summary = summary_html(unit, budget_year, projects)
    content = join_pdfs(projects_pages(projects, progress, before=summary))
    progress(len(projects))
    return content
