"""The answers of search-as-you-type pickers (core.widgets.LookupWidget): a few labelled matches, never a list
of arbitrary records for an empty box."""

from django.http import HttpResponse
from django.shortcuts import render

LOOKUP_LIMIT = 20
SEPARATOR = " › "


def full_label(choice: tuple[int, str, str]) -> str:
    _pk, name, context = choice
    return f"{context}{SEPARATOR}{name}" if context else name


def lookup_response(request, search, describe=None):
    """search(query) -> a queryset or list of matches; describe(matches) -> [(id, name, context)]."""
    query = request.GET.get("q", "").strip()
    if not query:
        return HttpResponse("")
    found = list(search(query)[: LOOKUP_LIMIT + 1])
    items = describe(found[:LOOKUP_LIMIT]) if describe else [(o.pk, str(o), "") for o in found[:LOOKUP_LIMIT]]
    return render(request, "core/_lookup_results.html", {"items": items, "more": len(found) > LOOKUP_LIMIT})
