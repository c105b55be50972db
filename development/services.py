"""The steps of 发展党员 (RULES.md R26–R28). Each step checks its interval and its conditions and, when refused, says
which rule and from which date the step becomes possible. The person's 政治面貌, 入党日期 and 转正日期 follow."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from core.access import Role, role_at
from orgs import services as org_services
from orgs.rules import add_years, current_settings
from people.models import Membership, PartyStatus

from .models import OPEN_STAGES, Applicant, Review, Stage

ADULT_AGE = 18  # 党章第一条 (R26)
TALK_MONTHS = 1  # 细则第六条: talk with the applicant within a month of the application
REVIEW_MONTHS = 6  # the branch reviews an 入党积极分子 every half year (细则第八条 practice)
ACTIVIST_YEARS = 1  # more than one year as 积极分子 before becoming a 发展对象 (细则第十三条)
TRAINING_HOURS = 24  # at least three days or 24 学时 of training for a 发展对象
APPROVAL_MONTHS, APPROVAL_MONTHS_SPECIAL = 3, 6  # the 基层党委 approves within 3 months, 6 in special cases
PROBATION_YEARS = 1  # 党章第七条

STATUS_OF = {
    Stage.APPLICANT: PartyStatus.APPLICANT,
    Stage.ACTIVIST: PartyStatus.ACTIVIST,
    Stage.CANDIDATE: PartyStatus.CANDIDATE,
    Stage.PROBATIONARY: PartyStatus.PROBATIONARY,
    Stage.FORMAL: PartyStatus.FORMAL,
}


def settings() -> dict:
    cfg = current_settings()
    return {"activist_wait": int(cfg["dev_activist_wait_months"]), "publicity_days": int(cfg["dev_publicity_days"])}


def add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (datetime.date(year + (month == 12), month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day.day, last))


def age_on(birth: datetime.date, day: datetime.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def working_days(first: datetime.date, last: datetime.date) -> int:
    """Monday to Friday from first to last inclusive (public holidays are not known here)."""
    days, day = 0, first
    while day <= last:
        days += day.weekday() < 5
        day += datetime.timedelta(days=1)
    return days


def probation_end(applicant: Applicant) -> datetime.date | None:
    """The day the 预备期 ends: a year after the 支部大会 vote, plus any extension. 党龄 counts from it (R28)."""
    if applicant.admitted_on is None:
        return None
    end = add_years(applicant.admitted_on, PROBATION_YEARS)
    return add_months(end, applicant.extended_months) if applicant.extended_months else end


def refuse(field: str | None, message: str):
    raise ValidationError({field: message} if field else message)


def check_day(field: str, day: datetime.date, label: str) -> None:
    if day > timezone.localdate():
        refuse(field, f"{label}不能晚于今天")


def require_role(user, applicant_or_org, role=Role.SECRETARY, what="发展党员工作") -> None:
    path = applicant_or_org.org_path if isinstance(applicant_or_org, Applicant) else applicant_or_org.path
    if role_at(user, path) < role:
        raise PermissionDenied(f"您的角色不能办理该党支部的{what}")


def require_stage(applicant: Applicant, *stages) -> None:
    if applicant.stage not in stages:
        allowed = "、".join(Stage(s).label for s in stages)
        refuse(None, f"{applicant.person.name}现为“{applicant.get_stage_display()}”，此步骤只适用于{allowed}")


def check_members(people, count: tuple[int, int], label: str, field: str, applicant: Applicant) -> None:
    people = list({p.pk: p for p in people if p is not None}.values())  # the same person twice counts once
    low, high = count
    if not low <= len(people) <= high:
        refuse(field, f"{label}应为{low if low == high else f'{low}–{high}'}名正式党员（已选{len(people)}名）")
    for person in people:
        if person.pk == applicant.person_id:
            refuse(field, f"{label}不能是{applicant.person.name}本人")
        if person.party_status != PartyStatus.FORMAL:
            refuse(field, f"{label}须为正式党员：{person.name}是{person.get_party_status_display()}")


# --- the steps ------------------------------------------------------------------------------------------------
def start(user, person, org, applied_on: datetime.date, talked_on=None) -> Applicant:
    """入党申请人: the written application received by the branch."""
    require_role(user, org)
    check_day("applied_on", applied_on, "申请日期")
    existing = Applicant.objects.filter(person=person).first() if person.pk else None
    if existing:
        refuse(None, f"{person.name}已有发展党员记录（{existing.get_stage_display()}）")
    if person.party_status in (PartyStatus.PROBATIONARY, PartyStatus.FORMAL):
        refuse(None, f"{person.name}已是{person.get_party_status_display()}")
    if person.birth_date is None:
        refuse("birth_date", "请填写出生日期或身份证号：申请时须年满18周岁（R26）")
    if age_on(person.birth_date, applied_on) < ADULT_AGE:
        adult = add_years(person.birth_date, ADULT_AGE)
        refuse(
            "applied_on",
            f"申请入党须年满18周岁（党章第一条，R26）：{person.name}于{adult:%Y-%m-%d}年满18周岁，此后方可递交申请",
        )
    if talked_on is not None:
        check_talk(applied_on, talked_on)
    person.party_status, person.applied_on, person.home_org = PartyStatus.APPLICANT, applied_on, org
    person.save()
    applicant = Applicant.objects.create(person=person, org=org, org_path=org.path, applied_on=applied_on,
                                         talked_on=talked_on, created_by=user)  # fmt: skip
    return reschedule(applicant)


def check_talk(applied_on, talked_on) -> None:
    if talked_on < applied_on:
        refuse("talked_on", f"谈话日期不能早于申请日期 {applied_on:%Y-%m-%d}")
    check_day("talked_on", talked_on, "谈话日期")


def talk(user, applicant: Applicant, on: datetime.date) -> None:
    require_role(user, applicant)
    require_stage(applicant, Stage.APPLICANT)
    check_talk(applicant.applied_on, on)
    applicant.talked_on = on
    reschedule(applicant)


def make_activist(user, applicant: Applicant, on, meeting, contacts, filed_on=None) -> None:
    """入党积极分子: decided by the 支委会, reported to the 党委 for the record, with 1–2 培养联系人 (R27.2)."""
    require_role(user, applicant)
    require_stage(applicant, Stage.APPLICANT)
    check_day("activist_on", on, "确定日期")
    if applicant.talked_on is None:
        refuse(None, f"请先登记与{applicant.person.name}的谈话（收到申请书后1个月内，细则第六条）")
    wait = settings()["activist_wait"]
    earliest = add_months(applicant.applied_on, wait) if wait else applicant.applied_on
    if on < earliest:
        rule = f"递交申请满{wait}个月（规则参数）" if wait else "递交申请之后"
        refuse("activist_on", f"确定为入党积极分子须在{rule}，{applicant.person.name}最早{earliest:%Y-%m-%d}")
    check_members(contacts, (1, 2), "培养联系人", "contacts", applicant)
    if filed_on is not None and filed_on < on:
        refuse("filed_on", f"备案日期不能早于确定日期 {on:%Y-%m-%d}")
    applicant.activist_on, applicant.activist_meeting, applicant.filed_on = on, meeting, filed_on
    applicant.stage = Stage.ACTIVIST
    applicant.save()
    applicant.contacts.set(contacts)
    follow_stage(applicant)
    reschedule(applicant)


def review(user, applicant: Applicant, on, note: str) -> Review:
    require_role(user, applicant)
    require_stage(applicant, Stage.ACTIVIST, Stage.CANDIDATE)
    check_day("reviewed_on", on, "考察日期")
    if on < applicant.activist_on:
        refuse("reviewed_on", f"考察日期不能早于确定为入党积极分子的日期 {applicant.activist_on:%Y-%m-%d}")
    row = Review.objects.create(applicant=applicant, reviewed_on=on, note=note, recorded_by=user)
    reschedule(applicant)
    return row


def make_candidate(user, applicant: Applicant, on, meeting, filed_on=None) -> None:
    """发展对象: after more than a year as 积极分子 (细则第十三条), the 积极分子 on record with the 党委."""
    require_role(user, applicant)
    require_stage(applicant, Stage.ACTIVIST)
    check_day("candidate_on", on, "确定日期")
    earliest = add_years(applicant.activist_on, ACTIVIST_YEARS) + datetime.timedelta(days=1)
    if on < earliest:
        refuse("candidate_on", f"入党积极分子须经过1年以上培养（细则第十三条，R27）方可列为发展对象：{applicant.person.name}"
                               f"于{applicant.activist_on:%Y-%m-%d}确定为积极分子，最早{earliest:%Y-%m-%d}")  # fmt: skip
    filed_on = filed_on or applicant.filed_on
    if filed_on is None:
        refuse("filed_on", "入党积极分子须先报上级党委备案（细则第七条），请填写备案日期")
    applicant.filed_on, applicant.candidate_on, applicant.candidate_meeting = filed_on, on, meeting
    applicant.stage = Stage.CANDIDATE
    applicant.save()
    follow_stage(applicant)
    reschedule(applicant)


def admit(user, applicant: Applicant, *, on, meeting, introducers, political_review_on, training_hours,
          training_done_on, pre_review_on, publicity_from, publicity_to, eligible, votes_for, votes_against,
          votes_abstain) -> None:  # fmt: skip
    """预备党员: the 支部大会 vote, with what must come before it (R27.3–4)."""
    require_role(user, applicant)
    require_stage(applicant, Stage.CANDIDATE)
    check_day("admitted_on", on, "支部大会日期")
    name = applicant.person.name
    check_members(introducers, (2, 2), "入党介绍人", "introducers", applicant)
    if political_review_on > on:
        refuse("political_review_on", "政治审查须在支部大会讨论之前完成")
    if training_hours < TRAINING_HOURS:
        refuse(
            "training_hours",
            f"发展对象须经过不少于3天或{TRAINING_HOURS}学时的集中培训（R27），已登记{training_hours}学时",
        )
    if training_done_on > on:
        refuse("training_done_on", "集中培训须在支部大会讨论之前结业")
    if pre_review_on < applicant.candidate_on or pre_review_on > on:
        refuse(
            "pre_review_on", f"基层党委预审应在确定为发展对象（{applicant.candidate_on:%Y-%m-%d}）之后、支部大会之前"
        )
    days = settings()["publicity_days"]
    if publicity_to < publicity_from or working_days(publicity_from, publicity_to) < days or publicity_to >= on:
        refuse("publicity_to", f"拟接收预备党员须在支部大会之前公示不少于{days}个工作日（规则参数）")
    attended = votes_for + votes_against + votes_abstain
    if attended > eligible:
        refuse("votes_for", f"表决人数{attended}超过有表决权的应到会正式党员{eligible}人")
    if attended * 2 <= eligible:
        refuse("votes_for", f"到会有表决权的正式党员{attended}人，未超过应到会{eligible}人的半数，会议不能进行表决")
    if votes_for * 2 <= eligible:
        refuse(
            "votes_for", f"赞成票{votes_for}票未超过应到会有表决权的正式党员{eligible}人的半数（R27），{name}未获通过"
        )
    applicant.admitted_on, applicant.admission_meeting = on, meeting
    applicant.political_review_on, applicant.training_hours, applicant.training_done_on = (
        political_review_on, training_hours, training_done_on)  # fmt: skip
    applicant.pre_review_on, applicant.publicity_from, applicant.publicity_to = (
        pre_review_on,
        publicity_from,
        publicity_to,
    )
    applicant.eligible_voters, applicant.votes_for = eligible, votes_for
    applicant.votes_against, applicant.votes_abstain = votes_against, votes_abstain
    applicant.stage = Stage.PROBATIONARY
    applicant.save()
    applicant.introducers.set(introducers)
    person = applicant.person
    person.party_status, person.joined_on, person.home_org = PartyStatus.PROBATIONARY, on, applicant.org
    person.save()
    if not Membership.objects.filter(person=person, end_on__isnull=True).exists():
        Membership(person=person, org=applicant.org, start_on=on, reason="发展入党").save()
    org_services.refresh_orgs([applicant.org_id])
    reschedule(applicant)


def approve(user, applicant: Applicant, on, note: str = "") -> None:
    """The 基层党委's approval, recorded by its 党办: of the admission (within 3 months, at most 6 in special
    cases, R27.4), or of the 转正 the branch voted on, which makes the member a 正式党员 (R28)."""
    require_role(user, applicant, Role.UNIT_ADMIN, "上级党委审批")
    require_stage(applicant, Stage.PROBATIONARY)
    check_day("approved_on", on, "审批日期")
    if applicant.approved_on is None:
        approve_admission(applicant, on, note)
    elif applicant.confirmation_voted_on and not applicant.confirmation_approved_on:
        approve_confirmation(applicant, on)
    else:
        refuse(None, f"{applicant.person.name}目前没有待上级党委审批的事项")
    reschedule(applicant)


def approve_admission(applicant: Applicant, on, note: str) -> None:
    if on < applicant.admitted_on:
        refuse("approved_on", f"审批日期不能早于支部大会通过日期 {applicant.admitted_on:%Y-%m-%d}")
    normal = add_months(applicant.admitted_on, APPROVAL_MONTHS)
    special = add_months(applicant.admitted_on, APPROVAL_MONTHS_SPECIAL)
    if on > special:
        refuse("approved_on", f"支部大会通过已超过6个月（{special:%Y-%m-%d}届满）：按R27应重新履行接收程序，不能再审批")
    if on > normal and not note.strip():
        refuse("approval_note", f"超过3个月（{normal:%Y-%m-%d}）审批属特殊情况，须写明原因（最长6个月）")
    applicant.approved_on, applicant.approval_note = on, note.strip()


def approve_confirmation(applicant: Applicant, on) -> None:
    if on < applicant.confirmation_voted_on:
        refuse("approved_on", f"转正审批日期不能早于支部大会讨论日期 {applicant.confirmation_voted_on:%Y-%m-%d}")
    applicant.confirmation_approved_on, applicant.stage = on, Stage.FORMAL
    applicant.save()
    person = applicant.person
    person.party_status, person.confirmed_on = PartyStatus.FORMAL, probation_end(applicant)
    person.probation_extended = bool(applicant.extended_months)
    person.save()
    org_services.refresh_orgs([applicant.org_id])


def check_probation_decision(applicant: Applicant, on: datetime.date, field: str) -> None:
    require_stage(applicant, Stage.PROBATIONARY)
    if applicant.approved_on is None:
        refuse(None, "接收预备党员尚未经上级党委审批")
    end = probation_end(applicant)
    if on < end:
        refuse(
            field,
            f"预备期自支部大会通过之日起计算1年（党章第七条），{applicant.person.name}的预备期{end:%Y-%m-%d}届满，届满后方可讨论",
        )
    check_day(field, on, "支部大会日期")


def confirm(user, applicant: Applicant, on, meeting) -> None:
    """The 支部大会 discusses 转正 once the 预备期 has ended; the 党委's approval then makes it final (R27.5)."""
    require_role(user, applicant)
    check_probation_decision(applicant, on, "confirmation_voted_on")
    if applicant.confirmation_voted_on:
        refuse(None, "支部大会已讨论转正，待上级党委审批")
    applicant.confirmation_voted_on, applicant.confirmation_meeting = on, meeting
    reschedule(applicant)


def extend(user, applicant: Applicant, on, months: int) -> None:
    """延长预备期: once, for 6 months to a year (党章第七条)."""
    require_role(user, applicant)
    if applicant.extended_months:
        refuse("extended_months", "预备期只能延长一次（党章第七条）")
    check_probation_decision(applicant, on, "extended_on")
    if not 6 <= months <= 12:
        refuse("extended_months", "延长预备期不少于6个月、不超过1年（党章第七条）")
    applicant.extended_months, applicant.extended_on = months, on
    applicant.person.probation_extended = True
    applicant.person.save()
    reschedule(applicant)


def close(user, applicant: Applicant, on, reason: str) -> None:
    """取消预备党员资格 (a 预备党员), or 停止培养 (before the vote)."""
    require_role(user, applicant)
    require_stage(applicant, *OPEN_STAGES)
    if not reason.strip():
        refuse("closed_reason", "请写明原因")
    check_day("closed_on", on, "日期")
    person = applicant.person
    if applicant.stage == Stage.PROBATIONARY:
        if applicant.approved_on:
            check_probation_decision(applicant, on, "closed_on")
        current = Membership.objects.filter(person=person, end_on__isnull=True).first()
        if current is not None:
            current.end_on, current.reason = max(on, current.start_on), "取消预备党员资格"
            current.save()
        person.joined_on, applicant.stage = None, Stage.CANCELLED
    else:
        applicant.stage = Stage.STOPPED
    person.party_status = PartyStatus.MASSES
    person.save()
    applicant.closed_on, applicant.closed_reason = on, reason.strip()
    org_services.refresh_orgs([applicant.org_id])
    reschedule(applicant)


def follow_stage(applicant: Applicant) -> None:
    """The person's 政治面貌 is the applicant's stage."""
    person = applicant.person
    person.party_status = STATUS_OF[applicant.stage]
    person.save()


# --- what is due ----------------------------------------------------------------------------------------------
def next_step(applicant: Applicant) -> tuple[str, datetime.date | None]:
    if applicant.stage == Stage.APPLICANT:
        if applicant.talked_on is None:
            return "谈话", add_months(applicant.applied_on, TALK_MONTHS)
        wait = settings()["activist_wait"]
        return "确定入党积极分子", add_months(applicant.applied_on, wait) if wait else None
    if applicant.stage in (Stage.ACTIVIST, Stage.CANDIDATE):
        last = applicant.reviews.order_by("-reviewed_on").values_list("reviewed_on", flat=True).first()
        return "考察", add_months(last or applicant.activist_on, REVIEW_MONTHS)
    if applicant.stage == Stage.PROBATIONARY:
        if applicant.approved_on is None:
            return "上级党委审批", add_months(applicant.admitted_on, APPROVAL_MONTHS)
        if applicant.confirmation_voted_on:
            return "上级党委审批转正", None
        return "讨论转正", probation_end(applicant)
    return "", None


def reschedule(applicant: Applicant) -> Applicant:
    applicant.next_step, applicant.next_due = next_step(applicant)
    applicant.save()
    return applicant
