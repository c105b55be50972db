"""The published documents of each tree level's sites in date order, on PostgreSQL (decision 0014): a b-tree on
(the path's first 12, 18 or 24 characters, sort key) for a city's, a hospital's or a branch's site to walk its
own documents newest first. SQLite's FTS5 index is in date order already and needs nothing."""

from django.db import migrations

LEVELS = (12, 18, 24)  # news.search.SITE_LEVELS


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for level in LEVELS:
            schema_editor.execute(
                f"CREATE INDEX search_site_order_{level} ON news_searchdocument "
                f"(substr(org_path, 1, {level}), sort_key) WHERE is_public"
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for level in LEVELS:
            schema_editor.execute(f"DROP INDEX IF EXISTS search_site_order_{level}")


class Migration(migrations.Migration):
    dependencies = [("news", "0011_search_public_tokens")]

    operations = [migrations.RunPython(create, drop)]
