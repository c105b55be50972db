"""The Jinja2 environment of our pages: url(), static(), messages and a few filters."""

import datetime
from functools import lru_cache

from django.contrib import messages
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from jinja2 import Environment, StrictUndefined

from core.access import Role, highest_role
from core.help import help_for
from core.navigation import breadcrumb_for, menu_for
from core.regions import region_name

_MARKERS = (9_081_726_354, 9_081_726_355, 9_081_726_356)


@lru_cache(maxsize=512)
def _url_template(name: str, count: int) -> str:
    """The reversed URL with {0}, {1} … where integer arguments go (reverse() costs ~30 µs a call)."""
    path = reverse(name, args=_MARKERS[:count])
    for i, marker in enumerate(_MARKERS[:count]):
        path = path.replace(str(marker), "{" + str(i) + "}")
    return path


def url(name: str, *args, **kwargs) -> str:
    if not kwargs and len(args) <= len(_MARKERS) and all(type(a) is int for a in args):
        return _url_template(name, len(args)).format(*args)
    return reverse(name, args=args or None, kwargs=kwargs or None)


def history_url(obj) -> str:
    """Where an object's change history is served (core.views.history)."""
    return url("core:history", obj._meta.label_lower, obj.pk)


def date_cn(value) -> str:
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    return value.strftime("%Y-%m-%d")


def query_with(request, **changes) -> str:
    """The current query string with some parameters changed (None removes one)."""
    params = request.GET.copy()
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    encoded = params.urlencode()
    return "?" + encoded if encoded else "?"


def _labels() -> dict[str, dict[str, str]]:
    """Choice labels by value, for rows read with .values() (get_FOO_display costs ~10 µs a call)."""
    from coverage.models import Change, CoverageStatus, OrgForm
    from honours.models import AssessmentStatus, Level
    from news.models import PageImportStatus
    from news.models import Status as NewsStatus
    from orgs.models import InstitutionKind, OrgKind, Ownership, WarningCode
    from people.models import Gender, PartyStatus

    return {
        name: {value: str(label) for value, label in choices.choices}
        for name, choices in {
            "party_status": PartyStatus,
            "gender": Gender,
            "org_kind": OrgKind,
            "institution_kind": InstitutionKind,
            "ownership": Ownership,
            "warning": WarningCode,
            "news_status": NewsStatus,
            "page_import_status": PageImportStatus,
            "honour_level": Level,
            "assessment_status": AssessmentStatus,
            "org_form": OrgForm,
            "coverage_status": CoverageStatus,
            "coverage_change": Change,
        }.items()
    }


class _LazyLabels(dict):
    def __missing__(self, key):
        self.update(_labels())
        return self[key]


def unread_notices(user) -> int:
    from workbench.notices import unread_count

    return unread_count(user)


def environment(**options) -> Environment:
    options.setdefault("undefined", StrictUndefined)
    env = Environment(**options, extensions=["jinja2.ext.do"])
    env.globals.update(
        url=url,
        history_url=history_url,
        static=static,
        get_messages=messages.get_messages,
        query_with=query_with,
        Role=Role,
        highest_role=highest_role,
        menu_for=menu_for,
        breadcrumb_for=breadcrumb_for,
        help_for=help_for,
        unread_notices=unread_notices,
        LABELS=_LazyLabels(),
    )
    env.filters.update(date_cn=date_cn, region_name=region_name)
    return env
