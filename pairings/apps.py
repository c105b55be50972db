from django.apps import AppConfig


class PairingsConfig(AppConfig):
    name = "pairings"
    verbose_name = "联学共建"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models, signals

        auditlog.register(models.Pairing, exclude_fields=["org_path", "created_at", "updated_at", "last_joint_on"])
        auditlog.register(models.PairingMember, exclude_fields=["org_path"])
        auditlog.register(models.Commitment)
        signals.connect()
