"""The audit history shown on an object's page (django-auditlog entries, newest first)."""

from dataclasses import dataclass

from auditlog.models import LogEntry

ACTION_LABELS = {
    LogEntry.Action.CREATE: "新建",
    LogEntry.Action.UPDATE: "修改",
    LogEntry.Action.DELETE: "删除",
    LogEntry.Action.ACCESS: "查看完整个人信息",
}


@dataclass
class HistoryRow:
    timestamp: object
    actor: object
    action_label: str
    rows: list
    note: str


def history_for(obj, limit: int = 50) -> list[HistoryRow]:
    model = type(obj)
    labels = {f.name: str(getattr(f, "verbose_name", f.name)) for f in model._meta.get_fields()}
    entries = LogEntry.objects.get_for_object(obj).select_related("actor").order_by("-timestamp")[:limit]
    result = []
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        rows = [
            (
                labels.get(field, field),
                _show(values[0] if len(values) > 0 else ""),
                _show(values[1] if len(values) > 1 else ""),
            )
            for field, values in changes.items()
            if isinstance(values, list)
        ]
        note = (entry.additional_data or {}).get("note", "") if isinstance(entry.additional_data, dict) else ""
        result.append(HistoryRow(entry.timestamp, entry.actor, ACTION_LABELS.get(entry.action, ""), rows, note))
    return result


def _show(value) -> str:
    return "（空）" if value in (None, "None", "") else str(value)
