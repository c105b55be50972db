"""党费 pages: a branch's month (bulk 已交), the yearly bases, several months for one member, arrears, the sums per
organisation and month with the amounts handed up, the rate tables, and the 党费收缴登记表 export."""

import datetime
from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import versions
from core.access import Role, get_visible_or_404, highest_role, role_at, scope_q
from core.export import xlsx_response
from core.forms import show_refusal
from core.paging import keyset_page
from orgs.forms import OrgFilterForm, sole_scope_root
from orgs.models import PartyOrg
from orgs.services import rows_under
from people.models import Person

from . import services
from .forms import BaseRowForm, HandoverForm, MonthPaidForm, PayMonthsForm, RateTableForm, TierFormSet
from .models import (
    TABLE_OF,
    Category,
    DuesAccount,
    DuesBase,
    DuesTotal,
    Handover,
    Payment,
    RateTable,
    RateTier,
    add_months,
    month_start,
    months_between,
)


def visible_org(request, pk) -> PartyOrg:
    org = get_visible_or_404(request.user, PartyOrg.objects, pk=pk)
    if role_at(request.user, org.path) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看党费")
    return org


def refusal(error) -> str:
    return "；".join(error.messages) if isinstance(error, ValidationError) else str(error)


def month_of(year: int, month: int) -> datetime.date:
    try:
        return datetime.date(year, month, 1)
    except ValueError:
        raise Http404("月份无效") from None


@login_required
def index(request):
    """A secretary lands on their branch's month; anyone else on the sums of their organisation."""
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看党费")
    branch = sole_scope_root(request.user, Role.SECRETARY) if highest_role(request.user) == Role.SECRETARY else None
    if branch is not None:
        today = timezone.localdate()
        return month_page(request, branch.pk, today.year, today.month)
    return sums(request)


@login_required
def month_page(request, pk, year, month):
    org = visible_org(request, pk)
    month_day = month_of(year, month)
    form = MonthPaidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ids = [int(v) for v in request.POST.getlist("person") if v.isdigit()]
        if not ids:
            messages.error(request, "请勾选已交纳的党员")
        else:
            try:
                with transaction.atomic():
                    done = services.record_month(request.user, org, ids, month_day, form.cleaned_data["paid_on"],
                                                 form.cleaned_data["receipt"])  # fmt: skip
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, refusal(error))
            else:
                total = sum(p.amount for p in done)
                messages.success(request, f"已登记{len(done)}人{services.cn_month(month_day)}党费，合计{total}元")
                return redirect("dues:month", org.pk, year, month)
    rows = services.month_rows(org, month_day)
    due = sum((r.base.amount for r in rows if r.base and r.state in ("paid", "unpaid")), Decimal(0))
    paid = sum((r.payment.amount for r in rows if r.payment), Decimal(0))
    context = {
        "org": org, "month": month_day, "rows": rows, "form": form, "due": due, "paid": paid,
        "counts": {state: sum(r.state == state for r in rows) for state in services.STATE_LABELS},
        "labels": services.STATE_LABELS, "previous": add_months(month_day, -1), "next": add_months(month_day, 1),
        "may_record": role_at(request.user, org.path) >= Role.SECRETARY,
        "paid_ids": ",".join(str(r.payment.pk) for r in rows if r.payment),
    }  # fmt: skip
    return render(request, "dues/month.html", context)


@login_required
def bases_page(request, pk, year):
    org = visible_org(request, pk)
    today = timezone.localdate()
    people = services.members_of(org, month_start(min(today, datetime.date(year, 12, 31))))
    ids = [p.pk for p in people]
    this_year = {b.person_id: b for b in DuesBase.objects.filter(person_id__in=ids, year=year).order_by("starts_month")}
    last_year = {
        b.person_id: b for b in DuesBase.objects.filter(person_id__in=ids, year=year - 1).order_by("starts_month")
    }
    rows = []
    for person in people:
        current = this_year.get(person.pk)
        source = current or last_year.get(person.pk)
        initial = {"category": Category.RETIRED if person.is_retired else Category.EMPLOYED}
        if source:
            initial = {"category": source.category, "base": source.base,
                       "amount": source.amount if source.category == Category.FARMER else None}  # fmt: skip
        form = BaseRowForm(request.POST or None, prefix=str(person.pk), initial=initial)
        rows.append(
            {"person": person, "form": form, "current": current, "copied": current is None and source is not None}
        )
    if request.method == "POST":
        saved = save_bases(request, rows, year)
        if saved is not None:
            messages.success(request, f"已核定{saved}人{year}年度党费" if saved else "没有改动")
            return redirect("dues:bases", org.pk, year)
    context = {"org": org, "year": year, "rows": rows, "table_categories": list(TABLE_OF)}
    return render(request, "dues/bases.html", context)


def save_bases(request, rows, year) -> int | None:
    """Every changed row in one transaction; a refusal is shown on its row and nothing is written."""
    if any(not r["form"].is_valid() for r in rows):
        messages.error(request, "有填写错误的行，请改正后再保存")
        return None
    changed = [r for r in rows if differs(r["form"].cleaned_data, r["current"])]
    failed = False
    try:
        with transaction.atomic():
            for row in changed:
                data = row["form"].cleaned_data
                if row["current"] is None and data["category"] in TABLE_OF and data["base"] is None:
                    continue  # not filled in yet: left for later
                try:
                    services.set_base(request.user, row["person"], year=year, category=data["category"],
                                      base=data["base"], amount=data["amount"], reason=data["reason"])  # fmt: skip
                except ValidationError as error:
                    failed = True
                    show_refusal(row["form"], error)
            if failed:
                raise ValidationError("rollback")
    except ValidationError:
        messages.error(request, "有不能保存的行（见各行说明），本次没有保存任何一行")
        return None
    except PermissionDenied as error:
        messages.error(request, str(error))
        return None
    return sum(
        1
        for r in changed
        if r["form"].cleaned_data.get("base") is not None or r["form"].cleaned_data["category"] not in TABLE_OF
    )


def differs(data: dict, current: DuesBase | None) -> bool:
    """Whether a row asks for something other than the base already set for the year."""
    if current is None:
        return True
    if data["category"] != current.category:
        return True
    if data["category"] in TABLE_OF:
        return data["base"] != current.base
    if data["category"] == Category.FARMER:
        return data["amount"] != current.amount
    return bool(data["reason"].strip()) and data["reason"].strip() != current.reason


@login_required
def pay_page(request, pk):
    person = get_visible_or_404(request.user, Person.objects, pk=pk)
    membership = person.memberships.filter(end_on__isnull=True).select_related("org").first()
    if membership is None or role_at(request.user, membership.org.path) < Role.SECRETARY:
        raise PermissionDenied("只有党员所在支部可以登记党费")
    form = PayMonthsForm(request.POST or None, initial={"first": month_start(timezone.localdate()),
                                                        "last": month_start(timezone.localdate())})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                done = services.record_months(request.user, person, data["first"], data["last"], data["paid_on"],
                                              data["receipt"])  # fmt: skip
        except (ValidationError, PermissionDenied) as error:
            form.add_error(None, refusal(error))
        else:
            total = sum(p.amount for p in done)
            messages.success(request, f"已登记{person.name}{len(done)}个月党费，合计{total}元")
            return redirect("dues:pay", person.pk)
    payments = list(Payment.objects.filter(person=person).order_by("-month")[:24])
    for payment in payments:  # the months paid together print on one receipt
        payment.together = ",".join(str(p.pk) for p in payments if p.receipt and p.receipt == payment.receipt) or str(
            payment.pk
        )
    account = DuesAccount.objects.filter(person=person).first()
    context = {"person": person, "org": membership.org, "form": form, "payments": payments, "account": account,
               "run": services.unpaid_run(account) if account else 0,
               "bases": DuesBase.objects.filter(person=person).order_by("-starts_month")[:6]}  # fmt: skip
    return render(request, "dues/pay.html", context)


@login_required
@require_POST
def undo_payment(request, pk):
    payment = get_visible_or_404(request.user, Payment.objects.select_related("org", "person"), pk=pk)
    try:
        with transaction.atomic():
            services.undo_payment(request.user, payment)
    except PermissionDenied as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"已撤销{payment.person.name}{services.cn_month(payment.month)}的党费登记")
    back = request.POST.get("next", "")
    return redirect(back if back.startswith("/dues/") else reverse("dues:pay", args=[payment.person_id]))


@login_required
def arrears(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看欠交党费")
    filters = OrgFilterForm(request.GET or None, user=request.user)
    org = filters.cleaned_data.get("org") if filters.is_valid() else None
    qs = rows_under(DuesAccount.objects.all(), request.user, Role.SECRETARY, org)
    months = int(request.GET["months"]) if request.GET.get("months", "").isdigit() else 0
    qs = qs.filter(services.arrears_q(months) if months else services.behind_q())
    ordering = ("covered_through", "person_id")
    if request.GET.get("export") == "xlsx":
        rows = (
            (a.person.name, a.org.name, services.unpaid_run(a), a.gaps, a.amount,
             (services.unpaid_run(a) + a.gaps) * (a.amount or 0), a.covered_through)
            for a in qs.select_related("person", "org").order_by(*ordering).iterator(2000)
        )  # fmt: skip
        headers = [
            "姓名",
            "党组织",
            "连续未交（月）",
            "此前漏交（月）",
            "月交纳（元）",
            "欠交合计（元，按现基数）",
            "交至",
        ]
        return xlsx_response(request, "欠交党费", headers, rows)
    rows = qs.values("person_id", "covered_through", "gaps", "exempt", "amount", "person__name", "org__name")
    page = keyset_page(rows, ordering, request.GET.get("after"))
    cfg, last = services.settings(), services.last_complete_month()
    for account in page.rows:  # plain rows: a page of accounts with names is 150 model instances otherwise
        account["run"] = max(months_between(account["covered_through"], last), 0)
        account["owed"] = (account["run"] + account["gaps"]) * (account["amount"] or 0)
        tone = (
            "red" if account["run"] >= services.LAPSE_MONTHS else "warn" if account["run"] >= cfg["warn_months"] else ""
        )
        account["tone"] = tone
    context = {
        "page": page,
        "filters": filters,
        "months": months,
        "warn": cfg["warn_months"],
        "lapse": services.LAPSE_MONTHS,
    }
    return render(request, "dues/arrears.html", context)


def sum_lines(org: PartyOrg, months: list) -> list[dict]:
    """The organisation's and each child's paid amount per month, from the kept totals."""
    children = list(
        PartyOrg.objects.filter(parent=org, is_active=True).only("id", "name", "path", "kind").order_by("path")
    )
    rows = DuesTotal.objects.filter(org_id__in=[org.pk] + [c.pk for c in children], month__in=months)
    totals = {(o, m): (amount, n) for o, m, amount, n in rows.values_list("org_id", "month", "amount", "payments")}

    def line(o):
        cells = [totals.get((o.pk, m)) for m in months]
        return {"org": o, "cells": [c[0] if c else None for c in cells],
                "amount": sum((c[0] for c in cells if c), Decimal(0)), "payments": sum(c[1] for c in cells if c)}  # fmt: skip

    return [line(org)] + [line(c) for c in children]


def sums(request):
    """Dues paid per month of a year: the organisation and each organisation directly under it (subtree totals),
    with what the organisation handed to its superior."""
    filters = OrgFilterForm(request.GET or None, user=request.user)
    org = filters.cleaned_data.get("org") if filters.is_valid() else None
    if org is None:
        roots = PartyOrg.objects.filter(scope_q(request.user, Role.SECRETARY, "path") or Q(), is_active=True)
        org = roots.order_by("depth", "path").first()
    if org is None:
        raise Http404("没有可查看的党组织")
    year = int(request.GET["year"]) if request.GET.get("year", "").isdigit() else timezone.localdate().year
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    key = f"dues-sums:{org.pk}:{year}:{versions.current(services.totals_version(org.path))}"
    cached = cache.get(key)  # the sums and the handovers, both renewing the version when written
    if cached is None:
        cached = (sum_lines(org, months), {h.month: h for h in Handover.objects.filter(org=org, month__in=months)})
        cache.set(key, cached, 3600)
    lines, handed = cached
    if request.GET.get("export") == "xlsx":
        headers = ["党组织"] + [f"{m.month}月" for m in months] + ["全年"]
        rows = [[ln["org"].name] + [c or 0 for c in ln["cells"]] + [ln["amount"]] for ln in lines]
        rows.append(["上缴上级"] + [handed[m].amount if m in handed else 0 for m in months]
                    + [sum((h.amount for h in handed.values()), Decimal(0))])  # fmt: skip
        return xlsx_response(
            request, f"党费收缴汇总{year}", headers, rows, title=f"{org.name}{year}年党费收缴汇总（元）"
        )
    context = {
        "org": org, "year": year, "months": months, "lines": lines, "filters": filters, "handed": handed,
        "handed_total": sum((h.amount for h in handed.values()), Decimal(0)),
        "handover_form": HandoverForm(initial={"handed_on": timezone.localdate()}),
        "may_hand_over": role_at(request.user, org.path) >= Role.SECRETARY,
    }  # fmt: skip
    return render(request, "dues/sums.html", context)


@login_required
@require_POST
def handover(request, pk):
    org = visible_org(request, pk)
    form = HandoverForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
    else:
        data = form.cleaned_data
        with transaction.atomic():
            versions.renew(services.totals_version(org.path))  # the cached sums page shows the handovers
            Handover.objects.update_or_create(
                org=org, month=data["month"],
                defaults={"org_path": org.path, "amount": data["amount"], "handed_on": data["handed_on"],
                          "note": data["note"], "recorded_by": request.user},
            )  # fmt: skip
        messages.success(request, f"已登记{services.cn_month(data['month'])}上缴{data['amount']}元")
    return redirect(
        reverse("dues:index") + f"?org={org.pk}&year={form.cleaned_data['month'].year if form.is_valid() else ''}"
    )


@login_required
def register(request, pk, year):
    """党费收缴登记表: one row per member, the monthly amount set and what was paid in each month of the year."""
    org = visible_org(request, pk)
    months = [datetime.date(year, m, 1) for m in range(1, 13)]
    people = services.members_of(org, month_start(min(timezone.localdate(), datetime.date(year, 12, 31))))
    ids = [p.pk for p in people]
    paid = {(p.person_id, p.month): p.amount for p in Payment.objects.filter(person_id__in=ids, month__in=months)}
    bases = services.bases_in_force(ids, months[-1])
    rows = []
    for i, person in enumerate(people, 1):
        base = bases.get(person.pk)
        cells = [paid.get((person.pk, m)) for m in months]
        rows.append([i, person.name, base.get_category_display() if base else "未核定", base.base if base else None,
                     f"{base.rate}%" if base and base.rate is not None else "", base.amount if base else None,
                     *cells, sum((c for c in cells if c), Decimal(0))])  # fmt: skip
    headers = ["序号", "姓名", "类别", "月缴纳基数", "比例", "月交纳额"] + [f"{m.month}月" for m in months] + ["合计"]
    return xlsx_response(
        request, f"党费收缴登记表{year}", headers, rows, title=f"{org.name}{year}年党费收缴登记表（元）"
    )


@login_required
def rates(request):
    if highest_role(request.user) < Role.SECRETARY:
        raise PermissionDenied("只有支部书记及以上角色可以查看党费比例表")
    tables = RateTable.objects.prefetch_related("tiers").order_by("kind", "-starts_on")
    return render(
        request, "dues/rates.html", {"tables": tables, "may_edit": highest_role(request.user) >= Role.SECTOR_ADMIN}
    )


@login_required
def rate_create(request):
    """A new dated table (a later start date applies from that day; the old table stays for earlier months)."""
    if highest_role(request.user) < Role.SECTOR_ADMIN:
        raise PermissionDenied("只有行业管理员可以设置党费比例表")
    form = RateTableForm(request.POST or None)
    tiers = TierFormSet(request.POST or None, prefix="tiers", initial=[{"up_to": None, "rate": None}])
    if request.method == "POST" and form.is_valid() and tiers.is_valid():
        kept = [t.cleaned_data for t in tiers if t.cleaned_data and not t.cleaned_data.get("DELETE")]
        bounds = [t["up_to"] for t in kept]
        if bounds.count(None) != 1 or None in bounds[:-1] or bounds[:-1] != sorted(bounds[:-1]):
            form.add_error(None, "各档上限须从小到大填写，只有最后一档（最高档）不填上限")
        else:
            with transaction.atomic():
                table = form.save()
                RateTier.objects.bulk_create([RateTier(table=table, up_to=t["up_to"], rate=t["rate"]) for t in kept])
            messages.success(request, f"已设置：{table}")
            return redirect("dues:rates")
    return render(request, "dues/rate_form.html", {"form": form, "tiers": tiers})


@login_required
def receipts(request):
    """党费收据 to print and hand out: one slip per member for the payments chosen (a month of a branch, or the
    months one member paid at once)."""
    ids = [int(v) for v in request.GET.get("ids", "").split(",") if v.isdigit()][:500]
    payments = Payment.objects.filter(pk__in=ids).filter(scope_q(request.user, Role.SECRETARY) or Q())
    payments = list(payments.select_related("person", "org").order_by("person__name_pinyin", "person_id", "month"))
    if not payments:
        raise Http404("没有可打印的党费记录")
    slips: dict[int, dict] = {}
    for p in payments:
        slip = slips.setdefault(p.person_id, {"person": p.person, "org": p.org, "payments": [], "total": Decimal(0)})
        slip["payments"].append(p)
        slip["total"] += p.amount
    return render(request, "dues/receipts.html", {"slips": list(slips.values())})
