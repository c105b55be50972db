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
