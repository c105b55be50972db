"""Which accounts an administrator may act on, and whether one is locked out."""

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

from core.access import Role, role_at
from people.models import Person


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
