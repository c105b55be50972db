"""Writing and retiring messages: `sync(target, wanted)` makes the open messages about one record exactly the
ones that record calls for now. Who is asked is decided by the access gate's own facts (role grants on the tree):
the administrators nearest to the record, the ones whose work it is."""

import logging

from django.conf import settings
from django.core.cache import cache
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import RoleGrant
from orgs.models import ancestor_paths

from .models import Kind, Notice, NoticeSetting

logger = logging.getLogger(__name__)
UNREAD_SECONDS = 300


def target_of(obj) -> tuple[str, int]:
    return obj._meta.label_lower, obj.pk


def nearest_holders(path: str, min_role: int) -> set[int]:
    """Users holding at least `min_role` on the deepest node at or above `path` where anyone holds it: a
    branch's article goes to its hospital's 党办, not to every administrator up to the province."""
    if not path:
        return set()
    rows = RoleGrant.objects.filter(
        org_path__in=ancestor_paths(path), role__gte=min_role, is_active=True, user__is_active=True
    ).values_list("org_path", "user_id")
    by_path: dict[str, set[int]] = {}
    for grant_path, user_id in rows:
        by_path.setdefault(grant_path, set()).add(user_id)
    return by_path[max(by_path, key=len)] if by_path else set()


def sync(obj, wanted: dict[tuple[int, str], tuple[str, str]]) -> None:
    """wanted: {(user_id, kind): (title, url)}. Open messages about `obj` not in it are done; missing ones are
    written (and emailed after the transaction commits to those who chose email for that kind)."""
    target_type, target_id = target_of(obj)
    open_notices = Notice.objects.filter(target_type=target_type, target_id=target_id, read_at__isnull=True)
    existing = {(n.user_id, n.kind): n.pk for n in open_notices.only("id", "user_id", "kind")}
    done = [pk for key, pk in existing.items() if key not in wanted]
    if done:
        Notice.objects.filter(pk__in=done).update(read_at=timezone.now())
    new = [
        Notice(user_id=user_id, kind=kind, title=title[:200], url=url, target_type=target_type, target_id=target_id)
        for (user_id, kind), (title, url) in wanted.items()
        if (user_id, kind) not in existing
    ]
    if new:
        Notice.objects.bulk_create(new, ignore_conflicts=True)
        transaction.on_commit(lambda: email_new(new))
    forget_unread({user_id for user_id, _ in existing} | {n.user_id for n in new})


def done_for(obj, user_ids=None, kinds=None) -> None:
    """Mark the open messages about `obj` done (for these users / kinds only, when given)."""
    target_type, target_id = target_of(obj)
    qs = Notice.objects.filter(target_type=target_type, target_id=target_id, read_at__isnull=True)
    if user_ids is not None:
        qs = qs.filter(user_id__in=list(user_ids))
    if kinds is not None:
        qs = qs.filter(kind__in=list(kinds))
    users = set(qs.values_list("user_id", flat=True))
    if users:
        qs.update(read_at=timezone.now())
        forget_unread(users)


def unread_count(user) -> int:
    """The header's badge: cached per user, forgotten whenever one of their messages is written or done."""
    if not user.is_authenticated:
        return 0
    key = f"notices:unread:{user.pk}"
    count = cache.get(key)
    if count is None:
        count = Notice.objects.filter(user=user, read_at__isnull=True)[:100].count()
        cache.set(key, count, UNREAD_SECONDS)
    return count


def forget_unread(user_ids) -> None:
    if user_ids:
        cache.delete_many([f"notices:unread:{pk}" for pk in user_ids])


def email_new(notices: list[Notice]) -> None:
    """Email the messages whose user chose email for their kind and has an address. A failure to send is logged:
    the message is in the message centre whatever happens to the mail."""
    from django.contrib.auth import get_user_model

    chosen = set(
        NoticeSetting.objects.filter(user_id__in={n.user_id for n in notices}, email=True).values_list(
            "user_id", "kind"
        )
    )
    wanted = [n for n in notices if (n.user_id, n.kind) in chosen]
    if not wanted:
        return
    addresses = dict(get_user_model().objects.filter(pk__in={n.user_id for n in wanted}).values_list("pk", "email"))
    labels = dict(Kind.choices)
    for notice in wanted:
        address = addresses.get(notice.user_id)
        if not address:
            continue
        link = settings.SITE_URL.rstrip("/") + notice.url
        try:
            send_mail(f"【共建】{labels[notice.kind]}", f"{notice.title}\n\n办理：{link}\n", None, [address])
        except Exception:
            logger.exception("notice email to user %s failed", notice.user_id)
            continue
        Notice.objects.filter(user_id=notice.user_id, kind=notice.kind, target_type=notice.target_type,
                              target_id=notice.target_id, read_at__isnull=True).update(emailed_at=timezone.now())  # fmt: skip
