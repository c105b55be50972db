"""The audit history shown on an object's page (django-auditlog entries, newest first), in readable Chinese:
choice labels, 是/否, and names instead of ids."""

from collections import defaultdict
from dataclasses import dataclass

from django.db import models

from core.models import AuditEntry

ACTION_LABELS = {
    AuditEntry.Action.CREATE: "新建",
    AuditEntry.Action.UPDATE: "修改",
    AuditEntry.Action.DELETE: "删除",
    AuditEntry.Action.ACCESS: "查看完整个人信息",
}
EMPTY = "（空）"


@dataclass
class HistoryRow:
    timestamp: object
    actor: object
    action_label: str
    rows: list
    note: str


def log_read(request, obj, note: str, fields: list[str]) -> None:
    """Record that a user saw personal data in whole (an ACCESS entry shown in the object's history)."""
    AuditEntry.objects.log_create(
        obj,
        force_log=True,
        action=AuditEntry.Action.ACCESS,
        actor=request.user,
        remote_addr=request.META.get("REMOTE_ADDR"),
        additional_data={"note": note, "fields": fields},
    )


def history_for(obj, limit: int = 50) -> list[HistoryRow]:
    fields = {}
    for field in type(obj)._meta.concrete_fields:
        fields[field.name] = fields[field.attname] = field
    entries = list(AuditEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:limit])
    changes = [_changed_fields(entry, fields) for entry in entries]
    names = _related_names(changes)
    result = []
    for entry, changed in zip(entries, changes, strict=True):
        rows = [
            (str(field.verbose_name), _show(field, old, names), _show(field, new, names))
            for field, old, new in changed
            if _show(field, old, names) != _show(field, new, names)
        ]
        data = entry.additional_data if isinstance(entry.additional_data, dict) else {}
        result.append(
            HistoryRow(entry.timestamp, entry.actor, ACTION_LABELS.get(entry.action, ""), rows, data.get("note", ""))
        )
    return result


def _changed_fields(entry, fields) -> list[tuple]:
    changes = entry.changes if isinstance(entry.changes, dict) else {}
    return [
        (fields[name], values[0], values[1])
        for name, values in changes.items()
        if name in fields and not fields[name].primary_key and isinstance(values, list) and len(values) == 2
    ]


def _related_names(changes) -> dict[tuple, str]:
    """Names of the objects that foreign-key values point to, one query per related model."""
    wanted = defaultdict(set)
    for changed in changes:
        for field, old, new in changed:
            if isinstance(field, models.ForeignKey):
                wanted[field.related_model] |= {int(v) for v in (old, new) if _is_id(v)}
    names = {}
    for model, ids in wanted.items():
        for obj in model._base_manager.filter(pk__in=ids):
            names[(model, obj.pk)] = str(obj)
    return names


def _is_id(value) -> bool:
    return value is not None and str(value).isdigit()


def _show(field, value, names) -> str:
    if value in (None, "None", ""):
        return EMPTY
    if isinstance(field, models.ForeignKey):
        return names.get((field.related_model, int(value)), f"#{value}") if _is_id(value) else str(value)
    if isinstance(field, models.BooleanField):
        return {"True": "是", "False": "否"}.get(str(value), str(value))
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)
