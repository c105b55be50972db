"""Reading existing pages in: upload one page or a zip, review what was read, confirm or set aside."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import Role, get_changeable_or_404, highest_role

from .. import importer
from ..extract.dates import parse_published
from ..forms import ConfirmForm, UploadForm
from ..models import Column, PageImport, PageImportStatus, PageUpload, PageUploadStatus

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


@login_required
def upload(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以导入网页")
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload_file = form.cleaned_data["file"]
        if upload_file.size > MAX_UPLOAD_BYTES:
            form.add_error("file", f"文件过大（{upload_file.size / 1024 / 1024:.1f} MB），一次最多上传 50 MB。")
        else:
            upload_row = importer.accept_upload(
                request.user, form.cleaned_data["org"], upload_file.name, upload_file.read()
            )  # read by a worker
            return redirect("news:import-batch", upload_row.batch)
    recent = (
        PageImport.objects.visible_to(request.user)
        .order_by("-id")
        .values("id", "file_name", "status", "created_at", "batch", "extracted__title")[:20]
    )
    return render(request, "news/import_upload.html", {"form": form, "recent": recent})


@login_required
def batch(request, batch):
    upload_row = PageUpload.objects.visible_to(request.user, "change").filter(batch=batch).first()
    items = list(PageImport.objects.visible_to(request.user, "change").filter(batch=batch).order_by("id"))
    if upload_row is None and not items:
        raise Http404("没有这一批导入，或不在您的管理范围内")
    context = {"items": items, "batch": batch, "upload": upload_row}
    if not request.htmx:
        context["ready"] = sum(1 for item in items[:CONFIRM_ALL_LIMIT] if ready_to_confirm(request.user, item))
    processing = upload_row is not None and upload_row.status == PageUploadStatus.PROCESSING
    if request.htmx:
        response = render(request, "news/_import_progress.html", context)
        if not processing:
            response["HX-Refresh"] = "true"
        return response
    return render(request, "news/import_batch.html", context)


CONFIRM_ALL_LIMIT = 300  # pages confirmed in one step (a hospital's news archive, a few years of it)


def ready_to_confirm(user, item: PageImport) -> dict | None:
    """The values a review would confirm, when nothing in them needs a person's choice: a title, a body, a
    publish time and a column; at most one event date and one pairing; no earlier import of the story."""
    if item.status != PageImportStatus.PENDING:
        return None
    values = _initial(item)
    dated = list(item.extracted.get("event_dates") or [])
    found = importer.proposals(user, item)
    if not (values["title"] and values["body"].strip() and values["published_at"] and values["column"]):
        return None
    if len(dated) > 1 or any(d.startswith("?") for d in dated) or len(found["pairings"]) > 1:
        return None
    event = values["event_date"]
    if event and values["event_kind"] is None:  # an event whose kind the reader could not tell
        return None
    if len(values["title"]) > 200 or importer.earlier_imports(user, item):
        return None
    return {
        **values, "publish": False, "simplified": False, "more_dates": [],
        "event_date": datetime.date.fromisoformat(event) if event else None,
        "create_activity": bool(event and values["event_kind"]),
        "pairing": found["pairings"][0] if found["pairings"] and event else None,
    }  # fmt: skip


@login_required
@require_POST
def confirm_all(request, batch):
    """全部确认: every page of the batch whose review would need no choice becomes a draft article (and its
    activity), in one transaction; the others stay for review."""
    items = list(PageImport.objects.visible_to(request.user, "change").filter(batch=batch).select_related("org"))
    if not items:
        raise Http404("没有这一批导入，或不在您的管理范围内")
    ready = [
        (item, values)
        for item in items[:CONFIRM_ALL_LIMIT]
        if (values := ready_to_confirm(request.user, item)) is not None
    ]
    with transaction.atomic():
        for item, values in ready:
            importer.confirm(request.user, item, values)
    left = sum(1 for item in items if item.status == PageImportStatus.PENDING) - len(ready)
    messages.success(
        request, f"已确认 {len(ready)} 页（存为草稿，审核后发布）" + (f"；其余 {left} 页需逐页核对" if left else "")
    )
    return redirect("news:import-batch", batch)


@login_required
def review(request, pk):
    item = get_changeable_or_404(request.user, PageImport.objects.select_related("org"), pk=pk)
    if item.status != PageImportStatus.PENDING:
        messages.info(request, "这一页已经处理过了。")
        return redirect("news:import-batch", item.batch)
    found = importer.proposals(request.user, item, _posted_day(request) or importer.event_day(item))
    initial = _initial(item)
    initial["pairing"] = found["pairings"][0] if found["pairings"] else None
    form = ConfirmForm(request.POST or None, item=item, initial=initial, pairings=found["pairings"])
    if request.method == "POST" and form.is_valid():
        try:
            article = importer.confirm(request.user, item, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已导入《{article.title}》。")
            return redirect("news:detail", article.pk)
    return render(request, "news/import_review.html", {
        "item": item, "form": form, "data": item.extracted, "found": found,
        "earlier": importer.earlier_imports(request.user, item),
        "has_columns": Column.objects.filter(org=item.org, is_active=True).exists(),
    })  # fmt: skip


@login_required
@require_POST
def reject(request, pk):
    item = get_changeable_or_404(request.user, PageImport.objects, pk=pk)
    if item.status == PageImportStatus.PENDING:
        item.status = PageImportStatus.REJECTED
        item.save(update_fields=["status"])
        messages.success(request, "已放弃这一页。")
    return redirect("news:import-batch", item.batch)


def _posted_day(request) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(request.POST.get("event_date") or "")
    except ValueError:
        return None


def credit_text(value, limit: int = 80) -> str:
    """A page's credit line as one field: names joined with 、, cut at a name rather than inside one."""
    names = value if isinstance(value, list) else str(value or "").replace("、", " ").replace("，", " ").split()
    text = ""
    for name in (str(n).strip() for n in names):
        if name and len(text) + len(name) + 1 <= limit:
            text = f"{text}、{name}" if text else name
    return text


def _initial(item: PageImport) -> dict:
    data = item.extracted
    published = parse_published(data.get("published_at") or "")
    if isinstance(published, datetime.date) and not isinstance(published, datetime.datetime):
        published = datetime.datetime.combine(published, datetime.time(9, 0))
    if published is not None and timezone.is_naive(published):
        published = timezone.make_aware(published)
    column = (
        Column.objects.filter(org=item.org, is_active=True, name=data.get("column") or "").first()
        or Column.objects.filter(org=item.org, is_active=True).first()
    )
    dates = data.get("event_dates") or []
    return {
        "column": column,
        "title": data.get("title", ""),
        "published_at": published,
        "source": credit_text(data.get("source")),
        "author": credit_text(data.get("author")),
        "editor": credit_text(data.get("editor")),
        "body": data.get("body", ""),
        "event_date": dates[0] if dates and not dates[0].startswith("?") else None,  # '????-06-29': year unknown
        "event_kind": importer.default_kind(data.get("event_type")),
        "create_activity": bool(dates),
    }
