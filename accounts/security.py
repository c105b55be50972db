"""Sign-in protections expected of a system holding personal data (等保 level 3): password rules, lockout after
repeated failures, an initial password changed at first sign-in, an idle timeout, and a second factor (TOTP) for
administrators.

The middleware here runs on every signed-in request, so each check reads only the session and the user object
that core.access.cached_user already holds: no query on the request floor.
"""

import re
import time
from functools import lru_cache
from math import floor
from pathlib import Path

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.db.models import Sum
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from core.access import Role, highest_role

OTP_SESSION_KEY = "otp_device_id"  # django_otp's DEVICE_ID_SESSION_KEY: django_otp.login() sets it
PASSWORD_CHANGE_SESSION_KEY = "must_change_password"
LAST_SEEN_SESSION_KEY = "last_seen"
LAST_SEEN_RESOLUTION = 60  # seconds: the session is rewritten at most once a minute to record activity


# --- passwords --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def weak_passwords() -> frozenset[str]:
    path = Path(__file__).parent / "data" / "weak_passwords_cn.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip() and not line.startswith("#"))


class ChineseCommonPasswordValidator:
    """Refuses passwords common in Chinese use (woaini1314, 1qaz2wsx, dangjian123, 5201314 …), also with digits or
    symbols added at the end, and passwords made of the username with such additions."""

    def validate(self, password, user=None):
        lower = password.lower()
        stem = re.sub(r"[\d\W_]+$", "", lower)
        username = (getattr(user, "username", "") or "").lower()
        if lower in weak_passwords() or (stem and stem in weak_passwords()) or (username and stem == username):
            raise ValidationError("该密码过于常见，容易被猜到，请换一个", code="password_common_cn")

    def get_help_text(self):
        return "不能使用常见密码（如 woaini1314、1qaz2wsx、单位拼音加数字）"


class CharacterClassesValidator:
    """At least three of: lower-case letters, upper-case letters, digits, other characters."""

    def __init__(self, min_classes: int = 3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                f"密码须包含小写字母、大写字母、数字、符号中的至少{self.min_classes}类", code="password_classes"
            )

    def get_help_text(self):
        return f"须包含小写字母、大写字母、数字、符号中的至少{self.min_classes}类"


# --- lockout ------------------------------------------------------------------------------------------------


class LockoutHandler(AxesDatabaseHandler):
    """django-axes counts failures per account and per address under one limit; a hospital signs in from behind
    one NAT address, so the address gets its own, higher limit (LOGIN_FAILURES_PER_ADDRESS)."""

    def get_failures(self, request, credentials=None) -> int:
        per_account, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        scale = settings.AXES_FAILURE_LIMIT / settings.LOGIN_FAILURES_PER_ADDRESS
        return max(per_account, floor(per_address * scale))


def locked_out(request, credentials, *args, **kwargs):
    """What a locked-out sign-in sees (AXES_LOCKOUT_CALLABLE), on the site and on /admin/."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "accounts/locked.html", {"minutes": minutes}, status=429)


# --- second factor ------------------------------------------------------------------------------------------


def needs_second_factor(user) -> bool:
    """Sector and unit administrators and superusers sign in with a one-time code as well (CONFIG: OTP_REQUIRED)."""
    return (
        settings.OTP_REQUIRED
        and user.is_authenticated
        and (user.is_superuser or user.is_staff or highest_role(user) >= Role.UNIT_ADMIN)
    )


def confirmed_devices(user) -> frozenset[str]:
    """Persistent ids of the user's confirmed TOTP devices; loaded with the cached user (accounts.backends)."""
    devices = getattr(user, "_gongjian_otp_devices", None)
    if devices is None:
        devices = load_confirmed_devices(user)
        user._gongjian_otp_devices = devices
    return devices


def load_confirmed_devices(user) -> frozenset[str]:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return frozenset(d.persistent_id for d in TOTPDevice.objects.filter(user_id=user.pk, confirmed=True))


def bind_authenticator(user, key_hex: str | None = None):
    """The user's confirmed TOTP device, created with this key (or a random one) if they have none: the demo logins
    come with one bound, so that `manage.py demo_otp_code` can show their codes."""
    from django_otp.plugins.otp_totp.models import TOTPDevice, default_key

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="验证器", key=key_hex or default_key(), confirmed=True)


def second_factor_done(request) -> bool:
    return request.session.get(OTP_SESSION_KEY) in confirmed_devices(request.user)


# --- middleware ---------------------------------------------------------------------------------------------

EXEMPT_PREFIXES = ("/static/", "/media/", "/healthz", "/news/site/", "/accounts/logout/", "/accounts/login/")


class SignInStateMiddleware:
    """After authentication: an idle session ends; an initial password must be changed; an administrator must
    have passed the second factor. Until then every page leads to the step that is missing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and not request.path.startswith(EXEMPT_PREFIXES):
            response = self._check(request, user)
            if response is not None:
                return response
        return self.get_response(request)

    def _check(self, request, user):
        session = request.session
        now = int(time.time())
        last_seen = session.get(LAST_SEEN_SESSION_KEY)
        if last_seen is not None and now - last_seen > idle_seconds():
            logout(request)
            messages.info(request, "长时间未操作，已自动退出，请重新登录")
            return redirect(f"{reverse('accounts:login')}?next={request.get_full_path()}")
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            session[LAST_SEEN_SESSION_KEY] = now
        if needs_second_factor(user) and not second_factor_done(request):
            if request.path.startswith("/api/"):  # a session without the second factor reads no data
                return JsonResponse({"detail": "请先在网页上完成二次验证"}, status=403)
            if not request.path.startswith(reverse("accounts:otp")):
                return redirect(f"{reverse('accounts:otp')}?next={request.get_full_path()}")
            request.sign_in_pending = True  # the page shows no menu that would only lead back here
            return None
        if session.get(PASSWORD_CHANGE_SESSION_KEY):
            if not request.path.startswith(reverse("accounts:password")):
                messages.info(request, "请先修改管理员为您设置的初始密码")
                return redirect("accounts:password")
            request.sign_in_pending = True
        return None


_idle = {"value": None, "read_at": 0.0}


def idle_seconds() -> int:
    """The CONFIG idle timeout (规则参数 session_idle_minutes), re-read at most once a minute per process."""
    if _idle["value"] is None or time.monotonic() - _idle["read_at"] > 60:
        from orgs.rules import current_settings

        _idle["value"] = int(current_settings()["session_idle_minutes"]) * 60
        _idle["read_at"] = time.monotonic()
    return _idle["value"]


def on_signed_in(sender, request, user, **kwargs):
    """user_logged_in: start the idle clock; remember whether the password is an initial one."""
    from .models import AccountState

    if request is None or not hasattr(request, "session"):
        return
    request.session[LAST_SEEN_SESSION_KEY] = int(time.time())
    if AccountState.objects.filter(user=user, must_change_password=True).exists():
        request.session[PASSWORD_CHANGE_SESSION_KEY] = True


def client_address(request) -> str:
    """The client's address for lockouts: the last X-Forwarded-For hop when our own proxy adds it, else the peer."""
    if settings.TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")
