from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "账号与授权"

    def ready(self):
        from auditlog.registry import auditlog

        from .models import RoleGrant

        auditlog.register(RoleGrant, exclude_fields=["org_path", "created_at"])

        from django.contrib.auth import get_user_model
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from rest_framework.authtoken.models import Token

        from core.access import renew_access_facts
        from people.models import Person

        from .security import on_signed_in

        user_logged_in.connect(on_signed_in, dispatch_uid="gongjian-signed-in")
        # What core.access.cached_user keeps: the user, their grants, tokens and second-factor devices, the person
        # linked to them.
        for model in (get_user_model(), RoleGrant, Token, Person, TOTPDevice):
            post_save.connect(renew_access_facts, sender=model, dispatch_uid=f"access-facts-{model.__name__}")
            post_delete.connect(renew_access_facts, sender=model, dispatch_uid=f"access-facts-del-{model.__name__}")
