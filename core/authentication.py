"""API authentication (its own module: DRF imports it while defining its views, so it must not import them)."""

import hashlib

from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from core.access import cached_user, user_with_access_facts


class TokenAuthentication(authentication.TokenAuthentication):
    """DRF's token authentication, with the user's grants and person record read in the same query: DRF reads
    the token and its user, then the gate reads the grants, two round trips that cost more than the rest of a
    list page on PostgreSQL."""

    def authenticate_credentials(self, key):
        digest = hashlib.sha256(key.encode()).hexdigest()  # the key itself never goes into the cache
        join = f"JOIN {Token._meta.db_table} t ON t.user_id = u.id"
        user = cached_user(f"token:{digest}", lambda: user_with_access_facts("t.key = %s", key, join=join))
        if user is None:
            raise exceptions.AuthenticationFailed("无效的令牌")
        if not user.is_active:
            raise exceptions.AuthenticationFailed("账号已停用")
        return user, Token(key=key, user=user)
