"""Sign-in backend: Django's, with the user's grants read in the same query as the user."""

from django.contrib.auth.backends import ModelBackend

from core.access import cached_user, user_with_access_facts


class GrantsModelBackend(ModelBackend):
    """Every signed-in page loads the user from the session and then, at the access gate, their grants and
    person record; here both come in one query (one round trip fewer on every page)."""

    def get_user(self, user_id):
        user = cached_user(f"user:{user_id}", lambda: _with_devices(user_with_access_facts("u.id = %s", user_id)))
        return user if user is not None and self.user_can_authenticate(user) else None


def _with_devices(user):
    """An administrator's confirmed second-factor devices travel with the cached user (checked on every page)."""
    from .security import load_confirmed_devices, needs_second_factor

    if user is not None:
        user._gongjian_otp_devices = load_confirmed_devices(user) if needs_second_factor(user) else frozenset()
    return user
