"""Entries recorded in django-auditlog's own table before AUDITLOG_LOGENTRY_MODEL named core.AuditEntry move
there (and back on reversal), with their ids, so that every object keeps its history."""

from django.db import migrations

OLD, NEW = "auditlog_logentry", "core_auditentry"


def move(source: str, target: str):
    def run(apps, schema_editor):
        connection = schema_editor.connection
        if source not in connection.introspection.table_names():
            return
        quote = connection.ops.quote_name
        fields = apps.get_model("core", "AuditEntry")._meta.concrete_fields
        columns = ", ".join(quote(field.column) for field in fields)
        schema_editor.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}")
        schema_editor.execute(f"DELETE FROM {source}")
        if connection.vendor == "postgresql":  # new ids continue after the moved ones
            schema_editor.execute(
                f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
                f"FROM {target}"
            )

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),  # the old table has every column the new one has
    ]

    operations = [migrations.RunPython(move(OLD, NEW), move(NEW, OLD))]
