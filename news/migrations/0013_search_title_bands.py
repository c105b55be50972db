"""Title words qualified by the document's 16-day band (zt医院b4x45678, news.search.title_band_tokens), on
PostgreSQL: a step back through the bands then reads a title word's matches in that band alone (decision 0014).
SQLite's FTS5 index reads its lists in date order and has no use for them. Both GIN indexes are dropped while
the tokens are rewritten and built once afterwards, as in 0010, and the table is put back in date order.
Province scale (722k documents): about 10 minutes here; the main GIN index grows from 97 to 148 MB, the public one
from 33 to 44 MB, the table by 8%."""

from django.db import migrations

from ._search_index import append_tokens, build_token_index, drop_token_index

PUBLIC_INDEX = "CREATE INDEX news_search_public_tokens ON news_searchdocument USING gin (tsv) WHERE is_public"


def store_in_date_order():
    from news.search import store_in_date_order

    store_in_date_order()


def title_band_words(title: str, day) -> str:
    """The title's words qualified by its band (news.search.document_tokens), from the code of the day."""
    from news.search import title_band_tokens, title_tokens

    return " " + " ".join(title_band_tokens(title_tokens(title), day))


def add_title_bands(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    drop_token_index(schema_editor)
    schema_editor.execute("DROP INDEX IF EXISTS news_search_public_tokens")
    append_tokens(schema_editor.connection, "title, day", title_band_words)
    store_in_date_order()  # the rewritten rows went to the end of the table in id order: back into date order
    build_token_index(schema_editor)
    schema_editor.execute(PUBLIC_INDEX)


class Migration(migrations.Migration):
    dependencies = [("news", "0012_search_site_order")]

    operations = [migrations.RunPython(add_title_bands, migrations.RunPython.noop)]
