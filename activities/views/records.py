"""The activity record: list, create and edit, the record page, photos."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core.access import (
    Role,
    can,
    get_changeable_or_404,
    get_visible_or_404,
    highest_role,
    object_to_edit,
    recheck_in_scope,
)
from core.export import xlsx_response
from core.files import file_response, upload_done
from core.paging import count_response, keyset_page
from news.forms import writable_columns
from orgs import services as org_services
from orgs.forms import OrgFilterForm
from orgs.models import PartyOrg
from pairings import services as pairing_services
from pairings.models import Pairing
from people.models import Person

from .. import compliance, services
from ..forms import ActivityForm, GuestFormSet, OutcomeFormSet, SpeakerFormSet
from ..images import PhotoError, uploaded_photos
from ..models import (
    Activity,
    ActivityKind,
    ActivityOrganiser,
    ActivityPhoto,
)
from .attendance import markable_paths


# --- list ---------------------------------------------------------------------------------------------
def filtered_organisers(request):
    qs = ActivityOrganiser.objects.visible_to(request.user)
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org_id))
        qs = ActivityOrganiser.objects.visible_under(request.user, org.path)
    kind = request.GET.get("kind", "")
    if kind.isdigit():
        qs = qs.filter(kind_id=int(kind))
    year = request.GET.get("year", "")
    if year.isdigit() and 1921 <= int(year) <= 2100:
        start, end = services.local_bounds(datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31))
        qs = qs.filter(starts_at__gte=start, starts_at__lt=end)
    return qs


ORDERING = ("-starts_at", "-id")


@login_required
def activity_list(request):
    if highest_role(request.user) < Role.SECRETARY:
        return redirect("activities:mine")
    qs = filtered_organisers(request)
    if request.GET.get("export") == "xlsx":
        rows = (
            (o.starts_at, o.kind.name, o.activity.title,
             o.org.name, "主办" if o.is_lead else "联合主办", o.activity.place)
            for o in qs.select_related("kind", "activity", "org").order_by(*ORDERING).iterator(2000)
        )  # fmt: skip
        return xlsx_response(request, "活动", ["时间", "类型", "主题", "组织", "角色", "地点"], rows)
    if counted := count_response(request, qs, ORDERING):
        return counted
    page = keyset_page(
        qs.values("id", "starts_at", "is_lead", "activity_id", "activity__title", "activity__is_cancelled",
                  "kind__name", "org__name", "activity__place"),
        ORDERING,
        request.GET.get("after"),
    )  # fmt: skip
    kinds = ActivityKind.objects.filter(is_active=True).values_list("id", "name")
    return render(request, "activities/activity_list.html", {
        "page": page, "kinds": kinds, "org_filter": OrgFilterForm(request.GET, user=request.user),
    })  # fmt: skip


# --- create / edit ------------------------------------------------------------------------------------
@login_required
def activity_form(request, pk=None):
    activity = object_to_edit(request.user, Activity.objects, pk, Role.SECRETARY, "只有支部书记及以上角色可以登记活动")
    initial = {}
    if activity is None and request.GET.get("pairing", "").isdigit():
        initial["pairing"] = get_visible_or_404(request.user, Pairing.objects, pk=int(request.GET["pairing"]))
        initial["kind"] = ActivityKind.objects.filter(code="joint_study").first()
    if activity is None and request.GET.get("org", "").isdigit():
        initial["lead_org"] = get_visible_or_404(request.user, PartyOrg.objects, pk=int(request.GET["org"]))
    form = ActivityForm(request.POST or None, instance=activity, user=request.user, initial=initial)
    formsets = {
        "speakers": SpeakerFormSet(request.POST or None, instance=activity, prefix="speakers"),
        "guests": GuestFormSet(request.POST or None, instance=activity, prefix="guests"),
        "outcomes": OutcomeFormSet(request.POST or None, instance=activity, prefix="outcomes"),
    }
    if request.method == "POST" and form.is_valid() and all(f.is_valid() for f in formsets.values()):
        with transaction.atomic():
            activity = save_activity(request.user, form, formsets)
        messages.success(request, f"已保存活动：{activity.title}")
        return redirect("activities:detail", activity.pk)
    return render(request, "activities/activity_form.html", {"form": form, "formsets": formsets, "activity": activity})


def save_activity(user, form: ActivityForm, formsets: dict) -> Activity:
    """One transaction: the record, its organisers, roll, speakers' posts and the organisers' compliance."""
    old_orgs = list(form.instance.organisers.values_list("org_id", flat=True)) if form.instance.pk else []
    old_pairing = Activity.objects.filter(pk=form.instance.pk).values_list("pairing_id", flat=True).first()
    activity = form.save()
    for formset in formsets.values():
        formset.instance = activity
        formset.save()
    touched = services.set_organisers(activity, [activity.lead_org, *form.cleaned_data["co_orgs"]])
    fill_speaker_posts(user, activity)
    services.sync_roll(activity)
    recheck_in_scope(user, activity)
    compliance.refresh_branches(set(touched) | set(old_orgs))
    pairing_services.refresh_last_joint([old_pairing, activity.pairing_id])
    if activity.kind.code == "branch_committee":  # a 支委会 held is evidence the branch has a committee
        org_services.refresh_orgs([activity.lead_org_id])
    return activity


def fill_speaker_posts(user, activity: Activity) -> None:
    """Link speakers to the registry by name and record the posts they held on the day, when left blank."""
    day = activity.date
    for speaker in activity.speakers.all():
        if speaker.person_id is None:
            matches = list(Person.objects.visible_to(user).filter(name=speaker.name)[:2])
            if len(matches) == 1:
                speaker.person = matches[0]
        if speaker.person_id and not speaker.post:
            speaker.post = services.posts_on(speaker.person_id, day)[:200]
        speaker.save()


@login_required
@require_POST
def activity_cancel(request, pk):
    activity = get_changeable_or_404(request.user, Activity.objects, pk=pk)
    with transaction.atomic():
        activity.is_cancelled = not activity.is_cancelled
        activity.save()
        compliance.refresh_branches(activity.organisers.values_list("org_id", flat=True))
        pairing_services.refresh_last_joint([activity.pairing_id])
    messages.success(request, "已取消该活动" if activity.is_cancelled else "已恢复该活动")
    return redirect("activities:detail", activity.pk)


# --- the record ---------------------------------------------------------------------------------------
@login_required
def activity_detail(request, pk):
    activity = get_visible_or_404(
        request.user, Activity.objects.select_related("kind", "lead_org", "host", "recorder", "pairing"), pk=pk
    )
    can_change = can(request.user, activity, "change")
    context = {
        "activity": activity,
        "organisers": activity.organisers.select_related("org").order_by("-is_lead", "id"),
        "speakers": activity.speakers.all(),
        "guests": activity.guest_groups.all(),
        "outcomes": activity.outcomes.all(),
        "photos": activity.photos.all(),
        "links": activity.links.all(),
        "counts": services.attendance_counts(activity),
        "can_change": can_change,
        "can_mark": can_change or bool(markable_paths(request.user, activity)),
        "news_columns": writable_columns(request.user) if highest_role(request.user) >= Role.SECRETARY else [],
    }
    return render(request, "activities/activity_detail.html", context)


@login_required
@require_POST
def photo_upload(request, pk):
    """Several photos at once, each with its caption (a page with script sends them with a progress bar)."""
    activity = get_changeable_or_404(request.user, Activity.objects, pk=pk)
    try:
        photos = uploaded_photos(request)
    except PhotoError as error:
        messages.error(request, str(error))
        return upload_done(request, reverse("activities:detail", args=[pk]))
    with transaction.atomic():
        start = activity.photos.count()
        for order, (content, width, height, caption) in enumerate(photos, start=start):
            photo = ActivityPhoto(activity=activity, caption=caption, width=width, height=height, sort_order=order)
            photo.image.save(content.name, content, save=False)
            photo.save()
    messages.success(request, f"已上传 {len(photos)} 张照片")
    return upload_done(request, reverse("activities:detail", args=[pk]))


@login_required
def photo_file(request, pk, photo_pk):
    """Photos are served through the gate: a party activity's pictures are not public until published."""
    activity = get_visible_or_404(request.user, Activity.objects, pk=pk)
    photo = activity.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在")
    return file_response(photo.image, "private, max-age=3600")


@login_required
@require_POST
def photo_delete(request, pk, photo_pk):
    activity = get_changeable_or_404(request.user, Activity.objects, pk=pk)
    photo = activity.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404("照片不存在")
    photo.image.delete(save=False)
    photo.delete()
    messages.success(request, "照片已删除")
    return redirect("activities:detail", pk)
