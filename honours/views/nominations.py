"""Nomination batches: create a batch with its quota, nominate, review level by level, approve or return."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core.access import Role, can, get_visible_or_404, highest_role, recheck_in_scope, role_at

from .. import services
from ..forms import BatchForm, NominationForm
from ..models import Nomination, NominationBatch, NominationStatus


@login_required
def batch_list(request):
    batches = (
        NominationBatch.objects.visible_to(request.user).select_related("kind", "issuer_org").order_by("-year", "-id")
    )
    mine = Nomination.objects.visible_to(request.user).filter(status=NominationStatus.REVIEW)
    return render(request, "honours/batch_list.html", {
        "batches": batches[:200], "can_create": highest_role(request.user) >= Role.UNIT_ADMIN,
        "to_review": [n for n in mine.select_related("reviewing_org", "batch", "person", "org")[:200]
                      if role_at(request.user, n.reviewing_org.path) >= Role.UNIT_ADMIN],
    })  # fmt: skip


@login_required
def batch_form(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以发起评选")
    form = BatchForm(request.POST or None, user=request.user, initial=_next_year_of(request))
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            batch = form.save()
            recheck_in_scope(request.user, batch)
        messages.success(request, "评选批次已建立。")
        return redirect("honours:batch", batch.pk)
    return render(request, "core/simple_form.html", {"form": form, "title": "发起评选"})


def _next_year_of(request) -> dict:
    """ "Copy from last year": ?from=<batch> fills the form with that batch's settings, one year on."""
    source = request.GET.get("from", "")
    batch = NominationBatch.objects.visible_to(request.user).filter(pk=source).first() if source.isdigit() else None
    if batch is None:
        return {}
    year = batch.year + 1
    return {
        "kind": batch.kind_id, "issuer_org": batch.issuer_org_id, "issuer": batch.issuer, "level": batch.level,
        "year": year, "quota": batch.quota, "title": batch.title.replace(str(batch.year), str(year)),
        "deadline": batch.deadline.replace(year=batch.deadline.year + 1) if batch.deadline else None,
    }  # fmt: skip


@login_required
def batch_detail(request, pk):
    batch = get_visible_or_404(request.user, NominationBatch.objects.select_related("kind", "issuer_org"), pk=pk)
    form = NominationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.nominate(request.user, batch, data["nominating_org"], person=data["person"], org=data["org"],
                              post_name=data["post_name"], reason=data["reason"])  # fmt: skip
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已提交推荐。")
            return redirect("honours:batch", pk)
    nominations = list(
        Nomination.objects.visible_to(request.user).filter(batch=batch)
        .select_related("person", "org", "nominating_org", "reviewing_org").order_by("id")[:500]
    )  # fmt: skip
    approved = batch.nominations.filter(status=NominationStatus.APPROVED).count()
    return render(request, "honours/batch_detail.html", {
        "batch": batch, "form": form, "nominations": nominations, "approved": approved,
        "can_nominate": batch.status == "open" and highest_role(request.user) >= Role.SECRETARY,
        "can_copy": role_at(request.user, batch.issuer_org.path) >= Role.UNIT_ADMIN,
    })  # fmt: skip


@login_required
def nomination_detail(request, pk):
    nomination = get_visible_or_404(
        request.user, Nomination.objects.select_related("batch__kind", "batch__issuer_org", "reviewing_org", "person",
                                                        "org", "nominating_org"), pk=pk,
    )  # fmt: skip
    reviewer = nomination.status == NominationStatus.REVIEW and role_at(
        request.user, nomination.reviewing_org.path) >= Role.UNIT_ADMIN  # fmt: skip
    return render(request, "honours/nomination_detail.html", {
        "nomination": nomination, "reviewer": reviewer,
        "at_issuer": nomination.reviewing_org_id == nomination.batch.issuer_org_id,
        "can_see_person": nomination.person_id and can(request.user, nomination.person, "view"),
    })  # fmt: skip


@login_required
@require_POST
def nomination_step(request, pk):
    get_visible_or_404(request.user, Nomination.objects, pk=pk)
    step = request.POST.get("step")
    try:
        if step == "pass":
            services.pass_on(request.user, pk)
            messages.success(request, "已审核通过并报上级。")
        elif step == "return":
            services.send_back(request.user, pk, request.POST.get("reason", ""))
            messages.success(request, "已退回。")
        elif step == "approve":
            honour = services.approve(request.user, pk)
            messages.success(request, f"已批准，荣誉已登记：{honour}")
        else:
            raise ValidationError("未知的操作。")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("honours:nomination", pk)
