import base64

import segno
from axes.utils import reset as reset_lockout
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice
from markupsafe import Markup
from rest_framework.authtoken.models import Token

from core.access import Role, get_visible_or_404, granted_roots, highest_role, require, under_any
from orgs.rules import current_settings
from people.models import MEMBER_STATUSES

from . import security
from .forms import ActivationForm, GrantForm
from .models import AccountActivation, AccountState, RoleGrant
from .services import BULK_OPEN_LIMIT, activate, can_manage_account, locked_usernames, open_accounts


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


@login_required
def api_token(request):
    token = Token.objects.filter(user=request.user).first()
    return render(request, "accounts/token.html", {"token": token})


@login_required
@require_POST
def api_token_reset(request):
    Token.objects.filter(user=request.user).delete()
    Token.objects.create(user=request.user)
    return redirect("accounts:token")


def _require_admin(user):
    if highest_role(user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以管理账号")


@login_required
def grant_list(request):
    _require_admin(request.user)
    grants = list(
        RoleGrant.objects.visible_to(request.user)
        .select_related("user", "org")
        .order_by("org_path", "role", "user__username")[:500]
    )
    locked = locked_usernames(g.user.username for g in grants)
    return render(request, "accounts/grants.html", {"grants": grants, "locked": locked})


@login_required
def grant_create(request):
    _require_admin(request.user)
    form = GrantForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            account = data["existing"]
            if account is None:
                account = get_user_model().objects.create_user(
                    data["username"], password=data["password"], first_name=data["full_name"]
                )
                AccountState.require_password_change(account)  # an initial password is changed at first sign-in
            grant = RoleGrant(user=account, org=data["org"], role=data["role"])
            grant.save()
            if data.get("person"):
                person = data["person"]
                person.user = account
                person.save()
        messages.success(request, f"已授权：{account.username} · {data['org'].name} · {grant.get_role_display()}")
        return redirect("accounts:grants")
    return render(request, "accounts/grant_form.html", {"form": form})


@login_required
@require_POST
def grant_revoke(request, pk):
    _require_admin(request.user)
    grant = get_visible_or_404(request.user, RoleGrant.objects, pk=pk)
    require(request.user, grant, "change")
    if grant.role > highest_role(request.user) and not request.user.is_superuser:
        raise PermissionDenied("不能撤销高于您自己的角色")
    grant.is_active = False
    grant.save()
    messages.success(request, f"已撤销：{grant}")
    return redirect("accounts:grants")


def _managed_account(request, pk):
    """An account the signed-in administrator may act on: every grant of it lies in their scope (else 404)."""
    _require_admin(request.user)
    account = get_object_or_404(get_user_model(), pk=pk)
    if not can_manage_account(request.user, account):
        raise Http404("账号不存在或不在您的管理范围内")
    return account


@login_required
@require_POST
def account_unlock(request, pk):
    account = _managed_account(request, pk)
    reset_lockout(username=account.username)
    messages.success(request, f"已解除 {account.username} 的登录锁定")
    return redirect("accounts:grants")


@login_required
@require_POST
def account_reset_otp(request, pk):
    account = _managed_account(request, pk)
    TOTPDevice.objects.filter(user=account).delete()
    messages.success(request, f"已重置 {account.username} 的二次验证，其下次登录时重新绑定验证器")
    return redirect("accounts:grants")


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/"


@login_required
def otp(request):
    """The second factor: bind an authenticator app (first time) or enter its current code."""
    user = request.user
    if not security.needs_second_factor(user) or security.second_factor_done(request):
        return redirect(_next_url(request))
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    enrolling = device is None
    if enrolling:
        device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first() or (
            TOTPDevice.objects.create(user=user, name="验证器", confirmed=False)
        )
    error = ""
    if request.method == "POST":
        code = "".join(request.POST.get("code", "").split())
        allowed, _ = device.verify_is_allowed()
        if not allowed:
            error = "验证码错误次数过多，请稍等一会儿再试"
        elif code.isdigit() and device.verify_token(code):
            if enrolling:
                device.confirmed = True
                device.save(update_fields=["confirmed"])
            otp_login(request, device)
            return redirect(_next_url(request))
        else:
            error = "验证码不正确或已过期，请输入验证器 App 当前显示的 6 位数字"
    context = {"enrolling": enrolling, "error": error, "next": _next_url(request)}
    if enrolling:
        context["qr_svg"] = Markup(segno.make(device.config_url, error="m").svg_inline(scale=4))
        context["secret"] = base64.b32encode(device.bin_key).decode().rstrip("=")
    return render(request, "accounts/otp.html", context)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        update_session_auth_hash(request, form.user)
        AccountState.objects.update_or_create(
            user=form.user, defaults={"must_change_password": False, "password_changed_at": timezone.now()}
        )
        request.session.pop(security.PASSWORD_CHANGE_SESSION_KEY, None)
        messages.success(request, "密码已修改")
        return redirect("core:home")
    forced = bool(request.session.get(security.PASSWORD_CHANGE_SESSION_KEY))
    return render(request, "accounts/password.html", {"form": form, "forced": forced})


# --- accounts opened in bulk -------------------------------------------------------------------------------
def _openable(request):
    """Members in the people list's filter (its query string) who have no login, in the admin's scope."""
    from people.views import filtered_people

    qs = filtered_people(request).filter(user__isnull=True, party_status__in=MEMBER_STATUSES, is_active=True)
    if not request.user.is_superuser:
        qs = under_any(qs, granted_roots(request.user, Role.UNIT_ADMIN))
    return qs.select_related("home_org").order_by("org_path", "id")


@login_required
def bulk_open(request):
    """批量开通账号: a member login for everyone in the filter, each with a one-time code printed on a slip."""
    _require_admin(request.user)
    people = list(_openable(request)[: BULK_OPEN_LIMIT + 1])
    too_many = len(people) > BULK_OPEN_LIMIT
    if request.method == "POST" and people and not too_many:
        opened = open_accounts(request.user, people, int(current_settings()["activation_days"]))
        return render(request, "accounts/bulk_slips.html", {
            "opened": opened, "activate_url": request.build_absolute_uri(reverse("accounts:activate")),
        })  # fmt: skip
    return render(request, "accounts/bulk_open.html", {
        "people": people[:BULK_OPEN_LIMIT], "too_many": too_many, "limit": BULK_OPEN_LIMIT,
        "days": current_settings()["activation_days"],
    })  # fmt: skip


def activate_account(request):
    """A member opened in bulk sets their own password with the code on their slip (no sign-in needed)."""
    form = ActivationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user, problem = activate(form.cleaned_data["username"], form.cleaned_data["code"])
        if user is None:
            form.add_error(None, problem)
        else:
            password_form = SetPasswordForm(user, {"new_password1": form.cleaned_data["new_password1"],
                                                   "new_password2": form.cleaned_data["new_password2"]})  # fmt: skip
            if password_form.is_valid():
                with transaction.atomic():
                    password_form.save()
                    AccountState.objects.update_or_create(
                        user=user, defaults={"must_change_password": False, "password_changed_at": timezone.now()}
                    )
                    AccountActivation.objects.filter(user=user).delete()
                messages.success(request, "账号已开通，请用新密码登录")
                return redirect("accounts:login")
            for errors in password_form.errors.values():
                for error in errors:
                    form.add_error("new_password1", error)
    return render(request, "accounts/activate.html", {"form": form})
