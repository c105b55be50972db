"""Which accounts an administrator may act on, whether one is locked out, and opening accounts in bulk."""

import datetime
import secrets
from dataclasses import dataclass

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from core.access import Role, role_at
from people.models import Person

from .models import AccountActivation, RoleGrant

BULK_OPEN_LIMIT = 500  # accounts per run: a large hospital's members, opened branch by branch above that
MAX_ACTIVATION_FAILURES = 5
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I/L: read off a printed slip


def can_manage_account(admin, account) -> bool:
    """Only accounts whose every active grant lies where the admin holds a role at least as high (and at least unit
    admin) may be changed: a unit admin cannot touch another hospital's login, a superuser or a staff account. An
    account without grants is managed through the person record linked to it, if any."""
    if admin.is_superuser:
        return True
    if account.is_superuser or account.is_staff:
        return False
    grants = list(account.grants.filter(is_active=True).values_list("org_path", "role"))
    if not grants:
        person = Person.objects.filter(user=account).only("org_path").first()
        return person is None or role_at(admin, person.org_path) >= Role.UNIT_ADMIN
    return all(role_at(admin, path) >= max(role, Role.UNIT_ADMIN) for path, role in grants)


def locked_usernames(usernames) -> set[str]:
    """Which of these accounts are locked out now (one query)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    rows = (
        AccessAttempt.objects.filter(username__in=set(usernames), attempt_time__gte=since)
        .values("username")
        .annotate(total=Sum("failures_since_start"))
    )
    return {row["username"] for row in rows if row["total"] >= settings.AXES_FAILURE_LIMIT}


@dataclass
class OpenedAccount:
    person: Person
    username: str
    code: str
    expires_at: datetime.datetime


def activation_code() -> str:
    """Ten characters from 31 (about 50 bits), shown as XXXXX-XXXXX."""
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(10))
    return f"{raw[:5]}-{raw[5:]}"


def code_hash(user_id: int, code: str) -> str:
    """A keyed hash: a random one-time code needs no slow password hash (500 accounts open in one request)."""
    cleaned = code.strip().upper().replace("-", "").replace(" ", "")
    return salted_hmac("gongjian.activation", f"{user_id}:{cleaned}", algorithm="sha256").hexdigest()


def free_usernames(bases: list[str]) -> list[str]:
    """One unused username per base (the name's pinyin), numbered where taken: leijimin, leijimin2 …"""
    User = get_user_model()
    if not bases:
        return []
    pattern = rf"^({'|'.join(sorted(set(bases)))})[0-9]*$"  # bases are ASCII letters and digits only
    taken = set(User.objects.filter(username__regex=pattern).values_list("username", flat=True))
    names = []
    for base in bases:
        candidate, n = base, 1
        while candidate in taken:
            n += 1
            candidate = f"{base}{n}"
        taken.add(candidate)
        names.append(candidate)
    return names


def open_accounts(admin, people: list[Person], days: int) -> list[OpenedAccount]:
    """A member login for each person (no password until its owner sets one with the code), all or nothing."""
    User = get_user_model()
    expires = timezone.now() + datetime.timedelta(days=days)
    bases = [
        "".join(ch for ch in (p.name_pinyin or "") if ch.isalnum() and ch.isascii()).lower() or "user" for p in people
    ]
    opened = []
    with transaction.atomic():
        for person, username in zip(people, free_usernames(bases), strict=True):
            user = User(username=username, first_name=person.name)
            user.set_unusable_password()
            user.save()
            RoleGrant(user=user, org_id=person.home_org_id, org_path=person.org_path, role=Role.MEMBER).save()
            person.user = user
            person.save()
            code = activation_code()
            AccountActivation.objects.create(user=user, code_hash=code_hash(user.pk, code), expires_at=expires,
                                             created_by=admin)  # fmt: skip
            opened.append(OpenedAccount(person, username, code, expires))
    return opened


def activate(username: str, code: str) -> tuple[object | None, str]:
    """(user, "") when the code opens the login, else (None, the reason to show)."""
    refused = "用户名或开通码不正确，或开通码已失效（请联系本单位党办重新开通）"
    with transaction.atomic():
        activation = (
            AccountActivation.objects.select_for_update().select_related("user").filter(user__username=username).first()
        )
        if activation is None or activation.expires_at < timezone.now():
            return None, refused
        if not constant_time_compare(activation.code_hash, code_hash(activation.user_id, code)):
            activation.failures += 1
            if activation.failures >= MAX_ACTIVATION_FAILURES:
                activation.delete()
            else:
                activation.save(update_fields=["failures"])
            return None, refused
        return activation.user, ""
