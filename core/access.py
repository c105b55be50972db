"""The one access gate.

A role is granted at a node of the party organisation tree and covers its subtree. Every scoped row carries
the materialised path of the node it belongs to (`org_path`), so "what may this user see" is a union of
index range scans: org_path >= grant_path AND org_path < grant_path || '~'.

Pages, forms, exports, imports, the API and search all go through `visible_to(user, action)`:
outside scope -> 404; in scope but the role is too low for the action -> 403 (`require(user, obj, action)`).
"""

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q
from django.http import Http404

from core import versions
from core.fields import BytewiseCharField

PATH_END = "~"  # sorts after every path character (0-9, a-z) under the C / BINARY collation


class Role(models.IntegerChoices):
    PARTNER = 5, "共建单位联系人"
    MEMBER = 10, "党员"
    SECRETARY = 20, "支部书记"
    UNIT_ADMIN = 30, "单位管理员（党办）"
    SECTOR_ADMIN = 40, "行业管理员"


class PathField(BytewiseCharField):
    """A materialised path. Compared byte-wise on every engine so range scans use the index."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 255)
        super().__init__(*args, **kwargs)


def subtree_q(path: str, field: str = "org_path") -> Q:
    return Q(**{f"{field}__gte": path, f"{field}__lt": path + PATH_END})


def grants_of(user) -> list[tuple[str, int]]:
    """(path, role) pairs of the user's active grants, cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    if not hasattr(user, "_gongjian_grants"):
        _load_access_facts(user)
    return user._gongjian_grants


def own_person(user) -> tuple[int, str] | None:
    """(id, org_path) of the person record linked to this login, cached on the user for the request."""
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_gongjian_grants"):
        _load_access_facts(user)
    return user._gongjian_person


def _load_access_facts(user) -> None:
    """Grants and the linked person record in one round trip (every scoped page needs both)."""
    from django.db import connection

    from accounts.models import RoleGrant
    from people.models import Person

    sql = (
        f"SELECT org_path, role, 0 FROM {RoleGrant._meta.db_table} WHERE user_id = %s AND is_active "
        f"UNION ALL SELECT org_path, 0, id FROM {Person._meta.db_table} WHERE user_id = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        rows = cursor.fetchall()
    user._gongjian_grants = [(path, role) for path, role, person_id in rows if not person_id]
    user._gongjian_person = next(((person_id, path) for path, _, person_id in rows if person_id), None)


ACCESS_FACTS_VERSION = "access-facts"
# An upper bound on how long cached facts live. Every write that changes them renews the version at once (signals
# in accounts.apps, renew_access_facts() after bulk writes); the bound only limits what a missed path could cost.
ACCESS_FACTS_SECONDS = 300


def cached_user(key: str, load):
    """The user with their access facts, from the cache under the current facts version, else from load().

    Saves the signed-in request floor one query (0.25 ms on PostgreSQL, a fifth of an API page's own work)."""
    cache_key = f"access-facts:{versions.current(ACCESS_FACTS_VERSION)}:{key}"
    user = cache.get(cache_key)
    if user is None:
        user = load()
        if user is not None:
            cache.set(cache_key, user, ACCESS_FACTS_SECONDS)
    return user


def renew_access_facts(**signal_kwargs) -> None:
    """A user, grant, token or person record changed: no cached access facts survive it."""
    versions.renew(ACCESS_FACTS_VERSION)


class AccessFactsQuerySet(models.QuerySet):
    """For the tables cached_user reads besides the users (grants, people). Saves and deletes renew the cached
    facts through signals; bulk writes send none, so they renew them here."""

    def update(self, **kwargs):
        renew_access_facts()
        return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        renew_access_facts()
        return super().bulk_update(objs, fields, batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        renew_access_facts()
        return super().bulk_create(objs, *args, **kwargs)


def user_with_access_facts(condition: str, param, join: str = ""):
    """The user matching `condition` (SQL over `u`, the user table, and whatever `join` adds) with their
    active grants and person record attached: one query where loading the user and then the grants is two.
    One row per grant. Every signed-in request starts here (the session's backend and the API's tokens)."""
    from django.contrib.auth import get_user_model

    from accounts.models import RoleGrant
    from people.models import Person

    user_model = get_user_model()
    sql = (
        "SELECT u.*, g.org_path AS gj_grant_path, g.role AS gj_grant_role, p.id AS gj_person_id,"
        f" p.org_path AS gj_person_path FROM {user_model._meta.db_table} u {join}"
        f" LEFT JOIN {RoleGrant._meta.db_table} g ON g.user_id = u.id AND g.is_active"
        f" LEFT JOIN {Person._meta.db_table} p ON p.user_id = u.id WHERE {condition}"
    )
    rows = list(user_model.objects.raw(sql, [param]))
    if not rows:
        return None
    user = rows[0]
    user._gongjian_grants = [(row.gj_grant_path, row.gj_grant_role) for row in rows if row.gj_grant_path is not None]
    user._gongjian_person = (user.gj_person_id, user.gj_person_path) if user.gj_person_id else None
    return user


def role_at(user, path: str) -> int:
    """The highest role the user holds at a node with this path (grants on ancestors count)."""
    if not user.is_authenticated:
        return 0
    if user.is_superuser:
        return Role.SECTOR_ADMIN
    return max((role for gpath, role in grants_of(user) if path.startswith(gpath)), default=0)


def granted_roots(user, min_role: int) -> list[str]:
    """Paths of the tops of the subtrees the user holds at least `min_role` on."""
    return minimal_paths([p for p, role in grants_of(user) if role >= min_role])


def highest_role(user) -> int:
    if user.is_superuser:
        return Role.SECTOR_ADMIN
    return max((role for _, role in grants_of(user)), default=0)


def scope_q(user, min_role: int, field: str = "org_path") -> Q | None:
    """Q selecting rows under the user's grants of at least min_role; None means everything (superuser)."""
    if user.is_superuser:
        return None
    paths = minimal_paths([p for p, role in grants_of(user) if role >= min_role])
    if not paths:
        return Q(pk__in=[])
    q = Q()
    for path in paths:
        q |= subtree_q(path, field)
    return q


def under_any(queryset, paths: list[str], field: str = "org_path", tag: str = "under"):
    """Rows whose `field` starts with one of the paths, written as substr() equality instead of index ranges.

    For lists ordered by another index (newest first, by date): on SQLite a range on the scope index makes the
    planner prefer it, gather every row in scope and sort them all; a non-indexable prefix test lets it walk
    the ordering index and stop after a page. PostgreSQL estimates the range from its statistics and already
    walks the ordering index when most rows qualify, so it keeps the plain range.
    """
    from django.db import connection
    from django.db.models.functions import Substr

    q = Q(pk__in=[])
    if connection.vendor == "postgresql":  # its histograms size a range right (a substr test it guesses at 0.5%)
        for path in paths:
            q |= subtree_q(path, field)
        return queryset.filter(q)
    for i, path in enumerate(paths):
        name = f"_{tag}{i}"
        queryset = queryset.annotate(**{name: Substr(field, 1, len(path))})
        q |= Q(**{name: path})
    return queryset.filter(q)


def paths_above_grants(user, min_role: int) -> set[str]:
    """The paths of the nodes the user holds min_role on and of every node above them: what is issued above
    a user's organisation (a nomination batch, a survey round, a unit's news columns) is addressed to them."""
    from orgs.models import ancestor_paths

    return {p for root in granted_roots(user, min_role) for p in ancestor_paths(root)}


def minimal_paths(paths: list[str]) -> list[str]:
    """Drop paths covered by another path so the query has one range per disjoint subtree."""
    result: list[str] = []
    for path in sorted(set(paths)):
        if not result or not path.startswith(result[-1]):
            result.append(path)
    return result


class ScopedQuerySet(models.QuerySet):
    """Base queryset of every scoped model. Models declare the role each action needs in `access_roles`."""

    scope_field = "org_path"

    def visible_to(self, user, action: str = "view"):
        if not user.is_authenticated:
            return self.none()
        q = scope_q(user, self.model.access_roles[action], self.scope_field)
        if q is None:
            return self
        extra = self.also_visible(user, action)
        return self.filter(q | extra if extra is not None else q)

    def visible_under(self, user, path: str, action: str = "view"):
        """visible_to(user, action) within the subtree at `path`, as the subtree's range alone when one of the
        user's grants covers all of it (every row there is visible). SQLite seeks an index on one pair of bounds
        and filters the rest: the grant's range beside the subtree's made it read the grant's whole range (a
        city's warnings counted by kind, under a province grant: 2.6 -> 0.2 ms)."""
        if not user.is_authenticated:
            return self.none()
        in_subtree = self.filter(subtree_q(path, self.scope_field))
        roots = granted_roots(user, self.model.access_roles[action])
        if user.is_superuser or any(path.startswith(root) for root in roots):
            return in_subtree
        return in_subtree & self.visible_to(user, action)

    def also_visible(self, user, action: str) -> Q | None:
        """Rows visible outside the user's grants (e.g. a member's own record); None for most models."""
        return None

    def visible_one(self, user, **lookup):
        """The one row matching `lookup` if the user may view it, else None (the detail pages' gate)."""
        return next(iter(self.visible_to(user, "view").filter(**lookup)[:1]), None)  # no ORDER BY, unlike first()


class SidedQuerySet(ScopedQuerySet):
    """A record with several sides (a pairing's members, an alliance's units). A detail page fetches the row by
    its key and asks the row whether the user is on one of its sides: cheaper than `visible_to`'s subquery over
    every side in the user's scope."""

    def visible_one(self, user, **lookup):
        if not user.is_authenticated:
            return None
        obj = next(iter(self.filter(**lookup)[:1]), None)
        return obj if obj is not None and can(user, obj, "view") else None


def listable_by_both_sides(queryset, user, role: int, fields=("org_path", "to_path")):
    """The rows of a two-sided record (a referral, a transfer) under the user's grants on either side, written so
    that a newest-first page walks the primary key backwards and stops after a page: two range scans OR-ed
    together would make both engines gather and sort every row in scope (a province has a million referrals).
    substr() = prefix, not LIKE: PostgreSQL turns a LIKE prefix on a C-collated column into index ranges."""
    from django.db.models.functions import Substr

    if user.is_superuser:
        return queryset.all()
    if not user.is_authenticated:
        return queryset.none()
    q = Q(pk__in=[])
    for i, path in enumerate(granted_roots(user, role)):
        for j, field in enumerate(fields):
            name = f"_side{i}_{j}"
            queryset = queryset.annotate(**{name: Substr(field, 1, len(path))})
            q |= Q(**{name: path})
    return queryset.filter(q)


def visible_through(user, role: int, rows, column: str) -> Q | None:
    """Q matching the objects some of whose `rows` (members, organisers …) lie under the user's grants of at
    least `role`: how a record with several sides is seen by each side. None when the user sees everything."""
    q = scope_q(user, role)
    return None if q is None else Q(pk__in=rows.filter(q).values(column))


def can(user, obj, action: str) -> bool:
    return role_at(user, obj.org_path or "") >= type(obj).access_roles[action] or _own_record(user, obj, action)


def _own_record(user, obj, action) -> bool:
    own = getattr(obj, "is_own_record_of", None)
    return bool(own and action == "view" and own(user))


def get_visible_or_404(user, queryset, **lookup):
    obj = queryset.visible_one(user, **lookup)
    if obj is None:
        raise Http404("不存在或无权查看")
    return obj


def require(user, obj, action: str) -> None:
    if not can(user, obj, action):
        raise PermissionDenied("您的角色无权执行此操作")


def get_changeable_or_404(user, queryset, **lookup):
    """The object a change acts on: 404 outside the user's scope, 403 when their role may only view it."""
    obj = get_visible_or_404(user, queryset, **lookup)
    require(user, obj, "change")
    return obj


def object_to_edit(user, queryset, pk, create_role: int, refusal: str):
    """What a create-or-edit form works on: the object (404 outside scope, 403 without the right to change it), or
    None for a new one when the user holds `create_role` somewhere (else 403 with `refusal`)."""
    if pk is not None:
        return get_changeable_or_404(user, queryset, pk=pk)
    if highest_role(user) < create_role:
        raise PermissionDenied(refusal)
    return None


def recheck_in_scope(user, obj, action: str = "change") -> None:
    """After a save, inside the same transaction: the saved object must still be the user's to change.

    Raising rolls the transaction back, so a forged form cannot move a record out of the user's reach.
    """
    obj.refresh_from_db()
    if not can(user, obj, action):
        raise PermissionDenied("保存后的记录超出您的管理范围")
