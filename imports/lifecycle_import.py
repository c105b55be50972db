"""Registry import sheets for the member's lifecycle: 党费 bases, past 党费 payments and 发展党员 records, with
the same preview → confirm flow, one transaction and row errors as the other kinds."""

import datetime
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError

from core.access import Role
from dues.models import Category
from people.models import MEMBER_STATUSES, Membership, PartyStatus

from .base import PARTY_FOUNDED, ImportKindBase, OrgResolver, Plan, RowError
from .reader import cell_text, parse_date
from .registry_import import PersonKeyMixin

MONTH = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?$")


def message_of(error: ValidationError) -> str:
    return "；".join(error.messages)


class LifecycleRows(PersonKeyMixin, ImportKindBase):
    def month(self, values, name, required=True) -> datetime.date | None:
        value = values.get(name)
        text = cell_text(value)
        if not text:
            if required:
                raise RowError(name, "必填项为空")
            return None
        match = MONTH.match(text)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12:
                raise RowError(name, "月份应为1–12")
            return datetime.date(year, month, 1)
        try:
            day = parse_date(value)
        except ValueError as exc:
            raise RowError(name, str(exc)) from None
        return day.replace(day=1)

    def money(self, values, name, required=False) -> Decimal | None:
        text = cell_text(values.get(name)).replace(",", "").replace("元", "")
        if not text:
            if required:
                raise RowError(name, "必填项为空")
            return None
        try:
            value = Decimal(text).quantize(Decimal("0.01"))
        except InvalidOperation:
            raise RowError(name, "应为金额（元），如 90 或 90.50") from None
        if value < 0:
            raise RowError(name, "金额不能为负数")
        return value

    def member(self, values):
        person = self.person(values)
        membership = Membership.objects.filter(person=person, end_on__isnull=True).select_related("org").first()
        if person.party_status not in MEMBER_STATUSES or membership is None:
            raise RowError("person", f"{person.name}不是在册党员（正式或预备）")
        return person, membership


class DuesBaseImport(LifecycleRows):
    headers = {"人员编号或身份证号": "person", "人员编号": "person", "身份证号": "person", "年度": "year",
               "起始月份": "starts_month", "类别": "category", "月缴纳基数": "base", "月交纳额": "amount",
               "原因": "reason"}  # fmt: skip
    required = {"person", "category"}
    example = ["（人员编号）", "2026", "2026-01", "在职（月工资税后收入）", "8000", "", ""]

    coded = {"category": Category.choices}

    def prepare(self, sheet):
        self.seen: set[tuple[int, datetime.date]] = set()

    def check_row(self, number, values, plan: Plan):
        from dues import services
        from dues.models import DuesBase

        person, _ = self.member(values)
        category = self.choice(values, "category", Category.choices)
        starts = self.month(values, "starts_month", required=False)
        year_text = cell_text(values.get("year"))
        if starts is None:
            if not year_text.isdigit():
                raise RowError("year", "请填写年度或起始月份")
            starts = datetime.date(int(year_text), 1, 1)
        if person.joined_on and starts < person.joined_on.replace(day=1):
            starts = person.joined_on.replace(day=1)  # 预备党员 pay from the month of the vote (R23)
        if (person.pk, starts) in self.seen:
            raise RowError("starts_month", "同一人员同一起始月份在文件中出现了两次")
        self.seen.add((person.pk, starts))
        reason = self.text(values, "reason")[:200]
        if category == Category.EXEMPT and not reason:
            raise RowError("reason", "免交须写明支部讨论和上级党委批准情况（R23）")
        try:
            services.check_category(person, category)
            base, rate, amount = services.compute(category, self.money(values, "base"), self.money(values, "amount"), starts)
        except ValidationError as error:
            field = next(iter(error.error_dict)) if hasattr(error, "error_dict") else "base"
            raise RowError(field if field in ("base", "amount", "category") else "base", message_of(error)) from None
        existing = DuesBase.objects.filter(person=person, starts_month=starts).first()
        plan.updates += existing is not None
        plan.creates += existing is None
        return DuesBase(pk=existing.pk if existing else None, person=person, org_path=person.org_path,
                        year=starts.year, starts_month=starts, category=category, base=base, rate=rate,
                        amount=amount, reason=reason, set_by=self.user)  # fmt: skip

    def apply(self, plan, progress):
        from dues import services
        from orgs import services as org_services

        for i, base in enumerate(plan.rows, start=1):
            base.save()
            progress(i)
        services.refresh_accounts({b.person_id for b in plan.rows})
        org_services.refresh_orgs({b.person.home_org_id for b in plan.rows})
        return {"created": plan.creates, "updated": plan.updates}


class DuesPaymentImport(LifecycleRows):
    headers = {"人员编号或身份证号": "person", "人员编号": "person", "身份证号": "person", "月份": "month",
               "金额": "amount", "交纳日期": "paid_on", "收据号": "receipt"}  # fmt: skip
    required = {"person", "month", "paid_on"}
    example = ["（人员编号）", "2025-03", "90", "2025-03-15", "DF202503"]

    def prepare(self, sheet):
        self.seen: set[tuple[int, datetime.date]] = set()

    def check_row(self, number, values, plan: Plan):
        from dues import services
        from dues.models import Payment

        person, membership = self.member(values)
        month = self.month(values, "month")
        paid_on = self.date(values, "paid_on", earliest=PARTY_FOUNDED)
        if month > datetime.date.today().replace(day=1) and month.year > datetime.date.today().year:
            raise RowError("month", "最多预交到本年12月")
        if person.joined_on and month < person.joined_on.replace(day=1):
            raise RowError("month", f"预备党员从支部大会通过之月起交纳党费（R23）：{person.name}应从"
                                    f"{person.joined_on:%Y年%m月}起交")  # fmt: skip
        if (person.pk, month) in self.seen:
            raise RowError("month", "同一人员同一月份在文件中出现了两次")
        self.seen.add((person.pk, month))
        if Payment.objects.filter(person=person, month=month).exists():
            raise RowError("month", f"{person.name}{month:%Y年%m月}已交，不能重复登记")
        amount = self.money(values, "amount")
        if amount is None:
            base = services.bases_in_force([person.pk], month).get(person.pk)
            if base is None:
                raise RowError("amount", "该月未核定党费基数，请填写金额或先导入党费基数")
            if base.category == Category.EXEMPT:
                raise RowError("month", "该月为免交，无需登记")
            amount = base.amount
        plan.creates += 1
        org = membership.org
        return Payment(person=person, month=month, amount=amount, paid_on=paid_on, org=org, org_path=org.path,
                       receipt=self.text(values, "receipt")[:30], recorded_by=self.user)  # fmt: skip

    def apply(self, plan, progress):
        from dues import services
        from orgs import services as org_services

        for i, payment in enumerate(plan.rows, start=1):
            payment.save()
            progress(i)
        services.add_to_totals(plan.rows, +1)
        services.refresh_accounts({p.person_id for p in plan.rows})
        org_services.refresh_orgs({p.org_id for p in plan.rows})
        return {"created": plan.creates, "updated": 0}


class ApplicantImport(LifecycleRows):
    """Applicants already on paper: the dates so far, checked against R26–R27 as the pages check them."""

    headers = {"人员编号或身份证号": "person", "人员编号": "person", "身份证号": "person", "培养党支部": "org",
               "申请日期": "applied_on", "谈话日期": "talked_on", "积极分子日期": "activist_on", "备案日期": "filed_on",
               "发展对象日期": "candidate_on"}  # fmt: skip
    required = {"person", "org", "applied_on"}
    example = ["（人员编号）", "（党支部名称或编号）", "2024-03-01", "2024-03-20", "2024-09-10", "2024-09-20", ""]

    def prepare(self, sheet):
        self.orgs = OrgResolver(self.user, Role.SECRETARY)
        self.seen: set[int] = set()

    def check_row(self, number, values, plan: Plan):
        from development import services
        from development.models import Applicant, Stage

        person = self.person(values)
        if person.pk in self.seen:
            raise RowError("person", "同一人员在文件中出现了两次")
        self.seen.add(person.pk)
        if person.party_status in MEMBER_STATUSES:
            raise RowError("person", f"{person.name}已是{person.get_party_status_display()}")
        if Applicant.objects.filter(person=person).exists():
            raise RowError("person", f"{person.name}已有发展党员记录")
        org = self.orgs.resolve(values.get("org"), "org")
        applied = self.date(values, "applied_on", earliest=PARTY_FOUNDED)
        if person.birth_date is None:
            raise RowError("person", "该人员没有出生日期（或身份证号），无法核对申请时是否年满18周岁（R26）")
        if services.age_on(person.birth_date, applied) < services.ADULT_AGE:
            raise RowError("applied_on", "申请入党须年满18周岁（党章第一条，R26）")
        dates = {name: self.date(values, name) for name in ("talked_on", "activist_on", "filed_on", "candidate_on")}
        order = [("applied_on", applied), *((n, dates[n]) for n in ("talked_on", "activist_on", "filed_on"))]
        previous = applied
        for name, day in order[1:]:
            if day and day < previous:
                raise RowError(name, f"日期早于前一步（{previous:%Y-%m-%d}）")
            previous = day or previous
        if dates["candidate_on"]:
            if not dates["activist_on"]:
                raise RowError("activist_on", "发展对象须先确定为入党积极分子")
            earliest = services.add_years(dates["activist_on"], services.ACTIVIST_YEARS) + datetime.timedelta(days=1)
            if dates["candidate_on"] < earliest:
                raise RowError("candidate_on", f"入党积极分子须经过1年以上培养方可列为发展对象（R27），最早{earliest:%Y-%m-%d}")
        stage = Stage.CANDIDATE if dates["candidate_on"] else Stage.ACTIVIST if dates["activist_on"] else Stage.APPLICANT
        plan.creates += 1
        return Applicant(person=person, org=org, org_path=org.path, stage=stage, applied_on=applied, created_by=self.user,
                         **dates)  # fmt: skip

    def apply(self, plan, progress):
        from development import services

        status = {"applicant": PartyStatus.APPLICANT, "activist": PartyStatus.ACTIVIST, "candidate": PartyStatus.CANDIDATE}
        for i, applicant in enumerate(plan.rows, start=1):
            person = applicant.person
            person.party_status, person.applied_on, person.home_org = status[applicant.stage], applicant.applied_on, applicant.org
            person.save()
            applicant.save()
            services.reschedule(applicant)
            progress(i)
        return {"created": plan.creates, "updated": 0}
