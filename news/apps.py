from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "党建动态"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, signals

        signals.connect()

        auditlog.register(models.Article, exclude_fields=["org_path", "body_text", "views", "created_at", "updated_at"])
        auditlog.register(models.Column, exclude_fields=["org_path"])
