"""Honours as records: the scoped list, direct records, and the 光荣在党50年 eligibility list."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from core.access import Role, get_visible_or_404, granted_roots, highest_role, own_person, recheck_in_scope, under_any
from core.export import xlsx_response
from core.lookup import lookup_response
from core.paging import count_response, keyset_page
from orgs.forms import OrgFilterForm
from orgs.models import PartyOrg
from people.models import PartyStatus, Person, party_age

from .. import services
from ..forms import HonourForm
from ..models import Honour, HonourKind

ORDERING = ("-year", "-id")
GOLDEN_ORDERING = ("confirmed_on", "id")


@login_required
def honour_list(request):
    qs = Honour.objects.visible_to(request.user)
    kind = request.GET.get("kind", "")
    if kind.isdigit():
        qs = qs.filter(kind_id=int(kind))
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    if request.GET.get("mine") == "1":  # the member's own honours (their workbench links here)
        own = own_person(request.user)
        qs = qs.filter(person_id=own[0]) if own else qs.none()
    if request.GET.get("export") == "xlsx":
        rows = (
            (h.year, h.kind.name, h.recipient_name, h.issuer, h.get_level_display(), h.awarded_on)
            for h in qs.select_related("kind", "person", "org").order_by(*ORDERING).iterator(1000)
        )
        return xlsx_response(request, "荣誉", ["年度", "类别", "获得者", "授予单位", "级别", "授予日期"], rows)
    if counted := count_response(request, qs, ORDERING):
        return counted
    page = keyset_page(
        qs.values("id", "year", "kind__name", "person__name", "person_id", "org__name", "org_id", "post_name", "issuer",
                  "level", "awarded_on"),
        ORDERING, request.GET.get("after"),
    )  # fmt: skip
    return render(request, "honours/honour_list.html", {
        "page": page, "kinds": HonourKind.objects.values_list("id", "name"),
        "can_create": highest_role(request.user) >= Role.UNIT_ADMIN,
    })  # fmt: skip


@login_required
def honour_form(request):
    if highest_role(request.user) < Role.UNIT_ADMIN:
        raise PermissionDenied("只有单位管理员及以上角色可以登记荣誉")
    form = HonourForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                honour = services.record_honour(form.save(commit=False))
                recheck_in_scope(request.user, honour)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "荣誉已登记。")
            return redirect("honours:list")
    return render(request, "core/simple_form.html", {"form": form, "title": "登记荣誉"})


def _golden_rows(request, year: int):
    """Eligible members in scope. The scope is a prefix test (core.access.under_any) so that the database walks
    the (status, 转正日期) index in page order instead of gathering a province's members by scope and sorting."""
    qs = services.golden_eligible(year)
    if not request.user.is_superuser:
        qs = under_any(qs, granted_roots(request.user, Person.access_roles["view"]))
    return _with_org_filter(request, qs, request.GET.get("org", ""))


def _with_org_filter(request, qs, org: str):
    if org.isdigit():
        root = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org))
        qs = under_any(qs, [root.path], tag="org")
    return qs


@login_required
def golden_list(request):
    """Living members whose 党龄 reaches 50 years by 1 July of the year, and who already has the medal."""
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("查看光荣在党50年名单需要支部书记及以上角色")
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else timezone.localdate().year
    year = min(max(year, 1971), 2200)
    qs = _golden_rows(request, year)
    kind = services.golden_kind()
    can_award = highest_role(request.user) >= Role.UNIT_ADMIN
    if request.method == "POST":
        return _award_golden(request, year, can_award)
    if request.GET.get("export") == "xlsx":
        awarded = _awarded(kind, None)
        july = datetime.date(year, 7, 1)
        rows = (
            (p.name, p.home_org.name, p.joined_on, p.confirmed_on, p.party_age(july), "已颁发" if p.pk in awarded else "")
            for p in qs.select_related("home_org").order_by(*GOLDEN_ORDERING).iterator(1000)
        )  # fmt: skip
        return xlsx_response(
            request,
            f"{year}年光荣在党50年",
            ["姓名", "党组织", "入党日期", "转正日期", "党龄（7月1日）", "纪念章"],
            rows,
        )
    if counted := count_response(request, qs, GOLDEN_ORDERING):
        return counted
    page = keyset_page(
        qs.values("id", "name", "home_org__name", "joined_on", "confirmed_on"),
        GOLDEN_ORDERING,
        request.GET.get("after"),
    )
    awarded = _awarded(kind, [r["id"] for r in page.rows])
    july = datetime.date(year, 7, 1)
    for row in page.rows:
        row["awarded"] = row["id"] in awarded
        row["age"] = party_age(PartyStatus.FORMAL, row["confirmed_on"], july)
    org_filter = OrgFilterForm(request.GET, user=request.user)
    return render(request, "honours/golden_list.html", {
        "page": page, "year": year, "kind": kind, "can_award": can_award, "org_filter": org_filter,
        "pending": [row["id"] for row in page.rows if not row["awarded"]],
    })  # fmt: skip


def _award_golden(request, year: int, can_award: bool):
    """一键颁发 for everyone the list shows (all its pages), except the rows unticked on this page."""
    if not can_award:
        raise PermissionDenied("颁发纪念章需要单位管理员及以上角色")
    people = services.golden_eligible(year)
    if not request.user.is_superuser:  # only members the user may record honours for
        people = under_any(people, granted_roots(request.user, Honour.access_roles["create"]))
    people = _with_org_filter(request, people, request.POST.get("org", ""))
    shown = {int(i) for i in request.POST.getlist("shown") if i.isdigit()}
    ticked = {int(i) for i in request.POST.getlist("award") if i.isdigit()}
    try:
        awarded_on = datetime.date.fromisoformat(request.POST.get("awarded_on", ""))
    except ValueError:
        awarded_on = datetime.date(year, 7, 1)
    issuer = (request.POST.get("issuer") or "中共中央").strip()[:120]
    try:
        count = services.award_golden(people, year, issuer, awarded_on, skip=shown - ticked)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        count = 0
    else:
        messages.success(request, f"已为 {count} 名党员登记“光荣在党50年”纪念章（{awarded_on:%Y-%m-%d}）。")
    query = f"?year={year}" + (f"&org={request.POST['org']}" if request.POST.get("org", "").isdigit() else "")
    return redirect(reverse("honours:golden") + query)


def _awarded(kind: HonourKind | None, person_ids) -> set[int]:
    if kind is None:
        return set()
    qs = Honour.objects.filter(kind=kind, person__isnull=False)
    if person_ids is not None:
        qs = qs.filter(person_id__in=person_ids)
    return set(qs.values_list("person_id", flat=True))


@login_required
def honour_lookup(request):
    """Search-as-you-type over honours in scope by the recipient's name (an article's honour choice)."""
    honours = Honour.objects.visible_to(request.user).select_related("kind", "person", "org").order_by("-year", "-id")
    return lookup_response(
        request,
        lambda q: honours.filter(Q(person__name__startswith=q) | Q(org__name__contains=q) | Q(post_name__contains=q)),
    )
