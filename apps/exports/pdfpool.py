"""WeasyPrint in a pool of forked child processes, for the projects an export renders.

WeasyPrint is pure Python and holds the GIL: one process lays out one page at a time. A
whole-unit PDF of changed projects therefore hands their print HTML (built in the parent,
the only process that reads the database) to ``processes`` children forked for the export.
Each child takes a batch of HTML documents, lays each out on its own (so each keeps its own
page numbers), writes the batch as one PDF (fonts subset once a batch, not once a document)
and splits it back into one PDF per document with pypdf; the parent gets PDF bytes.

A child that says nothing for ``timeout`` seconds (no document laid out, no batch written) is
taken as hung, and one that dies is taken as crashed: every child is killed and the export
fails with a Chinese message naming the project, instead of waiting for ever. A batch bounds
what a child holds in memory (laid-out pages cost about 16 MiB a project).

Forked, not spawned: a child starts at once with WeasyPrint imported and its caches warm.
In ``manage.py db_worker`` the one other thread is the heartbeat, which uses only its own
database connection; a child uses neither, so Python's warning about forking a threaded
process names a risk that does not arise here (and the timeout would catch it).
"""

import gc
import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from multiprocessing.connection import wait

from django.conf import settings

from apps.exports.pdf import PdfFailed, PdfTooSlow, weasy_html

# However many cores a machine has, more children than this cost memory for little.
MAX_PROCESSES = 8


def pdf_processes() -> int:
    """How many children render at once: EXPORT_PDF_PROCESSES, or (0) one per usable core."""
    wanted = settings.EXPORT_PDF_PROCESSES
    if not wanted:
        try:
            wanted = len(os.sched_getaffinity(0))
        except AttributeError:  # not Linux
            wanted = os.cpu_count() or 1
    return max(1, min(wanted, MAX_PROCESSES))


def documents_pdfs(htmls: Sequence[str], laid_out: Callable[[], None] = lambda: None) -> list:
    """Each HTML's pages as a PDF of its own. They are laid out apart (numbered within their
    document) but written out as one document, so the fonts are subset once, not once a
    document (about a third of the time); pypdf then splits it."""
    from pypdf import PdfReader, PdfWriter

    documents = []
    for html in htmls:
        documents.append(weasy_html(html).render())
        laid_out()
    if len(documents) == 1:
        return [documents[0].write_pdf()]
    counts = [len(document.pages) for document in documents]
    pages = [page for document in documents for page in document.pages]
    whole = PdfReader(BytesIO(documents[0].copy(pages).write_pdf()))
    del documents, pages  # free the laid-out pages before the next batch
    parts, start = [], 0
    for count in counts:
        writer = PdfWriter()
        for page in whole.pages[start : start + count]:
            writer.add_page(page)
        out = BytesIO()
        writer.write(out)
        parts.append(out.getvalue())
        start += count
    return parts


# --- The child ----------------------------------------------------------------------------

_INHERITED = []  # the parent's database connections, kept from being closed in a child


def forget_database() -> None:
    """In a forked child: drop the parent's database connections without closing them
    (closing would end the parent's sessions: they share the socket) and refuse new ones."""
    from django.db import connections

    def refuse(*args, **kwargs):
        raise RuntimeError("a PDF child process must not use the database")

    for connection in connections.all():
        if connection.connection is not None:
            _INHERITED.append(connection.connection)
            connection.connection = None
        connection.connect = refuse


# Layout makes objects by the hundred thousand, and Python's cyclic collector, run every 700
# of them, walks every young object each time; with the parent's objects frozen (never
# walked) and collections rarer, a child lays out in about 15 % less CPU time
# (scripts/bench_reuse.py row 1f). What it holds stays bounded by its batch.
CHILD_GC_THRESHOLD = (100_000, 50, 100)


def _child(conn) -> None:
    # Runs in the forked child until the parent sends None or goes away. Exits without the
    # parent's clean-up (multiprocessing ends a forked child with os._exit).
    gc.set_threshold(*CHILD_GC_THRESHOLD)
    forget_database()
    try:
        while True:
            try:
                message = conn.recv()
            except EOFError:  # the parent is gone
                return
            if message is None:
                return
            index, htmls = message
            try:
                parts = documents_pdfs(htmls, laid_out=lambda: conn.send(("laid",)))
            except Exception as exc:  # reported to the parent, which fails the export
                conn.send(("error", index, f"{type(exc).__name__}: {exc}"[:500]))
                return
            conn.send(("done", index, parts))
    except (BrokenPipeError, ConnectionResetError):  # the parent is gone
        return
    finally:
        conn.close()


# --- The parent ---------------------------------------------------------------------------


@dataclass
class _Child:
    process: multiprocessing.Process
    conn: object
    batch: int | None = None  # the batch it renders
    laid: int = 0  # documents of that batch laid out so far
    deadline: float = 0.0


def _what(labels: Sequence[str], laid: int) -> str:
    if laid < len(labels):
        return labels[laid]
    return labels[0] if len(labels) == 1 else f"{labels[0]}等 {len(labels)} 份"


def _died(what: str, process) -> str:
    process.join(timeout=1)
    code = process.exitcode
    if code is not None and code < 0:  # e.g. 9: killed, by the kernel when out of memory
        how = f"被信号 {-code} 终止"
    else:
        how = f"退出码 {code}"
    return (
        f"生成{what}的 PDF 的子进程意外退出（{how}），导出已停止；请重试，"
        "如果反复失败，请联系管理员。"
    )


def render_batches(
    batches: Sequence[Sequence[tuple[str, str]]],
    *,
    laid_out: Callable[[int], None] = lambda batch: None,
    done: Callable[[int, list[bytes]], None] = lambda batch, pdfs: None,
    processes: int | None = None,
    timeout: float | None = None,
) -> list[list[bytes]]:
    """The PDFs of ``batches`` of (label, HTML) pairs, batch by batch as given, rendered by
    up to ``processes`` children (pdf_processes()). ``laid_out(batch)`` is called in this
    process for each document laid out, ``done(batch, pdfs)`` for each batch as it comes
    back (while the children go on). A child silent for ``timeout`` seconds
    (EXPORT_PDF_TIMEOUT) raises PdfTooSlow, one that dies or fails raises PdfFailed; the
    labels (e.g. 项目“…”) name the document in their Chinese messages."""
    timeout = settings.EXPORT_PDF_TIMEOUT if timeout is None else timeout
    processes = min(processes or pdf_processes(), len(batches))
    context = multiprocessing.get_context("fork")
    results: list[list[bytes] | None] = [None] * len(batches)
    # Longest first: the short ones then fill the gaps while the last long one finishes.
    queue = sorted(range(len(batches)), key=lambda b: -sum(len(html) for _, html in batches[b]))
    children: list[_Child] = []

    def give(child: _Child) -> None:
        child.batch, child.laid = (queue.pop(0), 0) if queue else (None, 0)
        child.deadline = time.monotonic() + timeout
        try:
            if child.batch is None:
                child.conn.send(None)
            else:
                child.conn.send((child.batch, [html for _, html in batches[child.batch]]))
        except OSError:  # it died before it could take the batch
            if child.batch is not None:
                labels = [label for label, _ in batches[child.batch]]
                raise PdfFailed(_died(_what(labels, 0), child.process)) from None

    try:
        # The parent's objects, frozen at the fork, are never walked by a child's collector
        # (nor copied on write by it); the parent's own are collected again afterwards.
        gc.freeze()
        try:
            for _ in range(processes):
                mine, theirs = context.Pipe()
                process = context.Process(target=_child, args=(theirs,), daemon=True)
                process.start()
                theirs.close()
                children.append(_Child(process, mine))
        finally:
            gc.unfreeze()
        for child in children:
            give(child)
        while busy := [c for c in children if c.batch is not None]:
            by_conn = {c.conn: c for c in busy}
            soonest = min(c.deadline for c in busy)
            ready = wait(list(by_conn), timeout=max(0.0, soonest - time.monotonic()))
            if not ready:
                late = min(busy, key=lambda c: c.deadline)
                if late.deadline <= time.monotonic():
                    what = _what([label for label, _ in batches[late.batch]], late.laid)
                    raise PdfTooSlow(
                        f"{what}的 PDF 在 {timeout:g} 秒内未能生成（可能有很长的不换行文字），"
                        "导出已停止。"
                    )
                continue
            for conn in ready:
                child = by_conn[conn]
                labels = [label for label, _ in batches[child.batch]]
                try:
                    message = conn.recv()
                except (EOFError, OSError):
                    raise PdfFailed(_died(_what(labels, child.laid), child.process)) from None
                if message[0] == "laid":
                    child.laid += 1
                    child.deadline = time.monotonic() + timeout
                    laid_out(child.batch)
                elif message[0] == "error":
                    raise PdfFailed(f"{_what(labels, child.laid)}的 PDF 生成失败：{message[2]}")
                else:
                    batch, results[child.batch] = child.batch, message[2]
                    give(child)
                    done(batch, message[2])
    finally:
        for child in children:
            child.process.join(timeout=1 if child.batch is None else 0)
            if child.process.is_alive():
                child.process.kill()
                child.process.join()
            child.conn.close()
    return results
