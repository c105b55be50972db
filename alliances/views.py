"""Alliance pages and the referral register: list with timers, registration, the status steps, and the
logged view of a patient's whole ID number."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import (
    Role,
    can,
    get_changeable_or_404,
    get_visible_or_404,
    highest_role,
    object_to_edit,
    recheck_in_scope,
    require,
    role_at,
)
from core.export import xlsx_response
from core.forms import show_refusal
from core.history import log_read
from core.lookup import lookup_response
from core.paging import count_response, keyset_page
from orgs.labels import institution_choices
from orgs.models import Institution

from . import services
from .forms import AllianceForm, AllianceMemberForm, MemberLeaveForm, ReferralForm
from .models import Alliance, AllianceKind, AllianceMember, Direction, MemberRole, Referral, ReferralStatus

ORDERING = ("-id",)


@login_required
def alliance_list(request):
    qs = Alliance.objects.visible_to(request.user).select_related("lead").order_by("-starts_on", "-id")[:500]
    return render(
        request,
        "alliances/alliance_list.html",
        {"alliances": qs, "can_create": highest_role(request.user) >= Role.UNIT_ADMIN},
    )


@login_required
def alliance_form(request, pk=None):
    alliance = object_to_edit(
        request.user, Alliance.objects, pk, Role.UNIT_ADMIN, "只有单位管理员及以上角色可以登记医联体"
    )
    form = AllianceForm(request.POST or None, instance=alliance, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            created = alliance is None
            alliance = form.save()
            if created:
                AllianceMember.objects.create(
                    alliance=alliance, institution=alliance.lead, org_path=alliance.lead.org_path,
                    role=MemberRole.LEAD, joined_on=alliance.starts_on,
                )  # fmt: skip
                role = MemberRole.ENTRUSTED if alliance.kind == AllianceKind.TRUSTEESHIP else MemberRole.MEMBER
                for institution in form.members():
                    AllianceMember.objects.create(
                        alliance=alliance, institution=institution, org_path=institution.org_path, role=role,
                        joined_on=alliance.starts_on,
                    )  # fmt: skip
            recheck_in_scope(request.user, alliance)
        messages.success(request, f"已保存：{alliance.name}")
        return redirect("alliances:detail", alliance.pk)
    return render(request, "alliances/alliance_form.html", {"form": form, "alliance": alliance})


@login_required
def alliance_detail(request, pk):
    alliance = get_visible_or_404(request.user, Alliance.objects.select_related("lead"), pk=pk)
    referrals = Referral.objects.filter(alliance=alliance)
    context = {
        "alliance": alliance,
        "members": alliance.members.select_related("institution").order_by("role", "joined_on"),
        "stats": services.stats(referrals),
        "tallies": services.tally_totals(alliance),
        "recent": referrals.select_related("from_institution", "to_institution").order_by("-id")[:20],
        "can_change": can(request.user, alliance, "change"),
        "labels": dict(ReferralStatus.choices),
    }
    return render(request, "alliances/alliance_detail.html", context)


@login_required
def member_add(request, pk):
    alliance = get_changeable_or_404(request.user, Alliance.objects, pk=pk)
    form = AllianceMemberForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        institution, joined_on = form.cleaned_data["institution"], form.cleaned_data["joined_on"]
        if joined_on < alliance.starts_on:
            form.add_error("joined_on", f"加入日期不能早于医联体开始日期 {alliance.starts_on:%Y-%m-%d}")
        elif alliance.members.filter(institution=institution, left_on__isnull=True).exists():
            form.add_error("institution", f"{institution.name}已是成员单位")
        else:
            AllianceMember.objects.create(
                alliance=alliance, institution=institution, org_path=institution.org_path,
                role=form.cleaned_data["role"], joined_on=joined_on,
            )  # fmt: skip
            messages.success(request, f"已加入：{institution.name}")
            return redirect("alliances:detail", pk)
    return render(request, "alliances/simple_form.html", {"form": form, "alliance": alliance, "title": "添加成员单位"})


@login_required
def member_leave(request, pk, member_pk):
    alliance = get_changeable_or_404(request.user, Alliance.objects, pk=pk)
    member = alliance.members.filter(pk=member_pk, left_on__isnull=True).select_related("institution").first()
    if member is None or member.role == MemberRole.LEAD:
        raise PermissionDenied("该成员不存在、已退出，或为牵头单位")
    form = MemberLeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["left_on"] < member.joined_on:
            form.add_error("left_on", f"退出日期不能早于加入日期 {member.joined_on:%Y-%m-%d}")
        else:
            member.left_on = form.cleaned_data["left_on"]
            member.save()
            messages.success(request, f"{member.institution.name}已退出")
            return redirect("alliances:detail", pk)
    title = f"退出医联体：{member.institution.name}"
    return render(request, "alliances/simple_form.html", {"form": form, "alliance": alliance, "title": title})


def filtered_referrals(request):
    qs = Referral.objects.listable_by(request.user)
    if request.GET.get("direction") in Direction.values:
        qs = qs.filter(direction=request.GET["direction"])
    if request.GET.get("status") in ReferralStatus.values:
        qs = qs.filter(status=request.GET["status"])
    for key in ("alliance", "pairing"):
        if request.GET.get(key, "").isdigit():
            qs = qs.filter(**{f"{key}_id": int(request.GET[key])})
    if request.GET.get("overdue") == "1":
        qs = qs.filter(services.overdue_q(services.timers(), timezone.now()))
    return qs


@login_required
def referral_list(request):
    qs = filtered_referrals(request)
    if request.GET.get("export") == "xlsx":
        rows = (
            (r.applied_at, r.get_direction_display(), r.from_institution.name, r.to_institution.name, r.patient_name,
             r.patient_id_mask, r.reason, r.get_status_display(), r.accepted_at, r.arrived_at, r.completed_at)
            for r in qs.select_related("from_institution", "to_institution").order_by(*ORDERING).iterator(2000)
        )  # fmt: skip
        headers = [
            "申请时间",
            "方向",
            "转出单位",
            "接收单位",
            "患者",
            "身份证号",
            "原因",
            "状态",
            "接收",
            "到诊",
            "完成",
        ]
        return xlsx_response(request, "转诊登记", headers, rows)
    if counted := count_response(request, qs, ORDERING):
        return counted
    # No joins in the page query: with them SQLite drives the plan from the unit table and sorts every referral.
    page = keyset_page(
        qs.values("id", "direction", "status", "applied_at", "arrived_at", "followed_up_at", "patient_name",
                  "patient_id_mask", "reason", "from_institution_id", "to_institution_id"),
        ORDERING,
        request.GET.get("after"),
    )  # fmt: skip
    unit_ids = {r["from_institution_id"] for r in page.rows} | {r["to_institution_id"] for r in page.rows}
    names = dict(Institution.objects.filter(pk__in=unit_ids).values_list("id", "name"))
    cfg, now = services.timers(), timezone.now()
    for row in page.rows:
        row["flags"] = services.flags(row, cfg, now)
        row["from_institution__name"] = names.get(row["from_institution_id"], "")
        row["to_institution__name"] = names.get(row["to_institution_id"], "")
    return render(
        request,
        "alliances/referral_list.html",
        {"page": page, "statuses": ReferralStatus.choices, "directions": Direction.choices,
         "labels": dict(ReferralStatus.choices), "can_create": highest_role(request.user) >= Role.SECRETARY},
    )  # fmt: skip


@login_required
def referral_create(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以登记转诊")
    initial = {k: request.GET[k] for k in ("alliance", "pairing") if request.GET.get(k, "").isdigit()}
    form = ReferralForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        referral = form.save(commit=False)
        referral.set_patient_id(form.cleaned_data["patient_id"])
        try:
            with transaction.atomic():
                services.apply(request.user, referral)
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, "已登记转诊申请")
            return redirect("alliances:referral", referral.pk)
    return render(request, "alliances/referral_form.html", {"form": form})


@login_required
def referral_detail(request, pk):
    referral = get_visible_or_404(
        request.user,
        Referral.objects.select_related("alliance", "pairing", "from_institution", "to_institution"),
        pk=pk,
    )
    context = {
        "referral": referral,
        "events": referral.events.select_related("actor"),
        "moves": services.allowed_moves(request.user, referral),
        "flags": services.flags(referral, services.timers(), timezone.now()),
        "may_follow_up": referral.direction == Direction.DOWN
        and referral.arrived_at
        and not referral.followed_up_at
        and role_at(request.user, referral.to_path) >= Role.SECRETARY,
        "can_view_pii": can(request.user, referral, "view_pii")
        or role_at(request.user, referral.to_path) >= Role.UNIT_ADMIN,
    }
    return render(request, "alliances/referral_detail.html", context)


def visible_referral(request, pk) -> Referral:
    return get_visible_or_404(request.user, Referral.objects.select_related("alliance", "pairing"), pk=pk)


@login_required
@require_POST
def referral_move(request, pk):
    referral = visible_referral(request, pk)
    try:
        with transaction.atomic():
            if request.POST.get("status") == "follow_up":
                services.follow_up(request.user, referral)
            else:
                services.move(request.user, referral, request.POST.get("status", ""), request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, "已更新转诊状态")
    return redirect("alliances:referral", pk)


@login_required
@require_POST
def referral_reveal(request, pk):
    """The whole ID number, to a unit admin of either side; every view is logged."""
    referral = visible_referral(request, pk)
    if not (can(request.user, referral, "view_pii") or role_at(request.user, referral.to_path) >= Role.UNIT_ADMIN):
        require(request.user, referral, "view_pii")
    log_read(request, referral, "查看转诊患者完整身份证号", ["patient_id"])
    return render(request, "alliances/_pii.html", {"id_number": referral.get_patient_id()})


@login_required
def institution_lookup(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("无权选择单位")
    units = Institution.objects.filter(is_active=True).order_by("name").only("id", "name", "region_code")
    return lookup_response(request, units.search, institution_choices)
