from django.apps import AppConfig


class AlliancesConfig(AppConfig):
    name = "alliances"
    verbose_name = "医联体与双向转诊"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Alliance, exclude_fields=["org_path", "created_at"])
        auditlog.register(models.AllianceMember, exclude_fields=["org_path"])
        auditlog.register(models.Referral, exclude_fields=["org_path", "to_path", "patient_id_enc", "patient_id_hash"])
