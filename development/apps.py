from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    name = "development"
    verbose_name = "发展党员"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Applicant, exclude_fields=["org_path", "next_due", "next_step", "updated_at"])
        auditlog.register(models.Review)
        auditlog.register(models.Plan, exclude_fields=["org_path"])
