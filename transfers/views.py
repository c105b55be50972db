"""组织关系转接 pages: the list of both sides' transfers, starting one from a member's page, the receiving side's
answer, the sender's receipt and cancellation, the printable 介绍信 with its 回执, and incoming letters."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.access import Role, can, get_visible_or_404, highest_role, role_at, scope_q
from core.export import xlsx_response
from core.forms import show_refusal
from core.history import log_read
from core.lookup import lookup_response
from core.paging import count_response, keyset_page
from dues.services import paid_until as dues_paid_until
from orgs.labels import org_choices
from people.models import Person

from . import services
from .forms import AcceptForm, AnswerForm, IncomingForm, ReceiptForm, StartForm, destination_orgs
from .models import Kind, Status, Transfer

ORDERING = ("-id",)


def filtered(request):
    qs = Transfer.objects.listable_by(request.user)
    if request.GET.get("status") in Status.values:
        qs = qs.filter(status=request.GET["status"])
    if request.GET.get("kind") in Kind.values:
        qs = qs.filter(kind=request.GET["kind"])
    if request.GET.get("open") == "1":
        qs = qs.filter(status__in=[Status.SENT, Status.IN_TRANSIT])
    if request.GET.get("overdue") == "1":
        qs = qs.filter(services.overdue_q(services.settings()["open_days"], timezone.localdate()))
    if request.GET.get("waiting") == "1":  # waiting for the user's side to accept or return
        qs = qs.filter(status=Status.SENT)
        q = scope_q(request.user, Role.UNIT_ADMIN, "to_path")
        qs = qs.filter(q) if q is not None else qs
    return qs


@login_required
def transfer_list(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看组织关系转接")
    qs = filtered(request)
    if request.GET.get("export") == "xlsx":
        rows = (
            (t.transfer_on, t.person.name, t.get_kind_display(), t.from_name, t.to_name, t.get_reason_display(),
             t.letter_number, t.dues_paid_until.strftime("%Y-%m") if t.dues_paid_until else "", t.get_status_display(),
             t.moved_on or t.receipt_on, t.answer)
            for t in qs.select_related("person", "from_org", "to_org").order_by(*ORDERING).iterator(2000)
        )  # fmt: skip
        headers = ["转出日期", "党员", "类型", "转出党组织", "转入党组织", "原因", "介绍信编号", "党费交至", "状态",
                   "转入/回执日期", "退回或撤销原因"]  # fmt: skip
        return xlsx_response(request, "组织关系转接", headers, rows)
    if counted := count_response(request, qs, ORDERING):
        return counted
    page = keyset_page(qs.select_related("person", "from_org", "to_org"), ORDERING, request.GET.get("after"))
    open_days, today = services.settings()["open_days"], timezone.localdate()
    for t in page.rows:
        t.overdue = t.is_open and (today - t.transfer_on).days > open_days
    context = {"page": page, "statuses": Status.choices, "kinds": Kind.choices, "open_days": open_days}
    return render(request, "transfers/transfer_list.html", context)


@login_required
def transfer_create(request):
    person = get_visible_or_404(
        request.user, Person.objects.select_related("home_org"), pk=request.GET.get("person") or 0
    )
    current = services.current_membership(person)
    if current is None or role_at(request.user, current.org.path) < Role.SECRETARY:
        raise PermissionDenied("组织关系转接须由党员所在党组织发起")
    form = StartForm(request.POST or None, initial={"dues_paid_until": dues_paid_until(person)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                transfer = services.start(
                    request.user, person, kind=data["kind"], to_org=data["to_org"], outside_org=data["outside_org"],
                    reason=data["reason"], note=data["note"], transfer_on=data["transfer_on"],
                    dues_paid_until=data["dues_paid_until"],
                )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, started_message(transfer))
            return redirect("transfers:detail", transfer.pk)
    context = {"form": form, "person": person, "current": current, "pending": services.open_transfer(person)}
    return render(request, "transfers/transfer_form.html", context)


def started_message(transfer: Transfer) -> str:
    if transfer.status == Status.ACCEPTED:
        return f"已转入：{transfer.to_org.name}"
    if transfer.kind == Kind.OUTGOING:
        return f"已开具介绍信（{transfer.letter_number}），请打印交党员本人；收回回执后登记"
    return f"已发起转接，等待{transfer.to_org.name}接收"


@login_required
def transfer_detail(request, pk):
    transfer = get_visible_or_404(request.user, Transfer.objects.select_related("person", "from_org", "to_org"), pk=pk)
    context = {
        "transfer": transfer,
        "events": transfer.events.select_related("actor"),
        "can_view_person": can(request.user, transfer.person, "view"),
        "may_answer": services.may_answer(request.user, transfer),
        "may_send": services.may_act_as_sender(request.user, transfer),
        "accept_form": AcceptForm(initial={"moved_on": timezone.localdate()}),
        "answer_form": AnswerForm(),
        "receipt_form": ReceiptForm(initial={"receipt_on": timezone.localdate()}),
        "expires_on": services.letter_expires_on(transfer),
        "overdue": transfer.is_open
        and (timezone.localdate() - transfer.transfer_on).days > services.settings()["open_days"],
    }
    return render(request, "transfers/transfer_detail.html", context)


def _step(request, pk, form_class, act, done: str):
    transfer = get_visible_or_404(request.user, Transfer.objects.select_related("person", "to_org", "from_org"), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("transfers:detail", pk)
    try:
        with transaction.atomic():
            act(transfer, form.cleaned_data)
    except (ValidationError, PermissionDenied) as error:
        text = "；".join(error.messages) if isinstance(error, ValidationError) else str(error)
        messages.error(request, text)
    else:
        messages.success(request, done)
    return redirect("transfers:detail", pk)


@login_required
@require_POST
def transfer_accept(request, pk):
    return _step(
        request, pk, AcceptForm, lambda t, d: services.accept(request.user, t, d["moved_on"]), "已接收，组织关系已转入"
    )


@login_required
@require_POST
def transfer_return(request, pk):
    return _step(
        request, pk, AnswerForm, lambda t, d: services.return_(request.user, t, d["answer"]), "已退回转出党组织"
    )


@login_required
@require_POST
def transfer_cancel(request, pk):
    return _step(request, pk, AnswerForm, lambda t, d: services.cancel(request.user, t, d["answer"]), "已撤销")


@login_required
@require_POST
def transfer_receipt(request, pk):
    return _step(
        request, pk, ReceiptForm, lambda t, d: services.record_receipt(request.user, t, d["receipt_on"]),
        "已登记回执，组织关系已转出",
    )  # fmt: skip


@login_required
def transfer_letter(request, pk):
    """The 介绍信 with its 存根 and 回执, laid out to print on one A4 page."""
    transfer = get_visible_or_404(request.user, Transfer.objects.select_related("person", "from_org"), pk=pk)
    if transfer.kind != Kind.OUTGOING:
        raise PermissionDenied("只有转出至本平台以外的转接开具介绍信")
    person = transfer.person
    id_number = ""
    if person.id_number_enc and role_at(request.user, transfer.org_path) >= Role.UNIT_ADMIN:
        id_number = person.get_id_number()
        log_read(request, person, f"打印组织关系介绍信（{transfer.letter_number}）", ["id_number"])
    born = person.birth_date
    age = None
    if born:
        age = (
            transfer.transfer_on.year
            - born.year
            - ((transfer.transfer_on.month, transfer.transfer_on.day) < (born.month, born.day))
        )
    context = {
        "transfer": transfer,
        "expires_on": services.letter_expires_on(transfer),
        "id_number": id_number,
        "age": age,
    }
    return render(request, "transfers/letter.html", context)


@login_required
def transfer_incoming(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以登记组织关系转入")
    form = IncomingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                person = form.person()
                person.save()
                transfer = services.register_incoming(
                    request.user, person, to_org=data["to_org"], outside_org=data["outside_org"],
                    letter_number=data["letter_number"], transfer_on=data["transfer_on"], reason=data["reason"],
                    note=data["note"], dues_paid_until=data["dues_paid_until"],
                )  # fmt: skip
        except ValidationError as error:
            show_refusal(form, error)
        else:
            messages.success(request, f"已登记转入：{person.name} → {transfer.to_org.name}")
            return redirect("transfers:detail", transfer.pk)
    return render(request, "transfers/incoming_form.html", {"form": form})


@login_required
def org_lookup(request):
    """Where a member may be sent: any active organisation in the platform (names and paths only)."""
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以选择转入党组织")
    return lookup_response(request, destination_orgs().order_by("path").search, org_choices)
