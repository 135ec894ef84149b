"""``name__ilike``: a case-insensitive ``%q%`` match PostgreSQL answers from a pg_trgm GIN
index on the bare column (Django's ``icontains`` wraps both sides in UPPER(), which no
index on ``name`` serves). Elsewhere (the embedded SQLite demo) it is LIKE, which SQLite
already matches without case."""

from django.db.models import CharField, Lookup


@CharField.register_lookup
class ILike(Lookup):
    lookup_name = "ilike"

    def process_rhs(self, compiler, connection):
        sql, params = super().process_rhs(compiler, connection)
        escaped = [
            "%" + str(p).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            for p in params
        ]
        return sql, escaped

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "ILIKE" if connection.vendor == "postgresql" else "LIKE"
        return f"{lhs} {operator} {rhs} ESCAPE '\\'", [*lhs_params, *rhs_params]
