"""Every document's day as date-band index words (zb<level>x<number>, news.search.band_tokens), so that PostgreSQL
can read a tier's matches back band by band instead of collecting them all (decision 0013). The index is dropped
while the tokens are rewritten and built once afterwards, as in 0007."""

from django.db import migrations

from ._search_index import ORDINAL, build_token_index, drop_token_index

LEVELS = (2, 4, 6, 8)  # news.search.BAND_LEVELS, as of this migration


def add_bands(apps, schema_editor):
    drop_token_index(schema_editor)
    ordinal = ORDINAL[schema_editor.connection.vendor]  # an undated document is in band 0
    bands = " || ".join(f"' zb{level}x' || ({ordinal} >> {level})" for level in LEVELS)
    schema_editor.execute(f"UPDATE news_searchdocument SET tokens = tokens || {bands}")
    build_token_index(schema_editor)


class Migration(migrations.Migration):
    dependencies = [("news", "0009_search_sort_key_ascending")]

    operations = [migrations.RunPython(add_bands, migrations.RunPython.noop)]
