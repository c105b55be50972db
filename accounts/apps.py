from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与授权"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import RoleGrant

        auditlog.register(RoleGrant, exclude_fields=["org_path", "created_at"])
