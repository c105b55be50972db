from django.contrib import admin


def _superuser_only(request) -> bool:
    return request.user.is_active and request.user.is_superuser


# Django admin is a superuser tool; everyone else works through the scoped pages.
admin.site.has_permission = _superuser_only
admin.site.site_header = "共建 · 系统管理"
