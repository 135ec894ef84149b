"""A project's rendered PDF pages, kept and reused by whole-unit PDFs.

WeasyPrint costs about 0.3 s a page; a whole-unit PDF of unchanged projects should not pay
it again. Each project's pages are rendered on their own (numbered within the project, as
before) without an export time — a whole-unit PDF says when it was made on its summary
sheet — and stored in default storage under a key that digests everything the pages print:
the project's revision, its print HTML (sheets, status, grade, findings, form version,
reference names) and the print stylesheets. An export looks the key up and renders only on a miss; a missing
or unreadable file is a miss too. ``revision`` records which project revision the pages
show; writing a newer entry deletes the project's older ones.
"""

import hashlib
import logging
from functools import cache
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError

from apps.exports.models import ProjectPages
from apps.exports.pdf import PRINT_STYLESHEETS, _static_path, html_to_pdf, project_html

logger = logging.getLogger(__name__)


@cache
def _styles_digest() -> bytes:
    digest = hashlib.sha256()
    for name in PRINT_STYLESHEETS:
        path = _static_path(name)
        with open(path, "rb") as handle:
            digest.update(handle.read())
    return digest.digest()


def pages_key(project, html: str) -> str:
    """What the pages depend on: the revision they show, the stylesheets and the HTML."""
    head = f"{project.pk}:{project.revision}:".encode()
    return hashlib.sha256(head + _styles_digest() + html.encode()).hexdigest()


def _read(entry: ProjectPages | None):
    """The entry's pages as a pypdf reader, or None if its file is missing or unreadable."""
    from pypdf import PdfReader

    if entry is None:
        return None
    try:
        with default_storage.open(entry.file.name, "rb") as handle:
            reader = PdfReader(BytesIO(handle.read()))
        if len(reader.pages):
            return reader
    except Exception:  # missing, truncated, not a PDF: render again
        logger.warning("cached pages %s unreadable; rendering again", entry.file.name)
    return None


def _store(project, key: str, content: bytes) -> None:
    """Keep ``content`` as the project's pages for ``key``; never fails the export."""
    name = default_storage.save(f"exports/pages/{project.pk}-{key[:16]}.pdf", ContentFile(content))
    try:
        entry, created = ProjectPages.objects.get_or_create(
            project_id=project.pk, key=key, defaults={"revision": project.revision, "file": name}
        )
    except IntegrityError:  # the project was deleted meanwhile
        default_storage.delete(name)
        return
    # Not created: another worker wrote it meanwhile, or its file was lost. A lost file's
    # name is free again, so ours may have taken it; otherwise keep one good file.
    if not created and entry.file.name != name:
        if _read(entry) is not None:
            default_storage.delete(name)
            return
        ProjectPages.objects.filter(pk=entry.pk).update(file=name, revision=project.revision)
        default_storage.delete(entry.file.name)
    stale = ProjectPages.objects.filter(
        project_id=project.pk, revision__lte=project.revision
    ).exclude(key=key)
    for old in stale:
        default_storage.delete(old.file.name)
    stale.delete()


def project_pages(project, entry: ProjectPages | None = None, *, key: str, html: str):
    """A pypdf reader of the project's pages: ``entry``'s file, or rendered and stored."""
    from pypdf import PdfReader

    reader = _read(entry)
    if reader is not None:
        return reader
    content = html_to_pdf(html)
    _store(project, key, content)
    return PdfReader(BytesIO(content))


def projects_pages_joined(projects, progress=lambda done: None) -> bytes:
    """Every project's pages, reused where unchanged, joined into one PDF.

    ``progress`` counts each project, and reaches the number of projects only when the
    joined file is written.
    """
    from pypdf import PdfWriter

    projects = list(projects)
    entries = {
        (e.project_id, e.key): e
        for e in ProjectPages.objects.filter(project__in=[p.pk for p in projects])
    }
    writer = PdfWriter()
    for done, project in enumerate(projects, start=1):
        html = project_html(project, stamped=False)
        key = pages_key(project, html)
        writer.append(project_pages(project, entries.get((project.pk, key)), key=key, html=html))
        if done < len(projects):
            progress(done)
    out = BytesIO()
    writer.write(out)
    progress(len(projects))
    return out.getvalue()
