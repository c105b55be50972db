"""A search-as-you-type choice for large scoped querysets (a province has 10k organisations: no <select>)."""

from django import forms
from django.utils.html import format_html

SELECT_LIMIT = 200


class LookupWidget(forms.Widget):
    """A hidden id plus a search box that asks `lookup_url` (HTMX) for matching choices."""

    def __init__(self, lookup_url: str, queryset, attrs=None):
        super().__init__(attrs)
        self.lookup_url = lookup_url
        self.queryset = queryset

    def render(self, name, value, attrs=None, renderer=None):
        label = ""
        if value not in (None, ""):
            obj = self.queryset.filter(pk=value).first()
            label = str(obj) if obj else ""
        widget_id = (attrs or {}).get("id", f"id_{name}")
        return format_html(
            '<div class="lookup"><input type="hidden" name="{}" value="{}" id="{}">'
            '<input type="search" value="{}" placeholder="输入名称搜索" autocomplete="off" aria-label="搜索" '
            'name="q" hx-get="{}" hx-trigger="input changed delay:250ms, focus" hx-target="next .lookup-results" '
            'hx-sync="this:replace" hx-params="q"><div class="lookup-results"></div></div>',
            name,
            value or "",
            widget_id,
            label,
            self.lookup_url,
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def use_lookup_when_large(field: forms.ModelChoiceField, lookup_url: str) -> None:
    """Keep a plain <select> for small scopes; switch to the search box past SELECT_LIMIT choices."""
    if field.queryset.order_by()[: SELECT_LIMIT + 1].count() > SELECT_LIMIT:
        field.widget = LookupWidget(lookup_url, field.queryset)
