from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from rest_framework.authtoken.models import Token

from core.access import Role, get_visible_or_404, highest_role, require

from .forms import GrantForm
from .models import RoleGrant


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
    grants = (
        RoleGrant.objects.visible_to(request.user)
        .select_related("user", "org")
        .order_by("org_path", "role", "user__username")[:500]
    )
    return render(request, "accounts/grants.html", {"grants": grants})


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
