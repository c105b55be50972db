"""Honours and assessments in motion: 50-year eligibility, nominations up the tree within a quota, direct
records of honours, and the assessment flow (self → review → confirmation → publication)."""

import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from core import versions
from core.access import PATH_END, Role, role_at
from orgs.models import OrgKind, PartyOrg
from people.models import MEMBER_STATUSES, PartyStatus, Person

from .models import (
    Assessment,
    AssessmentScheme,
    AssessmentStatus,
    BatchStatus,
    Honour,
    HonourKind,
    Indicator,
    IndicatorScore,
    Level,
    Nomination,
    NominationBatch,
    NominationStatus,
    RecipientType,
    SchemeStatus,
)  # fmt: skip

GOLDEN_YEARS = 50


def golden_cutoff(year: int) -> datetime.date:
    """A member is eligible in `year` if confirmed (转正) on or before 1 July fifty years earlier."""
    return datetime.date(year - GOLDEN_YEARS, 7, 1)


def golden_year(confirmed_on: datetime.date | None) -> int | None:
    """The first year whose 1 July finds the member's 党龄 at 50."""
    if confirmed_on is None:
        return None
    return confirmed_on.year + GOLDEN_YEARS + (1 if (confirmed_on.month, confirmed_on.day) > (7, 1) else 0)


def golden_eligible(year: int):
    return Person.objects.filter(
        party_status=PartyStatus.FORMAL, is_active=True, died_on__isnull=True, confirmed_on__lte=golden_cutoff(year)
    )


def award_golden(people, year: int, issuer: str, awarded_on: datetime.date, skip: set[int]) -> int:
    """一键颁发: the 光荣在党50年 medal to every eligible member of `people` not yet holding it, but those in
    `skip`. One transaction; each honour is saved on its own so that each has its audit entry."""
    kind = golden_kind()
    if kind is None:
        raise ValidationError("没有设置“光荣在党50年”荣誉类别。")
    holders = Honour.objects.filter(kind=kind, person__isnull=False).values("person_id")
    pending = people.exclude(pk__in=holders).exclude(pk__in=skip).only("id", "org_path")
    awarded = 0
    with transaction.atomic():
        for person in pending.iterator(1000):
            honour = Honour(kind=kind, person=person, issuer=issuer, level=Level.NATIONAL, year=year,
                            awarded_on=awarded_on)  # fmt: skip
            honour.save()
            awarded += 1
    return awarded


def golden_kind() -> HonourKind | None:
    return HonourKind.objects.filter(requires_golden_years=True).order_by("id").first()


# --- checks shared by nominations and direct records -------------------------------------------------------


def check_recipient(kind: HonourKind, year: int, person: Person | None, org: PartyOrg | None,
                    exclude_nomination: int | None = None) -> None:  # fmt: skip
    """Raise a Chinese ValidationError when the recipient does not fit the kind."""
    if kind.recipient_type == RecipientType.PERSON and person is None:
        raise ValidationError(f"“{kind.name}”授予个人：请选择人员。")
    if kind.recipient_type == RecipientType.ORG and org is None:
        raise ValidationError(f"“{kind.name}”授予党组织：请选择党组织。")
    if person is not None:
        if kind.members_only and person.party_status not in MEMBER_STATUSES:
            raise ValidationError(f"{person.name}不是党员，不能获得“{kind.name}”。")
        if kind.requires_golden_years:
            if person.died_on or person.party_status != PartyStatus.FORMAL:
                raise ValidationError(f"{person.name}不符合条件：“{kind.name}”只颁发给健在的正式党员。")
            if not person.confirmed_on or person.confirmed_on > golden_cutoff(year):
                eligible = golden_year(person.confirmed_on)
                raise ValidationError(
                    f"{person.name}到{year}年7月1日党龄不满50年（转正日期 {person.confirmed_on or '未填'}"
                    + (f"，{eligible}年起符合条件）。" if eligible else "）。")
                )
    if kind.once_only:
        recipient = Q(person=person) if person is not None else Q(org=org)
        if Honour.objects.filter(recipient, kind=kind).exists():
            who = person.name if person is not None else org.name
            raise ValidationError(f"{who}已获得过“{kind.name}”，该荣誉只授予一次。")
        pending = Nomination.objects.filter(recipient, batch__kind=kind, status=NominationStatus.REVIEW)
        if exclude_nomination:
            pending = pending.exclude(pk=exclude_nomination)
        if pending.exists():
            raise ValidationError(f"已有一份“{kind.name}”的推荐正在审核中。")


def _within(path: str, root: str) -> bool:
    return root <= path < root + PATH_END


# --- nominations ---------------------------------------------------------------------------------------------


def nominate(user, batch: NominationBatch, nominating_org: PartyOrg, *, person=None, org=None, post_name="",
             reason="") -> Nomination:  # fmt: skip
    if batch.status != BatchStatus.OPEN:
        raise ValidationError("该批次已结束推荐。")
    if batch.deadline and timezone.localdate() > batch.deadline:
        raise ValidationError(f"推荐已于 {batch.deadline} 截止。")
    if role_at(user, nominating_org.path) < Role.SECRETARY:
        raise PermissionDenied("您不能以该党组织的名义推荐。")
    if not _within(nominating_org.path, batch.issuer_org.path):
        raise ValidationError(f"{nominating_org.name}不在“{batch.title}”的评选范围内。")
    nominee_path = person.org_path if person is not None else (org.path if org is not None else nominating_org.path)
    if not _within(nominee_path, nominating_org.path):
        name = person.name if person is not None else org.name
        raise ValidationError(f"{name}不在{nominating_org.name}的范围内，不能由其推荐。")
    check_recipient(batch.kind, batch.year, person, org)
    with transaction.atomic():
        nomination = Nomination(
            batch=batch, person=person, org=org, post_name=post_name, nominating_org=nominating_org,
            reviewing_org=_next_level(nominating_org, batch.issuer_org), reason=reason, created_by=user,
            snapshot=snapshot(person, org, batch.year),
        )  # fmt: skip
        _log(nomination, nominating_org, "推荐", user)
        nomination.save()
    return nomination


def _next_level(org: PartyOrg, issuer: PartyOrg) -> PartyOrg:
    """The organisation that reviews next: the parent (skipping party groups), never above the issuer."""
    if org.pk == issuer.pk or org.parent_id is None:
        return issuer
    parent = org.parent
    while parent.kind == OrgKind.GROUP and parent.parent_id:
        parent = parent.parent
    return parent


def snapshot(person: Person | None, org: PartyOrg | None, year: int) -> dict:
    """The nominee's record as it stood when nominated (shown to every reviewer)."""
    if person is not None:
        on = datetime.date(year, 7, 1)
        return {
            "姓名": person.name, "政治面貌": person.get_party_status_display(), "所在党组织": person.home_org.name,
            "入党日期": str(person.joined_on or ""), "转正日期": str(person.confirmed_on or ""),
            "党龄（当年7月1日）": person.party_age(on), "学历": person.get_education_display(),
            "现任职务": [p.title for p in person.positions.filter(end_on__isnull=True)[:10]],
            "已获荣誉": [f"{h.year} {h.kind.name}" for h in person.honours.select_related("kind")[:20]],
        }  # fmt: skip
    if org is not None:
        return {"党组织": org.name, "类型": org.get_kind_display(), "正式党员": org.formal_count,
                "已获荣誉": [f"{h.year} {h.kind.name}" for h in org.honours.select_related("kind")[:20]]}  # fmt: skip
    return {}


def _log(nomination: Nomination, org: PartyOrg, action: str, user, note: str = "") -> None:
    nomination.trail = [*nomination.trail, {"org": org.name, "action": action, "by": getattr(user, "username", ""),
                                            "at": timezone.now().isoformat(timespec="minutes"), "note": note}]  # fmt: skip


def _locked(nomination_id: int) -> Nomination:
    nomination = Nomination.objects.select_for_update().select_related("batch__kind", "reviewing_org", "batch__issuer_org").get(pk=nomination_id)  # fmt: skip
    if nomination.status != NominationStatus.REVIEW:
        raise ValidationError(f"该推荐当前为“{nomination.get_status_display()}”，不能再审核。")
    return nomination


def _require_reviewer(user, nomination: Nomination) -> None:
    if role_at(user, nomination.reviewing_org.path) < Role.UNIT_ADMIN:
        raise PermissionDenied(f"该推荐正由{nomination.reviewing_org.name}审核，您无权办理。")


def pass_on(user, nomination_id: int) -> Nomination:
    with transaction.atomic():
        nomination = _locked(nomination_id)
        _require_reviewer(user, nomination)
        issuer = nomination.batch.issuer_org
        if nomination.reviewing_org_id == issuer.pk:
            raise ValidationError("已到评选组织，请批准或退回。")
        _log(nomination, nomination.reviewing_org, "审核通过，报上级", user)
        nomination.reviewing_org = _next_level(nomination.reviewing_org, issuer)
        nomination.save()
    return nomination


def send_back(user, nomination_id: int, reason: str) -> Nomination:
    if not reason.strip():
        raise ValidationError("退回时请写明原因。")
    with transaction.atomic():
        nomination = _locked(nomination_id)
        _require_reviewer(user, nomination)
        _log(nomination, nomination.reviewing_org, "退回", user, reason.strip())
        nomination.status, nomination.return_reason = NominationStatus.RETURNED, reason.strip()[:200]
        nomination.save()
    return nomination


def approve(user, nomination_id: int) -> Honour:
    """The issuer approves within the quota; the honour is created in the same transaction."""
    with transaction.atomic():
        nomination = _locked(nomination_id)
        _require_reviewer(user, nomination)
        batch = NominationBatch.objects.select_for_update().get(pk=nomination.batch_id)
        if nomination.reviewing_org_id != batch.issuer_org_id:
            raise ValidationError("尚未报到评选组织，不能批准。")
        used = batch.nominations.filter(status=NominationStatus.APPROVED).count()
        if used >= batch.quota:
            raise ValidationError(f"名额已满：“{batch.title}”共 {batch.quota} 个名额，已批准 {used} 个。")
        check_recipient(batch.kind, batch.year, nomination.person, nomination.org, exclude_nomination=nomination.pk)
        honour = Honour.objects.create(
            kind=batch.kind, person=nomination.person, org=nomination.org, post_name=nomination.post_name,
            issuer=batch.issuer, level=batch.level, year=batch.year, awarded_on=timezone.localdate(), batch=batch,
        )  # fmt: skip
        _log(nomination, nomination.reviewing_org, "批准", user)
        nomination.status = NominationStatus.APPROVED
        nomination.save()
    return honour


def record_honour(honour: Honour) -> Honour:
    """A direct record (past honours, or ones decided outside a batch), with the same checks."""
    check_recipient(honour.kind, honour.year, honour.person, honour.org)
    honour.save()
    return honour


# --- assessments ---------------------------------------------------------------------------------------------


def open_scheme(scheme: AssessmentScheme) -> int:
    """Create an assessment for every active branch under the issuer (once); the scheme is then open."""
    branches = PartyOrg.objects.filter(
        path__gte=scheme.issuer_org.path, path__lt=scheme.issuer_org.path + PATH_END, is_active=True,
        kind__in=[OrgKind.BRANCH, OrgKind.JOINT_BRANCH],
    ).exclude(assessments__scheme=scheme).only("id", "path")  # fmt: skip
    rows = [Assessment(scheme=scheme, org=b, org_path=b.path, year=scheme.year) for b in branches]
    with transaction.atomic():
        Assessment.objects.bulk_create(rows, batch_size=2000)
        scheme.status = SchemeStatus.OPEN
        scheme.save(update_fields=["status"])
    return len(rows)


@transaction.atomic
def copy_scheme(scheme: AssessmentScheme) -> AssessmentScheme:
    """Next year's draft: the same bands, weight, targets and indicator tree ("copy from last year")."""
    year = scheme.year + 1
    name = (
        scheme.name.replace(str(scheme.year), str(year))
        if str(scheme.year) in scheme.name
        else f"{scheme.name}（{year}）"
    )
    copy = AssessmentScheme.objects.create(
        name=name, year=year, issuer_org=scheme.issuer_org, bands=scheme.bands,
        satisfaction_weight=scheme.satisfaction_weight, target_distribution=scheme.target_distribution,
    )  # fmt: skip
    copied: dict[int, Indicator] = {}
    for indicator in scheme.indicators.order_by(F("parent_id").asc(nulls_first=True), "sort_order", "code"):
        old_pk = indicator.pk
        indicator.pk, indicator.scheme = None, copy
        indicator.parent = copied.get(indicator.parent_id)
        indicator.save()
        copied[old_pk] = indicator
    return copy


def leaf_indicators(scheme: AssessmentScheme) -> list:
    indicators = list(scheme.indicators.all())
    parents = {i.parent_id for i in indicators if i.parent_id}
    return [i for i in indicators if i.pk not in parents]


def max_points(scheme: AssessmentScheme) -> Decimal:
    return sum((i.points for i in leaf_indicators(scheme)), Decimal(0))


def save_scores(user, assessment: Assessment, values: dict[int, tuple], *, review: bool) -> Assessment:
    """values: indicator id -> (score or None, evidence). Self scores by the branch, review scores by the
    committee above; a score outside 0..points is refused with the indicator named."""
    action, allowed = ("review", (AssessmentStatus.SUBMITTED, AssessmentStatus.REVIEWED)) if review else (
        "change", (AssessmentStatus.SELF,))  # fmt: skip
    needed = Assessment.access_roles[action]
    if (
        review
        and role_at(user, assessment.org.parent.path if assessment.org.parent_id else assessment.org_path) < needed
    ):
        raise PermissionDenied("审核由上级党委办理。")
    if role_at(user, assessment.org_path) < needed:
        raise PermissionDenied("您无权填写这份评定。")
    if assessment.status not in allowed:
        raise ValidationError(
            f"评定当前为“{assessment.get_status_display()}”，不能修改{'审核分' if review else '自评分'}。"
        )
    leaves = {i.pk: i for i in leaf_indicators(assessment.scheme)}
    for indicator_id, (score, _evidence) in values.items():
        indicator = leaves.get(indicator_id)
        if indicator is None:
            raise ValidationError("指标不属于该评定方案。")
        if score is not None and not (0 <= score <= indicator.points):
            raise ValidationError(
                f"指标“{indicator.code} {indicator.name}”的得分 {score} 超出范围（0–{indicator.points}）。"
            )
    with transaction.atomic():
        for indicator_id, (score, evidence) in values.items():
            row, _ = IndicatorScore.objects.get_or_create(assessment=assessment, indicator_id=indicator_id)
            if review:
                row.review_score = score
            else:
                row.self_score, row.evidence = score, evidence[:300]
            row.save()
        totals = IndicatorScore.objects.filter(assessment=assessment)
        if review:
            assessment.review_score = sum((s.review_score or 0 for s in totals), Decimal(0))
            assessment.status = AssessmentStatus.REVIEWED
        else:
            assessment.self_score = sum((s.self_score or 0 for s in totals), Decimal(0))
        assessment.save()
    return assessment


def submit(user, assessment: Assessment) -> None:
    if role_at(user, assessment.org_path) < Role.SECRETARY:
        raise PermissionDenied("您无权提交这份评定。")
    if assessment.status != AssessmentStatus.SELF:
        raise ValidationError("这份评定已经提交。")
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.save(update_fields=["status", "updated_at"])


def confirm(user, assessment: Assessment, satisfaction: Decimal | None) -> Assessment:
    """The committee confirms: final = review share × (1 − weight) + satisfaction × weight; stars by band."""
    scheme = assessment.scheme
    if role_at(user, scheme.issuer_org.path) < Role.UNIT_ADMIN:
        raise PermissionDenied("确认由组织评定的党组织办理。")
    if assessment.status != AssessmentStatus.REVIEWED:
        raise ValidationError("请先完成审核评分再确认。")
    if satisfaction is not None and not (0 <= satisfaction <= 100):
        raise ValidationError("满意度应在 0–100 之间。")
    top = max_points(scheme) or Decimal(1)
    weight = scheme.satisfaction_weight
    share = assessment.review_score / top * 100
    final = share * (1 - weight) + (satisfaction if satisfaction is not None else share) * weight
    assessment.satisfaction, assessment.final_score = satisfaction, round(final, 1)
    assessment.stars, assessment.status = scheme.stars_for(final), AssessmentStatus.CONFIRMED
    assessment.save()
    return assessment


def publish(user, scheme: AssessmentScheme) -> int:
    if role_at(user, scheme.issuer_org.path) < Role.UNIT_ADMIN:
        raise PermissionDenied("公布由组织评定的党组织办理。")
    with transaction.atomic():
        count = scheme.assessments.filter(status=AssessmentStatus.CONFIRMED).update(status=AssessmentStatus.PUBLISHED)
        bump_shown_on_org_pages()
        scheme.status = SchemeStatus.PUBLISHED
        scheme.save(update_fields=["status"])
    return count


ORG_PAGES_VERSION = "honours-on-org-pages"


def bump_shown_on_org_pages(**signal_kwargs) -> None:
    """Honours or star ratings changed: organisation pages re-read theirs (orgs.views.org_page_parts)."""
    versions.bump(ORG_PAGES_VERSION)
