from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "people"
    verbose_name = "人员"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        # Only masked forms of personal data ever reach the audit log.
        auditlog.register(
            models.Person,
            exclude_fields=[
                "name_norm",
                "name_pinyin",
                "name_initials",
                "id_number_enc",
                "id_number_hash",
                "phone_enc",
                "org_path",
                "updated_at",
                "created_at",
            ],
        )
        auditlog.register(models.Membership, exclude_fields=["org_path", "created_at"])
        auditlog.register(models.Position, exclude_fields=["org_path", "created_at"])
