from django.apps import AppConfig


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = "表彰与评定"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Honour, exclude_fields=["org_path", "created_at"])
        auditlog.register(models.NominationBatch, exclude_fields=["org_path", "created_at"])
        auditlog.register(models.Assessment, exclude_fields=["org_path", "updated_at"])
