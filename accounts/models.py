"""Role grants: a role held by a user at a node of the party tree, covering its subtree."""

from django.conf import settings
from django.db import models

from core.access import AccessFactsQuerySet, PathField, Role, ScopedQuerySet


class RoleGrantQuerySet(AccessFactsQuerySet, ScopedQuerySet):
    pass


class RoleGrant(models.Model):
    """A user's role at a party organisation. The grant covers the organisation's whole subtree."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="grants")
    org = models.ForeignKey("orgs.PartyOrg", verbose_name="党组织", on_delete=models.CASCADE, related_name="grants")
    org_path = PathField(editable=False)
    role = models.PositiveSmallIntegerField("角色", choices=Role.choices)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RoleGrantQuerySet.as_manager()
    access_roles = {"view": Role.UNIT_ADMIN, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "角色授权"
        verbose_name_plural = "角色授权"
        constraints = [models.UniqueConstraint(fields=["user", "org", "role"], name="grant_unique")]
        indexes = [models.Index(fields=["user", "is_active"], name="grant_user")]

    def __str__(self) -> str:
        return f"{self.user} · {self.org} · {self.get_role_display()}"

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        super().save(*args, **kwargs)


class AccountState(models.Model):
    """What sign-in needs to know about a login beyond Django's user: whether its password is an initial one."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="account_state")
    must_change_password = models.BooleanField("须修改初始密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号状态"
        verbose_name_plural = "账号状态"

    @classmethod
    def require_password_change(cls, user) -> None:
        cls.objects.update_or_create(user=user, defaults={"must_change_password": True})


class AccountActivation(models.Model):
    """A login opened in bulk waits here for its owner: they set their own password with a one-time code. Only a
    keyed hash of the code is kept; it expires, and too many wrong tries void it."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="activation")
    code_hash = models.CharField(max_length=64)
    expires_at = models.DateTimeField("有效期至")
    failures = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "账号开通码"
        verbose_name_plural = "账号开通码"
