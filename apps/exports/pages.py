"""A project's rendered PDF pages, kept and reused by whole-unit PDFs (and their chunks,
apps/exports/fanout.py) and the whole 单位预算 book (apps/unit_budgets/exports.py).

WeasyPrint costs about 0.3 s a page; a whole-unit PDF of unchanged projects should not pay
it again. Each project's pages are rendered on their own (numbered within the project, as
before) without an export time — a whole-unit PDF says when it was made on its summary
sheet — and stored in default storage under a key that digests everything the pages print:
the project's revision, its print HTML (sheets, status, grade, findings, form version,
reference names) and the print stylesheets. An export looks the key up and renders only on a miss; a missing
or unreadable file is a miss too. ``revision`` records which project revision the pages
show; writing a newer entry deletes the project's older ones. The misses are rendered by
several processes at once (apps/exports/pdfpool.py), in batches of at most UNIT_PDF_CHUNK.
"""

import datetime
import hashlib
import logging
from functools import cache
from io import BytesIO

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError
from django.utils import timezone

from apps.exports.models import ProjectPages
from apps.exports.pdf import PRINT_STYLESHEETS, UNIT_PDF_CHUNK, _static_path, project_html

logger = logging.getLogger(__name__)

PAGES_DIR = "exports/pages"


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
    try:
        name = default_storage.save(
            f"{PAGES_DIR}/{project.pk}-{key[:16]}.pdf", ContentFile(content)
        )
    except OSError:  # e.g. a full disk: the export goes on, the pages are not kept
        logger.exception("pages of project %s not kept", project.pk)
        return
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


def batches_of(sizes: list[int], processes: int, most: int = UNIT_PDF_CHUNK) -> list[list[int]]:
    """The indexes of ``sizes`` (HTML lengths, about proportional to the layout time) in
    batches of at most ``most``, as many as a multiple of ``processes`` so that every
    process gets the same share, each batch's total as even as the longest-first rule
    makes it."""
    if not sizes:
        return []
    count = max(-(-len(sizes) // most), min(processes, len(sizes)))
    count = min(len(sizes), -(-count // processes) * processes)
    room = -(-len(sizes) // count)
    batches: list[list[int]] = [[] for _ in range(count)]
    totals = [0] * count
    for index in sorted(range(len(sizes)), key=lambda i: -sizes[i]):
        lightest = min((b for b in range(count) if len(batches[b]) < room), key=lambda b: totals[b])
        batches[lightest].append(index)
        totals[lightest] += sizes[index]
    return [sorted(batch) for batch in batches if batch]


def _render(misses, before: str | None, laid_out) -> tuple[list[bytes], bytes | None]:
    """The PDFs of the missed projects ((project, key, html) each), in their order, and of
    ``before`` (rendered alongside), by the pool of apps/exports/pdfpool.py. Each batch's
    pages are kept as soon as it is done, so an export that fails later (and its retry)
    keeps what was already rendered."""
    from apps.exports.pdfpool import pdf_processes, render_batches

    batches = batches_of([len(html) for *_, html in misses], pdf_processes())
    work = [[(f"项目“{misses[i][0].name}”", misses[i][2]) for i in batch] for batch in batches]
    if before is not None:
        work.append([("汇总表", before)])
    contents: list[bytes] = [b""] * len(misses)

    def keep(batch: int, pdfs: list[bytes]) -> None:
        if batch < len(batches):
            for index, content in zip(batches[batch], pdfs, strict=True):
                project, key, _ = misses[index]
                _store(project, key, content)
                contents[index] = content

    rendered = render_batches(
        work, laid_out=lambda batch: batch < len(batches) and laid_out(), done=keep
    )
    return contents, (rendered[-1][0] if before is not None else None)


def projects_pages(projects, progress=lambda done: None, *, before: str | None = None) -> list:
    """pypdf readers of every project's pages, kept ones reused, the others rendered (in
    child processes, several at once) and kept. ``progress`` counts each project (the
    reused ones first) but stops one short of the number of projects: the caller counts
    the last when the joined file is written. With ``before`` (the HTML of a summary
    sheet, never kept) the first item is its PDF, rendered alongside the projects."""
    from pypdf import PdfReader

    from apps.exports.pdf import html_to_pdf

    projects = list(projects)
    total = len(projects)
    entries = {
        (e.project_id, e.key): e
        for e in ProjectPages.objects.filter(project__in=[p.pk for p in projects])
    }
    done = 0

    def one_done() -> None:
        nonlocal done
        done += 1
        if done < total:
            progress(done)

    readers, misses = {}, []
    for project in projects:
        html = project_html(project, stamped=False)
        key = pages_key(project, html)
        readers[project.pk] = _read(entries.get((project.pk, key)))
        if readers[project.pk] is None:
            misses.append((project, key, html))
        else:
            one_done()
    head = []
    if misses:
        contents, first = _render(misses, before, laid_out=one_done)
        for (project, _, _), content in zip(misses, contents, strict=True):
            readers[project.pk] = PdfReader(BytesIO(content))
        head = [first] if before is not None else []
    elif before is not None:
        head = [html_to_pdf(before)]
    return head + [readers[project.pk] for project in projects]


def project_pages_prune(*, older_than=datetime.timedelta(hours=1)) -> int:
    """Delete kept-page files no entry names (a deleted project's, a lost race's), older
    than ``older_than`` so a worker between writing a file and its entry keeps it.
    Returns the number of files deleted."""
    try:
        names = default_storage.listdir(PAGES_DIR)[1]
    except FileNotFoundError:
        return 0
    kept = {name.rsplit("/", 1)[-1] for name in ProjectPages.objects.values_list("file", flat=True)}
    cutoff = timezone.now() - older_than
    deleted = 0
    for name in names:
        path = f"{PAGES_DIR}/{name}"
        if name not in kept and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            deleted += 1
    return deleted
