"""Pairing pages: list with the dormancy flag, proposal and acceptance, members joining and leaving, commitments,
and the pairing page with its timeline of joint activities and their outcomes."""

import datetime
from collections import defaultdict

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from activities.models import Activity, Outcome
from alliances.models import Referral
from core import versions
from core.access import (
    Role,
    can,
    get_changeable_or_404,
    get_visible_or_404,
    highest_role,
    object_to_edit,
    recheck_in_scope,
    require,
)
from core.export import xlsx_response
from core.lookup import lookup_response
from core.paging import count_response, keyset_page
from orgs.labels import org_choices
from orgs.models import PartyOrg, tree_version

from . import matching, services
from . import network as network_module
from .forms import (
    CommitmentForm,
    LeaveForm,
    NeedForm,
    PairingForm,
    PartnerForm,
    PlanFormSet,
    ProjectForm,
    ResourceForm,
    partner_orgs,
)
from .models import Commitment, ListStatus, Need, Pairing, PairingCategory, PairingMember, Resource, Status
from .signals import page_version

ORDERING = ("-id",)


def filtered_pairings(request):
    qs = Pairing.objects.visible_to(request.user)
    category = request.GET.get("category", "")
    if category.isdigit():
        qs = qs.filter(category_id=int(category))
    status = request.GET.get("status")
    if status in Status.values:
        qs = qs.filter(status=status)
    if request.GET.get("dormant") == "1":
        since = timezone.localdate() - timezone.timedelta(days=services.dormant_days())
        qs = qs.filter(status=Status.ACTIVE).filter(
            Q(last_joint_on__lt=since) | Q(last_joint_on__isnull=True, starts_on__lt=since)
        )
    return qs


@login_required
def pairing_list(request):
    qs = filtered_pairings(request)
    if request.GET.get("export") == "xlsx":
        rows = (
            (p.title, p.category.name, p.mode, p.lead_org.name, p.get_status_display(), p.signed_on, p.plaque_on,
             p.starts_on, p.ends_on, p.last_joint_on)
            for p in qs.select_related("category", "lead_org").order_by(*ORDERING).iterator(1000)
        )  # fmt: skip
        headers = ["名称", "类别", "形式", "牵头党组织", "状态", "签约", "授牌", "开始", "期满", "最近联合活动"]
        return xlsx_response(request, "共建关系", headers, rows)
    if counted := count_response(request, qs, ORDERING):
        return counted
    page = keyset_page(
        qs.values("id", "title", "mode", "status", "signed_on", "starts_on", "last_joint_on", "category__name",
                  "lead_org__name"),
        ORDERING,
        request.GET.get("after"),
    )  # fmt: skip
    days = services.dormant_days()
    today = timezone.localdate()
    partners = defaultdict(list)
    for pairing_id, name in PairingMember.objects.filter(
        pairing_id__in=[r["id"] for r in page.rows], is_lead=False, left_on__isnull=True
    ).values_list("pairing_id", "org__name"):
        partners[pairing_id].append(name)
    for row in page.rows:
        row["partners"] = partners[row["id"]]
        since = row["last_joint_on"] or row["starts_on"]
        row["dormant"] = row["status"] == Status.ACTIVE and (today - since).days > days
    return render(
        request,
        "pairings/pairing_list.html",
        {"page": page, "categories": PairingCategory.objects.values_list("id", "name"), "statuses": Status.choices,
         "dormant_days": days, "can_create": highest_role(request.user) >= Role.UNIT_ADMIN},
    )  # fmt: skip


@login_required
def pairing_form(request, pk=None):
    pairing = object_to_edit(request.user, Pairing.objects, pk, Role.UNIT_ADMIN, "只有单位管理员及以上角色可以发起共建")
    initial = renewal_initial(request) if pairing is None and request.GET.get("renew", "").isdigit() else {}
    form = PairingForm(
        request.POST or None, request.FILES or None, instance=pairing, user=request.user, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if pairing is None:
                    pairing = services.propose(request.user, form.save(commit=False), form.partners())
                else:
                    pairing = form.save()
                    services.update_status(pairing)
                recheck_in_scope(request.user, pairing)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if pairing.status == Status.PENDING:
                messages.info(request, "已发起共建；管理范围外的共建单位确认后生效")
            else:
                messages.success(request, f"已保存：{pairing.title}")
            return redirect("pairings:detail", pairing.pk)
    return render(request, "pairings/pairing_form.html", {"form": form, "pairing": pairing})


def renewal_initial(request) -> dict:
    """A renewal starts as a copy of the pairing it renews, from the day after it ends."""
    old = get_changeable_or_404(request.user, Pairing.objects, pk=int(request.GET["renew"]))
    partners = old.members.filter(is_lead=False, left_on__isnull=True).values_list("org_id", flat=True)
    start = old.ends_on + datetime.timedelta(days=1) if old.ends_on else timezone.localdate()
    initial = {"title": old.title, "category": old.category_id, "mode": old.mode, "lead_org": old.lead_org_id,
               "starts_on": start, "plan": old.plan, "renewal_of": old.pk}  # fmt: skip
    initial.update({f"partner_{i}": org_id for i, org_id in enumerate(partners)})
    return initial


@login_required
def pairing_detail(request, pk):
    pairing = get_visible_or_404(request.user, Pairing.objects.select_related("category", "lead_org"), pk=pk)
    members = list(
        pairing.members.select_related("org").only("org__name", *MEMBER_FIELDS).order_by("-is_lead", "joined_on", "id")
    )
    for member in members:
        member.may_act = services.may_act_for(request.user, member.org_path)
        member.may_accept = member.is_pending and member.may_act
    parts = pairing_parts(pairing)
    can_change = can(request.user, pairing, "change")
    days = services.dormant_days()
    context = {
        "pairing": pairing,
        "members": members,
        **parts,
        "can_change": can_change,
        "dormant": pairing.is_dormant(days, timezone.localdate()),
        "dormant_days": days,
        "may_list": pairing.status == Status.ACTIVE
        and any(m.may_act and not m.is_pending and not m.left_on for m in members),
    }
    return render(request, "pairings/pairing_detail.html", context)


def pairing_parts(pairing: Pairing) -> dict:
    """What a pairing's page lists, the same for every reader: cached under the pairing's page version (renewed
    by pairings.signals when any of it changes) and the org tree's (the names shown)."""
    key = f"pairing-parts:{pairing.pk}:{versions.current(page_version(pairing.pk))}:{tree_version()}"
    parts = cache.get(key)
    if parts is None:
        parts = _read_pairing_parts(pairing)
        cache.set(key, parts, PARTS_SECONDS)
    return parts


PARTS_SECONDS = 600  # what no signal sees (an activity kind or a heading renamed) shows within ten minutes


def _read_pairing_parts(pairing: Pairing) -> dict:
    activities = list(
        Activity.objects.filter(pairing=pairing, is_cancelled=False)
        .values("id", "title", "starts_at", "kind__name", "lead_org__name")
        .order_by("-starts_at")[:200]
    )
    outcomes = (
        list(
            Outcome.objects.filter(activity__pairing=pairing, activity__is_cancelled=False)
            .values("label", "unit")
            .annotate(total=Sum("value"), times=Count("id"))
            .order_by("label")
        )
        if activities
        else []
    )
    commitments = defaultdict(list)
    for c in pairing.commitments.select_related("heading", "owner__org").only(*COMMITMENT_FIELDS):
        commitments[c.heading.name].append(c)
    needs = list(Need.objects.filter(pairing=pairing).select_related("member__org").only(*LIST_FIELDS, "status"))
    resources = list(
        Resource.objects.filter(pairing=pairing).select_related("member__org").only(*LIST_FIELDS, "capacity")
    )
    projects = pairing.projects.select_related("need__member__org", "resource__member__org") if needs else []
    return {
        "activities": activities,
        "outcomes": outcomes,
        "commitments": dict(commitments),
        "needs": needs,
        "resources": resources,
        "projects": list(projects),
        "suggestions": matching.suggestions(needs, resources),
        "referrals": dict(
            Referral.objects.filter(pairing=pairing).values_list("direction").annotate(n=Count("id")).order_by()
        ),
    }


# What the page shows of the lists and the matching reads (pairings.matching): the joined rows' other columns
# cost more to select and build than the page's own queries.
COMMITMENT_FIELDS = (
    "pairing_id",
    "heading__name",
    "owner__org__name",
    "content",
    "target",
    "due_on",
    "progress",
    "status",
)
LIST_FIELDS = ("member__org__name", "member_id", "heading_id", "title", "title_norm")
MEMBER_FIELDS = ("pairing_id", "org_id", "org_path", "is_lead", "joined_on", "left_on", "accepted_at")


@login_required
@require_POST
def member_accept(request, pk, member_pk):
    pairing = get_visible_or_404(request.user, Pairing.objects, pk=pk)
    member = pairing.members.filter(pk=member_pk).select_related("org").first()
    if member is None:
        raise PermissionDenied("不是该共建关系的成员")
    try:
        with transaction.atomic():
            services.accept(request.user, member)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"{member.org.name}已确认共建")
    return redirect("pairings:detail", pk)


@login_required
def member_add(request, pk):
    pairing = get_changeable_or_404(request.user, Pairing.objects, pk=pk)
    form = PartnerForm(request.POST or None, initial={"joined_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.add_partner(request.user, pairing, form.cleaned_data["org"], form.cleaned_data["joined_on"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "已添加共建单位")
            return redirect("pairings:detail", pk)
    return render(request, "pairings/simple_form.html", {"form": form, "pairing": pairing, "title": "添加共建单位"})


@login_required
def member_leave(request, pk, member_pk):
    pairing = get_changeable_or_404(request.user, Pairing.objects, pk=pk)
    member = pairing.members.filter(pk=member_pk, left_on__isnull=True).select_related("org").first()
    if member is None:
        raise PermissionDenied("该成员不存在或已退出")
    form = LeaveForm(request.POST or None, initial={"left_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                services.leave(member, form.cleaned_data["left_on"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{member.org.name}已退出共建")
            return redirect("pairings:detail", pk)
    title = f"退出共建：{member.org.name}"
    return render(request, "pairings/simple_form.html", {"form": form, "pairing": pairing, "title": title})


@login_required
def commitment_form(request, pk, commitment_pk=None):
    """The lead side writes the commitments; the side that owns one may update its progress."""
    pairing = get_visible_or_404(request.user, Pairing.objects, pk=pk)
    commitment = None
    if commitment_pk is not None:
        commitment = pairing.commitments.filter(pk=commitment_pk).select_related("owner").first()
        if commitment is None:
            raise PermissionDenied("承诺不存在")
    owner_side = commitment and commitment.owner and services.may_act_for(request.user, commitment.owner.org_path)
    if not (can(request.user, pairing, "change") or owner_side):
        raise PermissionDenied("只有牵头方或责任方的单位管理员可以修改共建承诺")
    if pairing.status == Status.PENDING and not can(request.user, pairing, "change"):
        raise PermissionDenied("共建关系尚待确认")
    form = CommitmentForm(request.POST or None, instance=commitment, pairing=pairing)
    form.instance.pairing = pairing
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            form.save()
        messages.success(request, "已保存共建承诺")
        return redirect("pairings:detail", pk)
    return render(request, "pairings/simple_form.html", {"form": form, "pairing": pairing, "title": "共建承诺"})


@login_required
def commitment_plan(request, pk):
    """The lead side writes its commitments under all five 五联 headings on one form (one transaction)."""
    from activities.models import LinkHeading

    pairing = get_visible_or_404(request.user, Pairing.objects, pk=pk)
    require(request.user, pairing, "change")
    headings = list(LinkHeading.objects.filter(is_active=True))
    names = {h.pk: h.name for h in headings}
    initial = [{"heading": h.pk} for h in headings]
    formset = PlanFormSet(request.POST or None, initial=initial, pairing=pairing, prefix="plan")
    if request.method == "POST" and formset.is_valid():
        rows = [f.cleaned_data for f in formset.forms if f.cleaned_data.get("content")]
        start = pairing.commitments.count()
        with transaction.atomic():
            for order, row in enumerate(rows, start=start):
                if row["heading"] not in names:
                    raise PermissionDenied("五联类别无效")
                Commitment(pairing=pairing, heading_id=row["heading"], content=row["content"], owner=row["owner"],
                           target=row["target"], due_on=row["due_on"], sort_order=order).save()  # fmt: skip
        messages.success(request, f"已添加 {len(rows)} 项共建承诺")
        return redirect("pairings:detail", pk)
    rows = [(names.get(int(f["heading"].value() or 0), ""), f) for f in formset.forms]
    return render(request, "pairings/commitment_plan.html", {"formset": formset, "rows": rows, "pairing": pairing})


def acting_sides(user, pairing: Pairing) -> list[PairingMember]:
    """The current, accepted sides of a pairing this user administers."""
    sides = pairing.members.filter(left_on__isnull=True, accepted_at__isnull=False).select_related("org")
    return [m for m in sides if services.may_act_for(user, m.org_path)]


@login_required
def list_item_form(request, pk, kind, item_pk=None):
    """A need (需求清单) or a resource (资源清单) of a side the user administers."""
    model, form_class, title = {"need": (Need, NeedForm, "需求"), "resource": (Resource, ResourceForm, "资源")}[kind]
    pairing = get_visible_or_404(request.user, Pairing.objects, pk=pk)
    if pairing.status != Status.ACTIVE:
        raise PermissionDenied("共建关系生效后才能登记需求和资源")
    sides = acting_sides(request.user, pairing)
    item = None
    if item_pk is not None:
        item = model.objects.filter(pairing=pairing, pk=item_pk).first()
        if item is None or item.member_id not in {m.pk for m in sides}:
            raise PermissionDenied(f"只能修改本单位提出的{title}")
    if not sides:
        raise PermissionDenied(f"只有共建单位的管理员可以登记{title}")
    form = form_class(request.POST or None, instance=item, pairing=pairing, sides=sides)
    form.instance.pairing = pairing
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"已保存{title}：{form.instance.title}")
        return redirect("pairings:detail", pk)
    return render(request, "pairings/simple_form.html", {"form": form, "pairing": pairing, "title": f"登记{title}"})


@login_required
def project_form(request, pk, project_pk=None):
    """A project matches a need to a resource; the lead side or either side concerned writes it."""
    pairing = get_visible_or_404(request.user, Pairing.objects, pk=pk)
    if not (can(request.user, pairing, "change") or acting_sides(request.user, pairing)):
        raise PermissionDenied("只有牵头方或共建单位的管理员可以立项")
    project = pairing.projects.filter(pk=project_pk).first() if project_pk else None
    if project_pk and project is None:
        raise PermissionDenied("项目不存在")
    initial = {k: request.GET[k] for k in ("need", "resource") if request.GET.get(k, "").isdigit()}
    form = ProjectForm(request.POST or None, instance=project, pairing=pairing, initial=initial)
    form.instance.pairing = pairing
    if request.method == "POST" and form.is_valid():
        sides = {form.instance.need.member.org_path, form.instance.resource.member.org_path}
        if not (can(request.user, pairing, "change") or any(services.may_act_for(request.user, p) for p in sides)):
            raise PermissionDenied("只有牵头方或需求、资源所属单位的管理员可以立项")
        with transaction.atomic():
            form.save()
            Need.objects.filter(pk=form.instance.need_id).update(status=ListStatus.SERVED)
        messages.success(request, f"已保存项目：{form.instance.title}")
        return redirect("pairings:detail", pk)
    return render(request, "pairings/simple_form.html", {"form": form, "pairing": pairing, "title": "共建项目"})


@login_required
def agreement(request, pk):
    """The agreement file, to the pairing's sides only (it is not public)."""
    pairing = get_visible_or_404(request.user, Pairing.objects, pk=pk)
    if not pairing.agreement:
        raise Http404("未上传共建协议")
    return FileResponse(
        pairing.agreement.open("rb"), as_attachment=True, filename=pairing.agreement.name.split("/")[-1]
    )


@login_required
def pairing_lookup(request):
    """Search-as-you-type over the active pairings the user sees (the pairing choice of an activity)."""
    pairings = Pairing.objects.visible_to(request.user).filter(status=Status.ACTIVE).order_by("-id").only("id", "title")
    return lookup_response(request, lambda q: pairings.filter(title__contains=q))


@login_required
def partner_lookup(request):
    """Search-as-you-type over every active party organisation: a partner may be anyone's (names only)."""
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以选择共建单位")
    return lookup_response(request, partner_orgs().order_by("path").search, org_choices)


@login_required
def network(request):
    """The sector's view: the network of pairings and alliances (ECharts) and the co-construction figures."""
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看共建网络")
    region = request.GET.get("region", "")
    context = {
        "stats": network_module.cached_statistics(request.user, region),
        "categories": PairingCategory.objects.values_list("id", "name"),
        "regions": network_module.region_choices(request.user),
        "data_url": reverse("pairings:network-data") + "?" + request.GET.urlencode(),
        "stats_minutes": settings.STATS_CACHE_SECONDS // 60,
    }
    return render(request, "pairings/network.html", context)


@login_required
def network_data(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看共建网络")
    org = None
    if request.GET.get("org", "").isdigit():
        org = get_visible_or_404(request.user, PartyOrg.objects, pk=int(request.GET["org"]))
        require(request.user, org, "view")
    data = network_module.cached_graph(
        request.user, request.GET.get("category", ""), request.GET.get("region", ""), org
    )
    return HttpResponse(data, content_type="application/json")
