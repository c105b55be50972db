"""Entries recorded in django-auditlog's own table before AUDITLOG_LOGENTRY_MODEL named core.AuditEntry move
there (and back on reversal), with their ids, so that every object keeps its history.

auditlog 3.4's migrations create their table even when the model is swapped (jazzband/django-auditlog#804);
left behind, its foreign keys to the content type and user tables make `flush` (and so every transactional
test on PostgreSQL) fail. Once emptied it is dropped, and recreated on reversal."""

from django.db import migrations

OLD, NEW = "auditlog_logentry", "core_auditentry"


def move_rows(schema_editor, fields, source: str, target: str) -> None:
    connection = schema_editor.connection
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    schema_editor.execute(f"INSERT INTO {target} ({columns}) SELECT {columns} FROM {source}")
    schema_editor.execute(f"DELETE FROM {source}")
    if connection.vendor == "postgresql":  # new ids continue after the moved ones
        schema_editor.execute(
            f"SELECT setval(pg_get_serial_sequence('{target}', 'id'), COALESCE(MAX(id), 1), MAX(id) IS NOT NULL) "
            f"FROM {target}"
        )


def forwards(apps, schema_editor):
    if OLD not in schema_editor.connection.introspection.table_names():
        return
    move_rows(schema_editor, apps.get_model("core", "AuditEntry")._meta.concrete_fields, OLD, NEW)
    schema_editor.delete_model(apps.get_model("auditlog", "LogEntry"))


def backwards(apps, schema_editor):
    old_model = apps.get_model("auditlog", "LogEntry")
    if OLD not in schema_editor.connection.introspection.table_names():
        schema_editor.create_model(old_model)
    move_rows(schema_editor, old_model._meta.concrete_fields, NEW, OLD)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0001_initial"),
        ("auditlog", "0017_add_actor_email"),  # the old table has every column the new one has
    ]

    operations = [migrations.RunPython(forwards, backwards)]
