"""The sector's view of co-construction: the network of pairings and alliances, and its statistics.

Everything is read through the same gate as the pages (a user sees the pairings and alliances that touch
their scope) and capped: the graph shows at most MAX_EDGES links, newest first.
"""

import datetime
from collections import Counter, defaultdict

from django.db.models import Count, Q
from django.utils import timezone

from activities.models import Activity
from alliances.models import Alliance, AllianceMember, Direction, Referral
from core.access import Role
from core.regions import city_prefix_choices
from orgs.models import Institution, Ownership

from . import services
from .models import Pairing, PairingMember, Status

MAX_EDGES = 1500


def scoped_pairings(user, category: str = "", region: str = "", org=None):
    """Live pairings the user sees; with `org` (an organisation the user may view), those led in its subtree —
    one index range, no visibility OR."""
    if org is not None:
        qs = Pairing.objects.filter(org_path__gte=org.path, org_path__lt=org.path + "~")
    else:
        qs = Pairing.objects.visible_to(user)
    qs = qs.exclude(status=Status.ENDED)
    if category.isdigit():
        qs = qs.filter(category_id=int(category))
    if region.isdigit():
        qs = qs.filter(lead_org__institution__region_code__startswith=region)
    return qs


def graph(user, category: str = "", region: str = "", org=None) -> dict:
    """ECharts graph data: nodes (party organisations and units) and links (pairings, alliances)."""
    pairings = scoped_pairings(user, category, region, org)
    pairing_ids = list(pairings.order_by("-id").values_list("id", flat=True)[:MAX_EDGES])
    members = PairingMember.objects.filter(pairing_id__in=pairing_ids, left_on__isnull=True).values_list(
        "pairing_id", "org_id", "org__name", "is_lead", "pairing__category__name", "pairing__status"
    )
    by_pairing = defaultdict(list)
    nodes, links, categories = {}, [], {}
    for pairing_id, org_id, name, is_lead, category_name, status in members:
        nodes[f"o{org_id}"] = name
        by_pairing[pairing_id].append((f"o{org_id}", is_lead, category_name, status))
    for pairing_id, rows in by_pairing.items():
        lead = next((key for key, is_lead, *_ in rows if is_lead), None)
        for key, is_lead, category_name, status in rows:
            if lead and not is_lead:
                categories.setdefault(category_name, len(categories))
                links.append({"source": lead, "target": key, "category": category_name, "pending": status == "pending",
                              "pairing": pairing_id})  # fmt: skip
    if not category:
        alliance_qs = Alliance.objects.visible_to(user)
        if org is not None:
            alliance_qs = Alliance.objects.filter(org_path__gte=org.path, org_path__lt=org.path + "~")
        if region.isdigit():
            alliance_qs = alliance_qs.filter(lead__region_code__startswith=region)
        alliance_ids = list(alliance_qs.values_list("id", flat=True)[:300])
        rows = AllianceMember.objects.filter(alliance_id__in=alliance_ids, left_on__isnull=True).values_list(
            "alliance_id", "institution_id", "institution__name", "role"
        )
        by_alliance = defaultdict(list)
        for alliance_id, inst_id, name, role in rows:
            nodes[f"i{inst_id}"] = name
            by_alliance[alliance_id].append((f"i{inst_id}", role))
        for members_of in by_alliance.values():
            lead = next((key for key, role in members_of if role == "lead"), None)
            categories.setdefault("医联体", len(categories))
            links += [
                {"source": lead, "target": key, "category": "医联体"}
                for key, role in members_of
                if key != lead and lead
            ]
    degree = Counter()
    for link in links:
        degree[link["source"]] += 1
        degree[link["target"]] += 1
    return {
        "nodes": [{"id": key, "name": name, "value": degree[key], "kind": key[0]} for key, name in nodes.items()],
        "links": links,
        "categories": list(categories),
        "capped": len(pairing_ids) >= MAX_EDGES,
    }


def scope_key(user, *parts) -> str:
    import hashlib

    from core.access import granted_roots

    scope = "*" if user.is_superuser else ",".join(granted_roots(user, Role.PARTNER))
    return hashlib.sha256("|".join([scope, *map(str, parts)]).encode()).hexdigest()[:32]


def cached_graph(user, category: str = "", region: str = "", org=None) -> bytes:
    """The graph as JSON bytes, rebuilt at most every STATS_CACHE_SECONDS per scope and filter."""
    import json

    from django.conf import settings
    from django.core.cache import cache

    key = "coop-graph:" + scope_key(user, category, region, org.pk if org else "")
    data = cache.get(key)
    if data is None:
        payload = graph(user, category, region, org)
        payload["computed_at"] = timezone.localtime().strftime("%Y-%m-%d %H:%M")
        data = json.dumps(payload, ensure_ascii=False).encode()
        cache.set(key, data, settings.STATS_CACHE_SECONDS)
    return data


def cached_statistics(user, region: str = "") -> dict:
    """The figures, computed at most every STATS_CACHE_SECONDS per scope (they count whole tables: a province
    has 10k pairings and a million referrals); the page says when they were computed."""
    from django.conf import settings
    from django.core.cache import cache

    key = "coop-stats:" + scope_key(user, region)
    stats = cache.get(key)
    if stats is None:
        stats = statistics(user, region)
        stats["computed_at"] = timezone.now()
        cache.set(key, stats, settings.STATS_CACHE_SECONDS)
    return stats


def statistics(user, region: str = "") -> dict:
    pairings = scoped_pairings(user, region=region)
    today = timezone.localdate()
    days = services.dormant_days()
    since = today - datetime.timedelta(days=days)
    active = pairings.filter(status=Status.ACTIVE)
    dormant = active.filter(Q(last_joint_on__lt=since) | Q(last_joint_on__isnull=True, starts_on__lt=since)).count()
    quarter_start = today.replace(month=(today.month - 1) // 3 * 3 + 1, day=1)
    joint = Activity.objects.filter(
        pairing__in=active, is_cancelled=False, starts_at__date__gte=quarter_start, starts_at__date__lte=today
    ).count()
    active_count = active.count()
    busiest = (
        PairingMember.objects.filter(pairing__in=pairings, left_on__isnull=True)
        .values("org_id", "org__name")
        .annotate(n=Count("pairing_id"))
        .order_by("-n", "org__name")[:10]
    )
    return {
        "pairings": pairings.count(),
        "active": active_count,
        "pending": pairings.filter(status=Status.PENDING).count(),
        "dormant": dormant,
        "dormant_days": days,
        "joint_this_quarter": joint,
        "joint_per_pairing": round(joint / active_count, 2) if active_count else 0,
        "busiest": list(busiest),
        "private_coverage": private_with_public_partner(user, pairings),
        "referrals": referral_counts(user),
    }


def private_with_public_partner(user, pairings) -> dict:
    """Share of the private units in scope whose party organisation has at least one public partner."""
    private = Institution.objects.visible_to(user).filter(
        ownership=Ownership.PRIVATE, is_active=True, is_operating=True
    )
    total = private.count()
    live = PairingMember.objects.filter(pairing__in=pairings.filter(status=Status.ACTIVE), left_on__isnull=True)
    public_pairings = live.filter(org__institution__ownership=Ownership.PUBLIC).values("pairing_id")
    private_orgs = live.filter(pairing_id__in=public_pairings).values("org_id")
    covered = private.filter(Q(party_orgs__in=private_orgs) | Q(managing_org__in=private_orgs)).distinct().count()
    return {
        "private_units": total,
        "with_public_partner": covered,
        "share": round(covered / total * 100, 1) if total else 0,
    }


def referral_counts(user) -> dict:
    rows = Referral.objects.visible_to(user).values_list("direction").annotate(n=Count("id")).order_by()
    counts = dict(rows)
    return {"up": counts.get(Direction.UP, 0), "down": counts.get(Direction.DOWN, 0)}


def region_choices(user) -> list[tuple[str, str]]:
    """The cities (4-digit GB/T 2260 prefixes) of the units the user sees."""
    codes = Institution.objects.visible_to(user).values_list("region_code", flat=True).distinct()[:2000]
    return city_prefix_choices(codes)
