"""A finer histogram of the documents' paths on PostgreSQL, so that the planner knows how many documents a scope
holds (decision 0014). With the default 100 buckets, a bucket of a national index holds 72,000 documents and a
city's 35,000 published documents look like a few: collecting a rare tier on its site then read all of them
through the path's b-tree (150 ms) instead of proving the tier empty in the GIN index (4 ms)."""

from django.db import migrations

BUCKETS = 1000


def finer_path_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE news_searchdocument ALTER COLUMN org_path SET STATISTICS {BUCKETS}")
        schema_editor.execute("ANALYZE news_searchdocument")


def default_path_statistics(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE news_searchdocument ALTER COLUMN org_path SET STATISTICS -1")


class Migration(migrations.Migration):
    dependencies = [("news", "0013_search_title_bands")]

    operations = [migrations.RunPython(finer_path_statistics, default_path_statistics)]
