"""The 工作台 (home) and the message centre."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from core.paging import keyset_page

from . import notices
from .forms import NoticeSettingsForm
from .models import Kind, Notice
from .panels import panels_for

ORDERING = ("-id",)


@login_required
def home(request):
    latest = Notice.objects.filter(user=request.user, read_at__isnull=True).order_by("-id")[:5]
    return render(request, "workbench/home.html", {"panels": panels_for(request.user), "latest": latest})


@login_required
def notice_list(request):
    qs = Notice.objects.filter(user=request.user)
    kind = request.GET.get("kind")
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    state = request.GET.get("state", "unread")
    if state == "unread":
        qs = qs.filter(read_at__isnull=True)
    page = keyset_page(qs.values("id", "kind", "title", "created_at", "read_at"), ORDERING, request.GET.get("after"))
    return render(request, "workbench/notices.html", {"page": page, "kinds": Kind.choices, "kind": kind,
                                                      "state": state, "labels": dict(Kind.choices)})  # fmt: skip


@login_required
def notice_open(request, pk):
    """Follow a message to its record; reading it marks it read (it stays done once the record is dealt with)."""
    notice = get_object_or_404(Notice, pk=pk, user=request.user)  # another user's message is not found
    if notice.read_at is None:
        Notice.objects.filter(pk=notice.pk).update(read_at=timezone.now())
        notices.forget_unread({request.user.pk})
    url = notice.url if url_has_allowed_host_and_scheme(notice.url, allowed_hosts=None) else "/"
    return redirect(url)


@login_required
@require_POST
def notice_read_all(request):
    with transaction.atomic():
        count = Notice.objects.filter(user=request.user, read_at__isnull=True).update(read_at=timezone.now())
    notices.forget_unread({request.user.pk})
    messages.success(request, f"已将 {count} 条消息标为已读")
    return redirect("workbench:notices")


@login_required
def notice_settings(request):
    form = NoticeSettingsForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "已保存消息提醒设置")
        return redirect("workbench:notice-settings")
    return render(request, "workbench/settings.html", {"form": form})
