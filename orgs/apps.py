from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "orgs"
    verbose_name = "单位与党组织"

    def ready(self):
        from auditlog.registry import auditlog

        from . import models

        auditlog.register(models.Institution, exclude_fields=["name_norm", "org_path", "updated_at", "created_at"])
        auditlog.register(
            models.PartyOrg,
            exclude_fields=[
                "name_norm",
                "path",
                "depth",
                "formal_count",
                "probationary_count",
                "subtree_member_count",
                "child_count",
                "counts_refreshed_at",
                "updated_at",
                "created_at",
            ],
            m2m_fields={"joint_institutions"},
        )
        auditlog.register(models.RuleSetting)
