"""People pages: list with search, person record, registration, transfer, posts, and the logged PII reveal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from activities.models import Attendance, AttendanceStatus
from core.access import Role, can, get_changeable_or_404, get_visible_or_404, highest_role, recheck_in_scope, require
from core.export import xlsx_response
from core.history import log_read
from core.lookup import lookup_response
from core.paging import count_response, keyset_page
from development.models import Applicant
from dues import services as dues_services
from honours.services import golden_year
from orgs import services
from orgs.forms import OrgFilterForm
from orgs.models import PartyOrg
from transfers.models import Transfer
from transfers.services import may_start_transfer

from .forms import EndMembershipForm, PersonForm, PositionForm, person_choices
from .models import Education, PartyStatus, Person, Position, party_age, search_kind

SORTS = {"org": ("org_path", "id"), "name": ("name_pinyin", "id"), "recent": ("-id",)}


def list_ordering(sort: str | None, query: str) -> tuple[str, ...]:
    """The requested order; with a search and no choice, the order of the index the search uses."""
    if sort in SORTS:
        return SORTS[sort]
    kind, _ = search_kind(query)
    return (kind, "id") if kind in ("name_norm", "name_pinyin", "name_initials") else SORTS["org"]


EXPORT_HEADERS = [
    "编号",
    "姓名",
    "性别",
    "出生日期",
    "政治面貌",
    "入党日期",
    "转正日期",
    "党龄",
    "所属党组织",
    "工作单位",
    "科室",
    "身份证号",
    "手机号",
]


def filtered_people(request):
    """The person list's queryset: scope, search and filters; shared by the page and its export."""
    qs = Person.objects.visible_to(request.user)
    org_id = request.GET.get("org", "")
    if org_id.isdigit():
        org = get_visible_or_404(request.user, PartyOrg.objects, pk=int(org_id))
        qs = Person.objects.visible_under(request.user, org.path)
    qs = qs.search(request.GET.get("q", ""))
    status = request.GET.get("status")
    if status in PartyStatus.values:
        qs = qs.filter(party_status=status)
    elif status == "members":
        qs = qs.filter(party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY])
    if request.GET.get("gender") in ("M", "F"):
        qs = qs.filter(gender=request.GET["gender"])
    if request.GET.get("education") in Education.values:
        qs = qs.filter(education=request.GET["education"])
    if request.GET.get("inactive") != "1":
        qs = qs.filter(is_active=True)
    if request.GET.get("account") == "none":  # who still has no login (批量开通账号 works on this list)
        qs = qs.filter(user__isnull=True)
    return qs


# The list reads plain rows (no model instances): 50 rows with two joins render in a fraction of the time.
LIST_COLUMNS = (
    "id",
    "name",
    "gender",
    "party_status",
    "confirmed_on",
    "is_active",
    "phone_mask",
    "home_org__name",
    "institution__name",
)


@login_required
def person_list(request):
    qs = filtered_people(request).select_related("home_org", "institution")
    if request.GET.get("export") == "xlsx":
        rows = (
            (
                p.id,
                p.name,
                p.get_gender_display(),
                p.birth_date,
                p.get_party_status_display(),
                p.joined_on,
                p.confirmed_on,
                p.party_age(),
                p.home_org.name,
                p.institution.name if p.institution else "",
                p.department,
                p.id_number_mask,
                p.phone_mask,
            )
            for p in qs.order_by("org_path", "id").iterator(2000)
        )
        return xlsx_response(request, "人员", EXPORT_HEADERS, rows)
    sort = request.GET.get("sort")
    ordering = list_ordering(sort, request.GET.get("q", ""))
    if counted := count_response(request, qs, ordering):
        return counted
    columns = {*LIST_COLUMNS, *(f.lstrip("-") for f in ordering)}
    page = keyset_page(qs.values(*columns), ordering, request.GET.get("after"))
    for row in page.rows:
        row["party_age"] = party_age(row["party_status"], row["confirmed_on"])
    return render(
        request,
        "people/person_list.html",
        {
            "page": page,
            "statuses": PartyStatus.choices,
            "educations": Education.choices,
            "sort": sort,
            "can_open_accounts": highest_role(request.user) >= Role.UNIT_ADMIN,
            "org_filter": OrgFilterForm(request.GET, user=request.user),
        },
    )


@login_required
def person_detail(request, pk):
    person = get_visible_or_404(request.user, Person.objects.select_related("home_org", "institution"), pk=pk)
    context = {
        "person": person,
        "memberships": person.memberships.select_related("org").order_by("-start_on"),
        "positions": person.positions.select_related("org", "institution").order_by("-start_on", "-id"),
        "can_change": can(request.user, person, "change"),
        "can_view_pii": can(request.user, person, "view_pii"),
        "attendance": Attendance.objects.filter(person=person)
        .values("starts_at", "status", "reason", "activity_id", "activity__title", "activity__kind__name")
        .order_by("-starts_at")[:10],
        "ATTENDANCE": dict(AttendanceStatus.choices),
        "honours": person.honours.select_related("kind").order_by("-year", "-id")[:50],
        "golden_year": golden_year(person.confirmed_on) if person.party_status == PartyStatus.FORMAL else None,
        "transfers": Transfer.objects.filter(person=person).select_related("from_org", "to_org").order_by("-id")[:20],
        "may_transfer": may_start_transfer(request.user, person),
        "development": Applicant.objects.filter(person=person).first(),
        "dues": dues_summary(person),
    }
    return render(request, "people/person_detail.html", context)


def dues_summary(person) -> dict | None:
    """The member's 党费 at a glance: the monthly amount, the month paid up to, and any unpaid run."""
    from dues.models import DuesAccount
    from dues.services import paid_until, unpaid_run

    account = DuesAccount.objects.filter(person=person).first()
    if account is None:
        return None
    return {"amount": account.amount, "until": paid_until(person), "run": unpaid_run(account), "gaps": account.gaps,
            "exempt": account.exempt}  # fmt: skip


@login_required
@require_POST
def person_reveal(request, pk):
    """Show the whole ID number and phone to a unit admin or above, and log that it was seen."""
    person = get_visible_or_404(request.user, Person.objects, pk=pk)
    require(request.user, person, "view_pii")
    log_read(request, person, "查看完整身份证号和手机号", ["id_number", "phone"])
    return render(request, "people/_pii.html", {"id_number": person.get_id_number(), "phone": person.get_phone()})


@login_required
def person_create(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以登记人员")
    initial = {}
    if request.GET.get("org", "").isdigit():
        initial["home_org"] = get_visible_or_404(request.user, PartyOrg.objects, pk=int(request.GET["org"]))
    form = PersonForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            person = form.save()
            membership = form.opening_membership(person)
            if membership:
                membership.save()
            recheck_in_scope(request.user, person)
            services.refresh_orgs([person.home_org_id])
            services.refresh_institutions([person.institution_id])
        messages.success(request, f"已登记：{person.name}")
        return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": None})


@login_required
def person_edit(request, pk):
    person = get_changeable_or_404(request.user, Person.objects, pk=pk)
    old_institution = person.institution_id
    form = PersonForm(request.POST or None, instance=person, user=request.user)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            person = form.save()
            recheck_in_scope(request.user, person)
            services.refresh_orgs([m.org_id for m in person.memberships.filter(end_on__isnull=True)])
            services.refresh_institutions([old_institution, person.institution_id])
        messages.success(request, "已保存")
        return redirect("people:detail", person.pk)
    return render(request, "people/person_form.html", {"form": form, "person": person})


@login_required
@require_POST
def person_deactivate(request, pk):
    person = get_changeable_or_404(request.user, Person.objects, pk=pk)
    with transaction.atomic():
        person.is_active = False
        person.save()
        services.refresh_orgs([m.org_id for m in person.memberships.filter(end_on__isnull=True)])
        dues_services.refresh_accounts([person.pk])  # no longer due
        services.refresh_institutions([person.institution_id])
    messages.success(request, f"已停用：{person.name}（记录保留，可在列表勾选“含停用”查看）")
    return redirect("people:detail", person.pk)


@login_required
def membership_end(request, pk):
    person = get_changeable_or_404(request.user, Person.objects, pk=pk)
    current = person.memberships.filter(end_on__isnull=True).first()
    form = EndMembershipForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if current is None:
            form.add_error(None, "该人员没有在册的组织关系")
        elif form.cleaned_data["date"] < current.start_on:
            form.add_error("date", f"转出日期不能早于组织关系开始日期 {current.start_on:%Y-%m-%d}")
        else:
            with transaction.atomic():
                current.end_on = form.cleaned_data["date"]
                current.reason = form.cleaned_data["reason"]
                current.save()
                services.refresh_orgs([current.org_id])
                dues_services.refresh_accounts([person.pk])
            messages.success(request, "已办理转出")
            return redirect("people:detail", person.pk)
    return render(
        request, "people/simple_form.html", {"form": form, "title": f"组织关系转出：{person.name}", "person": person}
    )


@login_required
def position_form(request, pk, position_pk=None):
    person = get_changeable_or_404(request.user, Person.objects, pk=pk)
    position = None
    if position_pk is not None:
        position = get_visible_or_404(request.user, Position.objects.filter(person=person), pk=position_pk)
        require(request.user, position, "change")
    form = PositionForm(request.POST or None, instance=position, user=request.user)
    form.instance.person = person
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            position = form.save()
            recheck_in_scope(request.user, position)
            if position.org_id:
                services.refresh_orgs([position.org_id])
        messages.success(request, f"已保存职务：{position.title}")
        return redirect("people:detail", person.pk)
    return render(request, "people/position_form.html", {"form": form, "person": person, "position": position})


@login_required
def person_lookup(request):
    """The person picker's answers: active people the user may see (or change, for linking an account), by name
    (繁简), pinyin, initials or exact ID number."""
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("您的角色无权查找人员")
    action = "change" if request.GET.get("action") == "change" else "view"
    people = Person.objects.visible_to(request.user, action).filter(is_active=True).only("id", "name")
    return lookup_response(request, lambda query: people.search(query).order_by("name_pinyin", "id"), person_choices)
