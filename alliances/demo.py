"""004's 托管: on 2024-06-20 大涌镇人民政府 entrusts 博爱医院 with the management of 大涌医院, and both sides set up a
fast two-way referral channel. The referrals below are invented demo rows (no real patients)."""

import datetime

from django.utils import timezone

from orgs.models import Institution

from .models import Alliance, AllianceKind, AllianceMember, Direction, MemberRole, Referral, ReferralEvent

MARKER = "博爱医院托管大涌医院"


def load_demo_alliance() -> Alliance:
    boai = Institution.objects.get(name="中山市博爱医院")
    dayong = Institution.objects.get(name="中山市大涌医院")
    start = datetime.date(2024, 6, 20)
    alliance = Alliance.objects.create(
        name=MARKER,
        kind=AllianceKind.TRUSTEESHIP,
        lead=boai,
        signed_on=start,
        starts_on=start,
        note="大涌镇人民政府委托博爱医院管理大涌医院（紧密型医联体）；双方建立快速双向转诊通道。",
    )
    AllianceMember.objects.create(
        alliance=alliance, institution=boai, org_path=boai.org_path, role=MemberRole.LEAD, joined_on=start
    )
    AllianceMember.objects.create(
        alliance=alliance, institution=dayong, org_path=dayong.org_path, role=MemberRole.ENTRUSTED, joined_on=start
    )
    now = timezone.now()
    samples = [
        (Direction.UP, dayong, boai, "演示患者甲", "胸痛待查，疑急性冠脉综合征", "applied", now - datetime.timedelta(hours=3)),
        (Direction.DOWN, boai, dayong, "演示患者乙", "高血压病情稳定，回基层随访管理", "arrived", now - datetime.timedelta(days=3)),
        (Direction.UP, dayong, boai, "演示患者丙", "血压≥180/110伴严重症状", "completed", now - datetime.timedelta(days=20)),
    ]  # fmt: skip
    steps = {"applied": [], "arrived": ["accepted", "arrived"], "completed": ["accepted", "arrived", "completed"]}
    for direction, source, target, patient, reason, status, applied in samples:
        referral = Referral(
            alliance=alliance, from_institution=source, to_institution=target, org_path=source.org_path,
            to_path=target.org_path, direction=direction, patient_name=patient, reason=reason, status=status,
            applied_at=applied,
        )  # fmt: skip
        referral.save()
        ReferralEvent.objects.create(referral=referral, status="applied", at=applied, note="演示数据")
        for i, step in enumerate(steps[status], start=1):
            at = applied + datetime.timedelta(minutes=40 * i)
            setattr(referral, f"{step}_at", at)
            ReferralEvent.objects.create(referral=referral, status=step, at=at, note="演示数据")
        referral.save()
    return alliance
