"""The sheet tables as last written, kept by what they were written from.

Two thirds of a sheet page's time went to writing its tables: a hundred row forms built
and a thousand widgets printed, the same bytes on every reload of an unchanged project.
The page now keeps that HTML (the ``{% kept %}`` part of ``_sheet_base.html``) under a
digest of everything it is written from — the project's, its unit's and its year's
fields, every row of every table, the year's taxonomy, the findings and comments printed
at each field, the 历史值 of copied rows, the form version, whether the user may edit,
and the code and templates themselves — read fresh from the database on every request.
Nothing is ever invalidated: a change anywhere gives another digest, so a kept table is
never shown for other data (``tests/projects/test_kept_sheet.py`` changes each input and
compares the page with one written from scratch). Kept in the ``sheets`` cache
(``SHEET_CACHE_ENTRIES``, per process by default).
"""

import hashlib
import os
import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import connection, transaction
from django.dispatch import receiver
from django.utils.autoreload import file_changed
from django.utils.safestring import mark_safe

CACHE_ALIAS = "sheets"


def _code_stamp() -> str:
    """What the program that writes the tables is: its Python files and templates (size
    and modification time), so that a kept table never outlives a change of code, even
    in a cache shared by processes of different deployments."""
    digest = hashlib.blake2b(digest_size=16)
    base = Path(settings.BASE_DIR)
    for folder in ("apps", "templates", "config"):
        for root, dirs, files in os.walk(base / folder):
            dirs.sort()
            for name in sorted(files):
                if name.endswith((".py", ".html")):
                    path = Path(root, name)
                    stat = path.stat()
                    digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


_STAMP: list[str] = []
_RELOADS = [0]  # templates reloaded by runserver in this process (_file_changed)


def code_stamp() -> str:
    if not _STAMP:
        _STAMP.append(f"{_RELOADS[0]}:{_code_stamp()}")
    return _STAMP[0]


@receiver(file_changed, dispatch_uid="kept_sheets_file_changed")
def _file_changed(sender, file_path, **kwargs):
    """runserver's reloader resets the template loaders when a template is edited, without
    restarting the process (django/template/autoreload.py): the stamp read at the first
    page would outlive that change, so each such reload gives another stamp (whichever
    template folder the file is in). An edited .py file restarts the process. Returns
    None: whether to restart stays the reloader's decision."""
    if Path(file_path).suffix != ".py":
        _RELOADS[0] += 1
        _STAMP.clear()


_ATTNAMES: dict[type, tuple[str, ...]] = {}


def _values(obj) -> tuple:
    """Every stored value of a model instance (its concrete fields)."""
    if obj is None:
        return ()
    model = type(obj)
    names = _ATTNAMES.get(model)
    if names is None:
        names = _ATTNAMES[model] = tuple(f.attname for f in model._meta.concrete_fields)
    return tuple(getattr(obj, name) for name in names)


def _digest(parts) -> str:
    return hashlib.blake2b(repr(parts).encode(), digest_size=20).hexdigest()


@dataclass(frozen=True)
class PageData:
    """What one query read of everything a sheet page is written from besides the project
    row: the digest of each table's rows (every column, as PostgreSQL prints the row), of
    the year's taxonomy and of the 固化指标 that apply to the unit, and the ids the page
    needs without loading the rows (rows for comments, copied rows' sources for 历史值)."""

    digest: str  # with the project's, unit's and year's own values: the filing's digest
    row_ids: dict  # formset key → saved row ids in the page's order
    sources: tuple  # ids of the indicators the project's were copied from
    has_sub_projects: bool


def _table_parts(table: str, key: str, where: str) -> list[str]:
    rows = f"FROM {table} t WHERE {where}"
    return [
        f"(SELECT encode(sha256(convert_to(string_agg(t::text, E'\\n' ORDER BY t.\"order\", t.id),"
        f" 'UTF8')), 'hex') {rows}) AS {key}_digest",
        f'(SELECT array_agg(t.id ORDER BY t."order", t.id) {rows}) AS {key}_ids',
    ]


@lru_cache(maxsize=1)
def _sql() -> str:
    from apps.budget_lines.models import BudgetLine
    from apps.guarantees.models import RuleDocument
    from apps.indicators.models import Indicator, Level1, Level2, Taxonomy
    from apps.library.models import Mandated
    from apps.projects.models import SubProject
    from apps.units.models import Unit

    q = connection.ops.quote_name
    parts = []
    for key, model in (
        ("indicators", Indicator),
        ("lines", BudgetLine),
        ("docs", RuleDocument),
        ("subs", SubProject),
    ):
        parts += _table_parts(q(model._meta.db_table), key, "t.project_id = %(project)s")
    parts.append(
        f"(SELECT array_agg(DISTINCT t.copied_from_id) FROM {q(Indicator._meta.db_table)} t"
        " WHERE t.project_id = %(project)s AND t.copied_from_id IS NOT NULL) AS sources"
    )
    parts.append(
        "(SELECT encode(sha256(convert_to(string_agg(x.r, E'\\n' ORDER BY x.r), 'UTF8')), 'hex')"
        f" FROM (SELECT l1::text || '|' || coalesce(l2::text, '') AS r"
        f" FROM {q(Level1._meta.db_table)} l1 LEFT JOIN {q(Level2._meta.db_table)} l2"
        " ON l2.level1_id = l1.id WHERE l1.taxonomy_id = %(taxonomy)s) x) AS taxonomy_digest"
    )
    parts.append(
        f"(SELECT t::text FROM {q(Taxonomy._meta.db_table)} t WHERE t.id = %(taxonomy)s)"
        " AS taxonomy_row"
    )
    # The 固化指标 of mandated_specs (apps/library/selectors.py for_unit): finance's (no
    # owner), the unit's and its department's, with the owner's name they print.
    parts.append(
        "(SELECT encode(sha256(convert_to(string_agg(x.r, E'\\n' ORDER BY x.r), 'UTF8')), 'hex')"
        f" FROM (SELECT m::text || '|' || coalesce(u::text, '') || '|' || coalesce(l2::text, '')"
        " || '|' || coalesce(l1::text, '') AS r"
        f" FROM {q(Mandated._meta.db_table)} m LEFT JOIN {q(Unit._meta.db_table)} u"
        f" ON u.id = m.owner_id LEFT JOIN {q(Level2._meta.db_table)} l2 ON l2.id = m.level2_id"
        f" LEFT JOIN {q(Level1._meta.db_table)} l1 ON l1.id = l2.level1_id WHERE m.budget_year_id = %(year)s AND (m.owner_id IS NULL"
        " OR m.owner_id = %(unit)s OR m.owner_id = %(department)s)) x) AS mandated_digest"
    )
    return "SELECT " + ",\n  ".join(parts)


def enabled() -> bool:
    """Kept only on PostgreSQL (the digests are its sha256 of its own row text); the
    embedded SQLite demo writes every page."""
    return connection.vendor == "postgresql"


def page_data(project, settings: dict) -> PageData:
    """One query: the digests and ids of ``PageData`` for ``project`` (loaded with its unit
    and year), with ``settings`` (the year's form version settings, as the rules get them)."""
    unit = project.unit
    params = {
        "project": project.pk,
        "taxonomy": project.budget_year.taxonomy_id,
        "year": project.budget_year_id,
        "unit": project.unit_id,
        "department": unit.parent_id,
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        names = [c.name for c in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    digest = _digest(
        (
            code_stamp(),
            _values(project),
            _values(unit),
            _values(project.budget_year),
            sorted(settings.items()),
            sorted(row.items()),
        )
    )
    return PageData(
        digest=digest,
        row_ids={key: list(row[f"{key}_ids"] or []) for key in ("indicators", "lines", "docs")},
        sources=tuple(sorted(row["sources"] or [])),
        has_sub_projects=bool(row["subs_ids"]),
    )


@contextmanager
def one_snapshot():
    """The reads inside see one snapshot of the database (REPEATABLE READ, read only), so
    that a digest and the rows read after it describe the same data even while someone
    saves. (Inside a transaction already, as in tests, that transaction is the snapshot.)"""
    outer = connection.in_atomic_block
    with transaction.atomic():
        if not outer:
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def kept_findings(data: PageData):
    """(findings, 金额合计) kept for the filing of ``data``, or None."""
    return caches[CACHE_ALIAS].get(f"findings:{data.digest}")


def keep_findings(data: PageData, findings: list, lines_total) -> None:
    caches[CACHE_ALIAS].set(f"findings:{data.digest}", (list(findings), lines_total))


def _formset_settings(version: str) -> tuple:
    """What the row tables' formsets print besides their rows (the management form's
    limits): class settings, fixed by the code, but read as they are now."""
    from apps.budget_lines.forms import budget_line_formset
    from apps.guarantees.forms import rule_document_formset
    from apps.indicators.forms import indicator_formset

    return tuple(
        (f.max_num, f.min_num, f.extra, f.absolute_max, f.can_delete, f.can_order)
        for f in (
            indicator_formset(version),
            budget_line_formset(version),
            rule_document_formset(version),
        )
    )


def sheet_key(page, data: PageData, *, editable: bool, anchored: dict, history: dict) -> str:
    """The digest of everything the tables of ``page`` are written from: the filing's
    (``data``), the sheet, its form version, whether the user may edit, the HTML printed
    at each anchor (findings, comments: ``anchored``) and the 历史值 of copied rows."""
    return _digest(
        (
            data.digest,
            str(page.sheet),
            page.version,
            _formset_settings(page.version),
            bool(editable),
            sorted(anchored.items()),
            sorted(history.items()),
        )
    )


class RowMemo:
    """The rows of the sheet tables as last written, by a digest of what each is written
    from (``row_key``): after a save that changed one row of a hundred, the next page
    writes one row. Per process, bounded by the characters it holds (least recently
    used rows go first); thread-safe."""

    def __init__(self, max_chars: int):
        self.max_chars = max_chars
        self._rows: OrderedDict[str, str] = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()

    def get(self, key: str):
        with self._lock:
            html = self._rows.get(key)
            if html is not None:
                self._rows.move_to_end(key)
            return html

    def put(self, key: str, html: str) -> None:
        if len(html) > self.max_chars // 100:
            return  # a row of very long texts: written each time
        with self._lock:
            old = self._rows.pop(key, None)
            self._chars += len(html) - (len(old) if old is not None else 0)
            self._rows[key] = html
            while self._chars > self.max_chars and self._rows:
                _, dropped = self._rows.popitem(last=False)
                self._chars -= len(dropped)

    def clear(self) -> None:
        with self._lock:
            self._rows.clear()
            self._chars = 0


ROWS = RowMemo(settings.SHEET_ROW_CACHE_CHARS)


def table_key(formset, kind: str, sub_projects: bool, editable: bool) -> str:
    """What every row of one table is written with: the code, the row form's class (its
    fields, widgets and labels: one class per form version), the page's choices (the
    year's levels, the project's sub-projects) and whether the rows are editable."""
    choices = [
        getattr(value, "choices", value)
        for name, value in sorted(formset.form_kwargs.items())
        if name.endswith("choices")
    ]
    form = formset.form
    fields = [
        (
            name,
            type(field).__name__,
            str(field.label),
            field.required,
            type(field.widget).__name__,
            sorted((k, str(v)) for k, v in field.widget.attrs.items()),
        )
        for name, field in form.base_fields.items()
    ]
    return _digest(
        (
            code_stamp(),
            f"{form.__module__}.{form.__qualname__}:{id(form)}",
            fields,
            kind,
            bool(sub_projects),
            bool(editable),
            choices,
        )
    )


def row_key(table: str, form) -> str:
    """The digest of everything one unbound row is written from (``table_key`` and the
    row's prefix, stored values, findings and comments at its fields, 历史值)."""
    findings = getattr(form, "findings_html", None) or {}
    return _digest(
        (
            table,
            form.prefix,
            _values(form.instance),
            sorted((name, str(html)) for name, html in findings.items() if html),
            str(getattr(form, "history_html", "")),
        )
    )


def forget_all() -> None:
    """Drop every kept table, row and finding of this process (tests, benchmarks)."""
    caches[CACHE_ALIAS].clear()
    ROWS.clear()


class KeptSheet:
    """The tables of one page: looked up by ``key``; on a miss ``prepare`` readies the
    forms (findings, comments and 历史值 attached) and the written HTML is kept."""

    def __init__(self, key: str, prepare, page):
        self.key = f"sheet:{key}"
        self.prepare = prepare
        self.page = page
        self.hit = False

    def get(self):
        html = caches[CACHE_ALIAS].get(self.key)
        self.hit = html is not None
        return None if html is None else mark_safe(html)

    def keep(self, html: str) -> None:
        html = str(html)
        if getattr(self.page, "changed_meanwhile", False):
            return
        # A page of a thousand long rows (several MB) is written each time rather than
        # kept: SHEET_CACHE_ENTRIES of them would be gigabytes a worker.
        if len(html) > settings.SHEET_CACHE_MAX_CHARS:
            return
        caches[CACHE_ALIAS].set(self.key, html)
