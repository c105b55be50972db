from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "组织生活与活动"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Activity, exclude_fields=["org_path", "created_at", "updated_at", "title_norm"])
        auditlog.register(models.Attendance, exclude_fields=["org_path", "starts_at"])
        auditlog.register(models.Appraisal, exclude_fields=["org_path"])
        auditlog.register(models.Speaker)
        auditlog.register(models.ActivityPhoto)
