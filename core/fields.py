"""Model fields shared by the apps."""

from django.db import models


class BytewiseCharField(models.CharField):
    """Text compared byte by byte (code point order) on every engine: SQLite's default BINARY collation, "C" on
    PostgreSQL. Range and prefix searches then select the same rows whatever the database's locale, and
    PostgreSQL can answer and estimate `LIKE 'prefix%'` from a plain index on the column."""

    def db_parameters(self, connection):
        params = super().db_parameters(connection)
        if connection.vendor == "postgresql":
            params["collation"] = "C"
        return params
