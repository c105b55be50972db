"""API plumbing shared by every app: the access gate as a viewset base, keyset cursor pagination."""

from __future__ import annotations

from rest_framework import viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.response import Response

from core.paging import decode_cursor, keyset_page


class KeysetPagination(BasePagination):
    """Cursor pagination without COUNT(*): ?cursor=<opaque>&page_size=1..200."""

    ordering: tuple[str, ...] = ("org_path", "id")
    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        size = self._page_size(request.query_params.get("page_size"))
        ordering = getattr(view, "keyset_ordering", self.ordering)
        cursor = request.query_params.get("cursor")
        if cursor:
            values = decode_cursor(cursor)
            if values is None or len(values) != len(ordering):
                raise ValidationError({"cursor": "游标无效：请使用上一页返回的 next 链接中的游标"})
        self.page = keyset_page(queryset, ordering, cursor, size)
        self.request = request
        return self.page.rows

    def _page_size(self, raw: str | None) -> int:
        if raw in (None, ""):
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= 200:
            raise ValidationError({"page_size": "page_size 应为 1 到 200 之间的整数"})
        return int(raw)

    def get_paginated_response(self, data):
        next_url = None
        if self.page.next_cursor:
            next_url = self.request.build_absolute_uri(_replace_query(self.request, cursor=self.page.next_cursor))
        return Response({"next": next_url, "results": data})

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["results"],
            "properties": {"next": {"type": "string", "nullable": True, "format": "uri"}, "results": schema},
        }

    def get_schema_operation_parameters(self, view):
        return [
            {
                "name": "cursor",
                "required": False,
                "in": "query",
                "description": "上一页返回的游标",
                "schema": {"type": "string"},
            },
            {
                "name": "page_size",
                "required": False,
                "in": "query",
                "description": "每页条数（1–200）",
                "schema": {"type": "integer", "minimum": 1, "maximum": 200},
            },
        ]


def _replace_query(request, **changes) -> str:
    params = request.query_params.copy()
    for key, value in changes.items():
        params[key] = value
    return request.path + "?" + params.urlencode()


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """The same gate as the pages: a row outside the user's scope does not exist (404).

    List pages skip the serializer's per-field machinery: rows are read with .values() for the serializer's
    own field names (`list_columns` maps a field to another column) and finished by `finish_row`. The
    serializer still defines the schema and the detail view; tests compare the two.
    """

    pagination_class = KeysetPagination
    keyset_ordering: tuple[str, ...] = ("org_path", "id")
    list_columns: dict[str, str] = {}

    def list(self, request, *args, **kwargs):
        fields = self.get_serializer_class().Meta.fields
        columns = {name: self.list_columns.get(name, name) for name in fields}
        lookups = {c for c in columns.values() if c is not None}
        queryset = self.filter_queryset(self.get_queryset()).values(*lookups, *self.keyset_ordering)
        rows = self.paginate_queryset(queryset)
        data = [self.finish_row({name: row.get(col) for name, col in columns.items()}, row) for row in rows]
        return self.get_paginated_response(self.finish_page(data))

    def finish_row(self, data: dict, row: dict) -> dict:
        return data

    def finish_page(self, data: list[dict]) -> list[dict]:
        return data

    def get_queryset(self):
        return self.base_queryset().visible_to(self.request.user, "view")

    def base_queryset(self):
        raise NotImplementedError
