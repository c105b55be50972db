"""Keyset pagination for pages and API alike: no OFFSET, no COUNT(*) over big tables.

The ordering must match an index prefix; the page boundary is a single row-value comparison
`(a, b) > (x, y)`, which SQLite and PostgreSQL both answer with one index range.
"""

import base64
import json
from dataclasses import dataclass

from django.db.models import F
from django.db.models.fields.tuple_lookups import Tuple, TupleGreaterThan, TupleLessThan
from django.http import HttpResponse

COUNT_CAP = 1000


@dataclass
class Page:
    rows: list
    next_cursor: str | None


def encode_cursor(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode()


def decode_cursor(cursor: str | None) -> list | None:
    if not cursor:
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, TypeError):
        return None
    return values if isinstance(values, list) else None


def capped_count_label(queryset, ordering: tuple[str, ...] = ()) -> str:
    """'1000+' instead of COUNT(*) over what may be millions of rows.

    Counted in the page's own order so the planner walks the same index as the page (without it SQLite may
    pick another index and read a whole scope to count a thousand rows).
    """
    n = queryset.order_by(*ordering)[: COUNT_CAP + 1].count()
    return f"{COUNT_CAP}+" if n > COUNT_CAP else str(n)


def count_response(request, queryset, ordering: tuple[str, ...]) -> HttpResponse | None:
    """The capped count of a list, asked for by the page itself after it has loaded (`?count=1`, HTMX).

    The count needs up to a thousand index entries; the rows only fifty. Serving it separately keeps the
    first paint of a list at the cost of the rows alone.
    """
    if request.GET.get("count") != "1":
        return None
    return HttpResponse(f"共 {capped_count_label(queryset, ordering)} 条", content_type="text/html; charset=utf-8")


def keyset_page(queryset, ordering: tuple[str, ...], cursor: str | None, size: int = 50) -> Page:
    """One page after the cursor. `ordering` is all ascending or all descending ('-' on every field)."""
    descending = ordering[0].startswith("-")
    fields = [f.lstrip("-") for f in ordering]
    qs = queryset.order_by(*ordering)
    after = decode_cursor(cursor)
    if after is not None and len(after) == len(fields):
        lookup = TupleLessThan if descending else TupleGreaterThan
        lhs = Tuple(*[F(f) for f in fields])
        rhs = tuple(after)
        qs = qs.filter(lookup(lhs, rhs))
    rows = list(qs[: size + 1])
    next_cursor = None
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        next_cursor = encode_cursor([_value_of(last, f) for f in fields])
    return Page(rows=rows, next_cursor=next_cursor)


def _value_of(row, field: str):
    value = row[field] if isinstance(row, dict) else getattr(row, field)
    return value if isinstance(value, (int, str)) or value is None else str(value)
