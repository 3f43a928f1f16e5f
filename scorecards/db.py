"""Database-specific touches kept in one place."""
from django.db import connection
from django.db.models.functions import Collate

# ICU Vietnamese collation: sorts "Điện Biên" before "Yên Bái" (C.UTF-8 does not).
VI_COLLATION = "vi-x-icu"


def vi_ordering(*fields: str):
    """Order by fields, text ones with Vietnamese collation on PostgreSQL.

    Non-text fields (ints) are passed through; the caller lists text fields by name.
    """
    out = []
    for name in fields:
        if connection.vendor == "postgresql" and name in TEXT_FIELDS:
            out.append(Collate(name, VI_COLLATION).asc())
        else:
            out.append(name)
    out.append("pk")
    return out


TEXT_FIELDS = {"name", "short_name", "text", "province__name", "lead_agency__name"}
