"""Spies on the PDF exports, shared by the tests of kept pages, the pool and (imported by
tests/unit_budgets/conftest.py) the book."""

import pytest
from pypdf import PdfWriter

from apps.exports import pages


@pytest.fixture
def renders(monkeypatch):
    """The names of the projects whose pages were sent to WeasyPrint (not found kept)."""
    rendered = []
    real = pages._render

    def spy(misses, *args, **kwargs):
        rendered.extend(project.name for project, *_ in misses)
        return real(misses, *args, **kwargs)

    monkeypatch.setattr(pages, "_render", spy)
    return rendered


@pytest.fixture
def writes_and_progress(monkeypatch):
    """One list of events: “write” when this process writes a PDF with pypdf, and what the
    progress callback (the list's ``append``) is given."""
    events = []
    real_write = PdfWriter.write

    def write(self, stream):
        events.append("write")
        return real_write(self, stream)

    monkeypatch.setattr(PdfWriter, "write", write)
    return events
