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

        from django.db.models.signals import post_delete, post_save

        from .services import bump_shown_on_org_pages

        # Organisation pages cache their honours and published stars under this version. Bulk writes (update,
        # bulk_update, insert_rows) send no signals: they call bump_shown_on_org_pages themselves.
        for model in (models.Honour, models.HonourKind, models.Assessment, models.AssessmentScheme):
            post_save.connect(bump_shown_on_org_pages, sender=model, dispatch_uid=f"org-pages-{model.__name__}")
            post_delete.connect(bump_shown_on_org_pages, sender=model, dispatch_uid=f"org-pages-del-{model.__name__}")
