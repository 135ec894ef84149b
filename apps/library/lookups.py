"""``name__has_text``: names containing the text, on PostgreSQL through the bigram GIN
index of migration ``library 0002`` (``perf_bigrams(name) @> perf_bigrams(q)``), checked by
LIKE — or ILIKE when the text has letters with case (Chinese has none, and LIKE is several
times cheaper). Elsewhere (the embedded SQLite demo) plain LIKE, which SQLite already
matches without case for ASCII."""

from django.db.models import CharField, Lookup


def _like_pattern(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@CharField.register_lookup
class HasText(Lookup):
    lookup_name = "has_text"

    def get_db_prep_lookup(self, value, connection):
        return ("%s", [str(value)])

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        text = self.rhs
        pattern = _like_pattern(text)
        if connection.vendor != "postgresql":
            return f"{lhs} LIKE %s ESCAPE '\\'", [*lhs_params, pattern]
        operator = "LIKE" if text.lower() == text.upper() else "ILIKE"
        return (
            f"(perf_bigrams({lhs}) @> perf_bigrams(%s) AND {lhs} {operator} %s ESCAPE '\\')",
            [*lhs_params, text, *lhs_params, pattern],
        )
