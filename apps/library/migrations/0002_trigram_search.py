"""Trigram indexes for the type-ahead (pg_trgm): a GIN index answers ``name ILIKE '%q%'``
from the index once q has three characters; shorter queries fall back to a scan, which
stays fast at a province's library size (scripts/bench_library.py). PostgreSQL only: the
embedded SQLite demo searches without an index."""

from django.db import migrations

INDEXES = [
    ("library_name_trgm", "library_libraryindicator", "name"),
    ("indicator_name_trgm", "indicators_indicator", "name"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table, column in INDEXES:
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ({column} gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("indicators", "0006_indicator_library_entry"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
