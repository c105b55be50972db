from django.apps import AppConfig


class DuesConfig(AppConfig):
    name = "dues"
    verbose_name = "党费"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.RateTable)
        auditlog.register(models.RateTier)
        auditlog.register(models.DuesBase, exclude_fields=["org_path", "set_at"])
        auditlog.register(models.Payment, exclude_fields=["org_path", "created_at"])
        auditlog.register(models.Handover, exclude_fields=["org_path"])
