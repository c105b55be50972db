"""How an organisation or a unit is named in a picker: "单位 › 党委 › 支部", so that twenty "第一党支部" differ."""

from django.core.cache import cache
from django.db.models import Q

from core.lookup import SEPARATOR
from core.regions import region_name

from .models import Institution, PartyOrg, ancestor_paths, tree_version


def org_choices(orgs) -> list[tuple[int, str, str]]:
    """(id, name, context) per organisation: its two nearest ancestors, and its unit's name in front when none
    of the names shown carries it. One query whatever the number of organisations."""
    orgs = list(orgs)
    wanted = {p for o in orgs for p in ancestor_paths(o.path)[-3:-1]}
    names, units = {}, {}
    if orgs:
        found = PartyOrg.objects.filter(Q(path__in=wanted) | Q(pk__in=[o.pk for o in orgs]))
        for pk, path, name, unit in found.values_list("pk", "path", "name", "institution__name"):
            names[path] = name
            if unit:
                units[pk] = unit
    choices = []
    for org in orgs:
        context = [names[p] for p in ancestor_paths(org.path)[-3:-1] if p in names]
        unit = units.get(org.pk)
        if unit and not any(unit in part for part in [*context, org.name]):
            context.insert(0, unit)
        choices.append((org.pk, org.name, SEPARATOR.join(context)))
    return choices


def chosen_org_choices(orgs) -> list[tuple[int, str, str]]:
    """org_choices for the organisation a form shows as chosen, cached under the tree's version (renewed by
    every save of an organisation or a unit): a list filtered by an organisation labels it on every page."""
    orgs = list(orgs)
    version = tree_version()
    keys = {org.pk: f"org-label:{version}:{org.pk}" for org in orgs}
    found = cache.get_many(list(keys.values()))
    missing = [org for org in orgs if keys[org.pk] not in found]
    if missing:
        fresh = {keys[choice[0]]: choice for choice in org_choices(missing)}
        cache.set_many(fresh, 24 * 3600)
        found.update(fresh)
    return [found[keys[org.pk]] for org in orgs]


def institution_choices(units) -> list[tuple[int, str, str]]:
    """(id, name, context) per unit: its group (集团) or else the place it is in."""
    units = list(units)
    parents = dict(
        Institution.objects.filter(pk__in=[u.pk for u in units], parent__isnull=False).values_list("pk", "parent__name")
    )
    return [(u.pk, u.name, parents.get(u.pk) or region_name(u.region_code)) for u in units]
