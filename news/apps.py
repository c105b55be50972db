from django.apps import AppConfig


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = "党建动态"
    default_auto_field = "django.db.models.BigAutoField"
