"""How an organisation or a unit is named in a picker: "单位 › 党委 › 支部", so that twenty "第一党支部" differ."""

from core.lookup import SEPARATOR
from core.regions import region_name

from .models import Institution, PartyOrg, ancestor_paths


def org_choices(orgs) -> list[tuple[int, str, str]]:
    """(id, name, context) per organisation: its two nearest ancestors, and its unit's name in front when none
    of the names shown carries it. Two queries whatever the number of organisations."""
    orgs = list(orgs)
    wanted = {p for o in orgs for p in ancestor_paths(o.path)[-3:-1]}
    names = dict(PartyOrg.objects.filter(path__in=wanted).values_list("path", "name")) if wanted else {}
    units = dict(
        PartyOrg.objects.filter(pk__in=[o.pk for o in orgs], institution__isnull=False).values_list(
            "pk", "institution__name"
        )
    )
    choices = []
    for org in orgs:
        context = [names[p] for p in ancestor_paths(org.path)[-3:-1] if p in names]
        unit = units.get(org.pk)
        if unit and not any(unit in part for part in [*context, org.name]):
            context.insert(0, unit)
        choices.append((org.pk, org.name, SEPARATOR.join(context)))
    return choices


def institution_choices(units) -> list[tuple[int, str, str]]:
    """(id, name, context) per unit: its group (集团) or else the place it is in."""
    units = list(units)
    parents = dict(
        Institution.objects.filter(pk__in=[u.pk for u in units], parent__isnull=False).values_list("pk", "parent__name")
    )
    return [(u.pk, u.name, parents.get(u.pk) or region_name(u.region_code)) for u in units]
