from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from core.access import Role, highest_role, role_at
from orgs.forms import OrgChoiceField, org_lookup, scoped_orgs
from people.forms import person_field
from people.models import Person

from .models import RoleGrant
from .services import can_manage_account


class GrantForm(forms.Form):
    """Give a login a role at an organisation: a new account, or an existing one by username."""

    username = forms.CharField(label="用户名", max_length=150, help_text="已有账号填写其用户名；新账号将被创建")
    full_name = forms.CharField(label="姓名/说明", max_length=150, required=False)
    password = forms.CharField(
        label="初始密码", required=False, widget=forms.PasswordInput(render_value=False), help_text="仅新建账号时需要"
    )
    org = OrgChoiceField(queryset=None, label="党组织")
    role = forms.TypedChoiceField(label="角色", coerce=int, choices=())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].queryset = scoped_orgs(user, Role.UNIT_ADMIN)
        org_lookup(self.fields["org"], Role.UNIT_ADMIN)
        top = highest_role(user)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value <= top]
        self.fields["person"] = person_field(user, "关联人员档案", action="change")
        self.fields["person"].help_text = "党员本人登录时关联其档案"

    def clean(self):
        data = super().clean()
        org, role = data.get("org"), data.get("role")
        if org and role and not self.user.is_superuser and role > role_at(self.user, org.path):
            self.add_error("role", "不能授予高于您自己在该组织的角色")
        existing = get_user_model().objects.filter(username=data.get("username")).first()
        if existing is None:
            if not data.get("password"):
                self.add_error("password", "新建账号须设置初始密码")
            else:
                try:
                    validate_password(data["password"])
                except forms.ValidationError as error:
                    self.add_error("password", error)
        elif not can_manage_account(self.user, existing):
            self.add_error("username", "该账号不在您的管理范围内（它在您管理范围以外还有授权，或是系统管理员账号）")
        elif org and RoleGrant.objects.filter(user=existing, org=org, role=role).exists():
            self.add_error(None, "该账号在此组织已有该角色")
        self._check_person_link(data.get("person"), existing)
        data["existing"] = existing
        return data

    def _check_person_link(self, person, account) -> None:
        """A person record belongs to one login, and a login to one person record; never to an administrator's."""
        if person is None:
            return
        if person.user_id and (account is None or person.user_id != account.pk):
            self.add_error("person", f"该人员档案已关联账号 {person.user.username}，一个档案只能关联一个账号")
        elif account is not None and (account.is_superuser or account.is_staff):
            self.add_error("person", "系统管理员账号不能关联人员档案")
        elif account is not None:
            linked = Person.objects.filter(user=account).exclude(pk=person.pk).first()
            if linked is not None:
                self.add_error("person", f"该账号已关联人员档案“{linked.name}”")


class ActivationForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, widget=forms.TextInput(attrs={"autocomplete": "username"})
    )
    code = forms.CharField(
        label="开通码", max_length=20, help_text="开通单上的 10 位开通码，如 K7QFM-9PZ2R（不区分大小写）"
    )
    new_password1 = forms.CharField(label="设置密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip
    new_password2 = forms.CharField(label="再次输入密码", strip=False,
                                    widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))  # fmt: skip
