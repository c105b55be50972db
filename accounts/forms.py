from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from core.access import Role, highest_role, role_at
from orgs.forms import OrgChoiceField, org_lookup, scoped_orgs
from people.models import Person

from .models import RoleGrant


class GrantForm(forms.Form):
    """Give a login a role at an organisation: a new account, or an existing one by username."""

    username = forms.CharField(label="用户名", max_length=150, help_text="已有账号填写其用户名；新账号将被创建")
    full_name = forms.CharField(label="姓名/说明", max_length=150, required=False)
    password = forms.CharField(
        label="初始密码", required=False, widget=forms.PasswordInput(render_value=False), help_text="仅新建账号时需要"
    )
    org = OrgChoiceField(queryset=None, label="党组织")
    role = forms.TypedChoiceField(label="角色", coerce=int, choices=())
    person = forms.ModelChoiceField(
        queryset=None, label="关联人员档案", required=False, help_text="党员本人登录时关联其档案"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["org"].queryset = scoped_orgs(user, Role.UNIT_ADMIN)
        org_lookup(self.fields["org"], Role.UNIT_ADMIN)
        top = highest_role(user)
        self.fields["role"].choices = [(value, label) for value, label in Role.choices if value <= top]
        self.fields["person"].queryset = Person.objects.visible_to(user, "change").filter(user__isnull=True)
        self.fields["person"].widget = forms.NumberInput(attrs={"placeholder": "人员编号（可选）"})

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
        elif org and RoleGrant.objects.filter(user=existing, org=org, role=role).exists():
            self.add_error(None, "该账号在此组织已有该角色")
        data["existing"] = existing
        return data
