from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "dashboards"
    verbose_name = "数据看板"
    default_auto_field = "django.db.models.BigAutoField"
