from django.apps import AppConfig


class CoverageConfig(AppConfig):
    name = "coverage"
    verbose_name = "两个覆盖"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.SurveyRow, exclude_fields=["org_path", "updated_at", "previous", "status", "change"])
