"""Search-as-you-type pickers: a hidden id plus a search box that asks a lookup URL (HTMX) for labelled matches.

Every organisation, unit and person field uses one (a province has 10k organisations: no <select>). The label
of the chosen record shows its place ("单位 › 党委 › 支部"); typing again or clearing the box clears the id, so
a partner removed from the box is removed from the record (core/static/core/site.js)."""

from django import forms
from django.utils.html import format_html

from .lookup import full_label

SELECT_LIMIT = 200


class LookupWidget(forms.Widget):
    def __init__(self, lookup_url: str, describe, attrs=None, placeholder: str = "输入名称、拼音或首字母搜索"):
        """describe(value) -> the label shown for the chosen value ("" when there is none)."""
        super().__init__(attrs)
        self.lookup_url = lookup_url
        self.describe = describe
        self.placeholder = placeholder

    def render(self, name, value, attrs=None, renderer=None):
        label = self.describe(value) if value not in (None, "") else ""
        widget_id = (attrs or {}).get("id", f"id_{name}")
        return format_html(
            '<div class="lookup" data-lookup><input type="hidden" name="{}" value="{}" id="{}">'
            # form="": the search text belongs to no form, so only the chosen id is sent with the form
            '<input type="search" value="{}" placeholder="{}" autocomplete="off" aria-label="搜索" form="" '
            'aria-autocomplete="list" name="q" hx-get="{}" hx-trigger="input changed delay:250ms" '
            'hx-target="next .lookup-results" hx-sync="this:replace" hx-params="q">'
            '<div class="lookup-results" role="listbox"></div></div>',
            name,
            value or "",
            widget_id,
            label,
            self.placeholder,
            self.lookup_url,
        )

    def value_from_datadict(self, data, files, name):
        return data.get(name)


def use_lookup(field: forms.ModelChoiceField, lookup_url: str, describe_many) -> None:
    """Turn a model choice into a picker. describe_many(objects) -> [(id, name, context)] labels the chosen
    record as the lookup labels its answers. A required choice with a single option comes preselected."""
    queryset = field.queryset
    validated = {}  # the record the form's own validation fetched, by its id: the label needs no second read
    clean = field.clean

    def clean_and_keep(value):
        obj = clean(value)
        if obj is not None:
            validated[str(obj.pk)] = obj
        return obj

    def describe(value) -> str:
        obj = validated.get(str(value))
        if obj is None and str(value).isdigit():
            obj = queryset.filter(pk=value).first()
        return full_label(describe_many([obj])[0]) if obj else ""

    field.clean = clean_and_keep
    field.widget = LookupWidget(lookup_url, describe)
    if field.required and field.initial is None:
        only = list(queryset.order_by()[:2])
        if len(only) == 1:
            field.initial = only[0].pk


def use_lookup_when_large(field: forms.ModelChoiceField, lookup_url: str) -> None:
    """Records that are not places (a pairing, an honour): a <select> while the scope is small, else a picker."""
    if field.queryset.order_by()[: SELECT_LIMIT + 1].count() > SELECT_LIMIT:
        use_lookup(field, lookup_url, lambda objects: [(o.pk, field.label_from_instance(o), "") for o in objects])
