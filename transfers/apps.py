from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "transfers"
    verbose_name = "组织关系转接"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Transfer, exclude_fields=["org_path", "to_path", "created_at"])
