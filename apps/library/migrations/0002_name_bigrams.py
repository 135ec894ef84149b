"""A bigram index for the type-ahead: Chinese names are searched by two-character pieces
(the shortest query worth suggesting for), which no word-based or trigram index serves
(pg_trgm needs three characters, and splits no words in a database whose lc_ctype is C).

``perf_bigrams(text)`` is every distinct pair of adjacent characters of the lower-cased
text; a GIN index on it answers ``perf_bigrams(name) @> perf_bigrams(q)`` for the rows that
may contain q, and the LIKE beside it keeps only those that do (see
apps/library/lookups.py). The unit's earlier indicators need no such index: they are read
through the unit's projects. PostgreSQL only: the embedded SQLite demo searches by LIKE."""

from django.db import migrations

FUNCTION = """
CREATE OR REPLACE FUNCTION perf_bigrams(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  SELECT coalesce(array_agg(DISTINCT substr(lower(t), i, 2)), '{}')
  FROM generate_series(1, length(t) - 1) AS i
$$
"""
INDEXES = [
    ("library_name_bigrams", "USING gin (perf_bigrams(name))"),
    # Names that start with the text (LIKE 'q%'), in name order: a pattern-ops b-tree.
    ("library_name_prefix", "(name varchar_pattern_ops)"),
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION)
    for name, how in INDEXES:
        schema_editor.execute(f"CREATE INDEX IF NOT EXISTS {name} ON library_libraryindicator {how}")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute("DROP FUNCTION IF EXISTS perf_bigrams(text)")


class Migration(migrations.Migration):
    dependencies = [
        ("library", "0001_initial"),
        ("indicators", "0006_indicator_library_entry"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
