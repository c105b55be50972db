"""The audit entry: django-auditlog's log entry (AUDITLOG_LOGENTRY_MODEL), with the indexes Gongjian reads by.

Every save anywhere writes one, so it is the fastest-growing table and every index on it is paid for on every
write. auditlog indexes object_pk, cid, action, object_id and content_type one by one; here nothing reads by
the first three, and an object's history (its one read path besides the admin) is served by a single index on
(content type, object id, newest first). Content type and actor are checked by Django, not by the database: a
100k-people import otherwise ran 200k foreign-key checks against two tiny tables (1.1 s of its 3.2 s of
audit writing; docs/decisions/0001). Deleting a user still sets its entries' actor to null, through the ORM.
"""

from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEntry(AbstractLogEntry):
    content_type = models.ForeignKey(
        to="contenttypes.ContentType",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("content type"),
        db_index=False,  # leads the history index
        db_constraint=False,
    )
    object_pk = models.CharField(max_length=255, verbose_name=_("object pk"))
    object_id = models.BigIntegerField(blank=True, null=True, verbose_name=_("object id"))
    action = models.PositiveSmallIntegerField(choices=AbstractLogEntry.Action.choices, verbose_name=_("action"))
    actor = models.ForeignKey(
        to=settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        blank=True,
        null=True,
        related_name="+",
        verbose_name=_("actor"),
        db_constraint=False,  # indexed still: deleting a user finds its entries
    )
    cid = models.CharField(max_length=255, blank=True, null=True, verbose_name=_("Correlation ID"))

    class Meta(AbstractLogEntry.Meta):
        indexes = [models.Index(fields=["content_type", "object_id", "-timestamp"], name="audit_object_history")]


class KeyCheck(models.Model):
    """A check value of a key that wrote personal data (core.crypto): lets a start with the wrong keys refuse."""

    kind = models.CharField(max_length=8)  # "field" (FIELD_ENCRYPTION_KEYS) or "blind" (BLIND_INDEX_KEY)
    key_id = models.CharField(max_length=8, blank=True)
    check_value = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key_id"], name="keycheck_kind_key")]

    @classmethod
    def record(cls, checks: dict) -> None:
        for (kind, key_id), value in checks.items():
            cls.objects.update_or_create(kind=kind, key_id=key_id, defaults={"check_value": value})


class KeyRotation(models.Model):
    """A `rotate_keys` run in progress: the blind-index key it moves to and how far each table has got."""

    blind_check = models.CharField(max_length=64)
    progress = models.JSONField(default=dict)  # "app.Model" -> last primary key done
    started_at = models.DateTimeField(auto_now_add=True)


class ExportStatus(models.TextChoices):
    RUNNING = "running", "生成中"
    DONE = "done", "已生成"
    FAILED = "failed", "生成失败"


class ExportJob(models.Model):
    """A large export built by a background worker from the same list view, with the same access gate; its file
    is kept for a day for its owner to download."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    title = models.CharField("导出", max_length=200)
    url = models.CharField(max_length=2000)  # the list page with its filters, as the user asked for it
    status = models.CharField(max_length=10, choices=ExportStatus.choices, default=ExportStatus.RUNNING)
    file = models.FileField(upload_to="exports/%Y/%m/", blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "导出任务"
        verbose_name_plural = "导出任务"
        indexes = [models.Index(fields=["user", "-created_at"], name="export_user_recent")]
