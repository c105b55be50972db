from django.contrib import admin

from .models import RoleGrant


@admin.register(RoleGrant)
class RoleGrantAdmin(admin.ModelAdmin):
    list_display = ("user", "org", "role", "is_active")
    list_filter = ("role", "is_active")
    raw_id_fields = ("user", "org")
