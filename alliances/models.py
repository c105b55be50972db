"""Medical alliances (医联体: 紧密型医联体, 县域医共体, 城市医疗集团, 专科联盟, 远程医疗协作网, 托管) with members over
time, and the two-way referral register (双向转诊) between members of an alliance or a pairing.

A referral is seen by both sides (`org_path` of the sending unit, `to_path` of the receiving one); the patient's
ID number is encrypted with a blind index and a mask, like a person's.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import crypto
from core.access import (
    PathField,
    Role,
    ScopedQuerySet,
    SidedQuerySet,
    listable_by_both_sides,
    role_at,
    scope_q,
    visible_through,
)
from core.validators import mask_id_number, normalise_id_number


class AllianceKind(models.TextChoices):
    CLOSE = "close", "紧密型医联体"
    COUNTY = "county", "县域医共体"
    CITY_GROUP = "city_group", "城市医疗集团"
    SPECIALTY = "specialty", "专科联盟"
    TELEMEDICINE = "telemedicine", "远程医疗协作网"
    TRUSTEESHIP = "trusteeship", "托管"


class AllianceQuerySet(SidedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        if action != "view":
            return None
        return visible_through(user, self.model.access_roles["view"], AllianceMember.objects, "alliance_id")


class Alliance(models.Model):
    """A medical alliance led by one institution. For 托管, the lead manages the entrusted member(s)."""

    name = models.CharField("名称", max_length=120)
    kind = models.CharField("类型", max_length=14, choices=AllianceKind.choices)
    lead = models.ForeignKey(
        "orgs.Institution", verbose_name="牵头单位", on_delete=models.PROTECT, related_name="led_alliances"
    )
    org_path = PathField(editable=False)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    specialty = models.CharField("专科", max_length=40, blank=True, help_text="专科联盟填写")
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AllianceQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.UNIT_ADMIN, "create": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "医联体"
        verbose_name_plural = "医联体"
        indexes = [models.Index(fields=["org_path", "id"], name="alliance_scope")]

    def __str__(self) -> str:
        return self.name

    def is_own_record_of(self, user) -> bool:
        paths = self.members.values_list("org_path", flat=True)
        return any(role_at(user, path) >= self.access_roles["view"] for path in paths)

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "结束日期不能早于开始日期"})

    def save(self, *args, **kwargs):
        self.org_path = self.lead.org_path
        super().save(*args, **kwargs)


class MemberRole(models.TextChoices):
    LEAD = "lead", "牵头单位"
    MEMBER = "member", "成员单位"
    ENTRUSTED = "entrusted", "受托管单位"


class AllianceMember(models.Model):
    """An institution's membership of an alliance, from when to when (托管: the entrusted unit)."""

    alliance = models.ForeignKey(Alliance, on_delete=models.CASCADE, related_name="members")
    institution = models.ForeignKey("orgs.Institution", verbose_name="单位", on_delete=models.PROTECT)
    org_path = PathField()
    role = models.CharField("角色", max_length=10, choices=MemberRole.choices, default=MemberRole.MEMBER)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.UNIT_ADMIN}

    class Meta:
        indexes = [models.Index(fields=["org_path", "id"], name="alliance_member_scope")]
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "institution"], condition=Q(left_on__isnull=True), name="alliance_member_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.institution} @ {self.alliance}"

    def is_current(self, on: datetime.date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on >= on)


class Direction(models.TextChoices):
    UP = "up", "上转"
    DOWN = "down", "下转"


class ReferralStatus(models.TextChoices):
    APPLIED = "applied", "申请"
    ACCEPTED = "accepted", "接收"
    REJECTED = "rejected", "拒绝"
    ARRIVED = "arrived", "到诊"
    COMPLETED = "completed", "完成"
    CANCELLED = "cancelled", "取消"


# status -> (the statuses it may move to, which side acts)
TRANSITIONS = {
    ReferralStatus.APPLIED: {ReferralStatus.ACCEPTED: "to", ReferralStatus.REJECTED: "to", ReferralStatus.CANCELLED: "from"},
    ReferralStatus.ACCEPTED: {ReferralStatus.ARRIVED: "to", ReferralStatus.CANCELLED: "from"},
    ReferralStatus.ARRIVED: {ReferralStatus.COMPLETED: "to"},
}  # fmt: skip
STAMP_FIELD = {
    ReferralStatus.ACCEPTED: "accepted_at",
    ReferralStatus.REJECTED: "rejected_at",
    ReferralStatus.ARRIVED: "arrived_at",
    ReferralStatus.COMPLETED: "completed_at",
    ReferralStatus.CANCELLED: "cancelled_at",
}


class ReferralQuerySet(ScopedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        """The receiving side sees it too."""
        if action != "view":
            return None
        q = scope_q(user, self.model.access_roles["view"], "to_path")
        return q

    def listable_by(self, user):
        """The same rows as visible_to(user), in a form a newest-first page can stop early on."""
        return listable_by_both_sides(self, user, self.model.access_roles["view"])


class Referral(models.Model):
    """A patient moved between two members of an alliance or a pairing, with a minimal patient record."""

    alliance = models.ForeignKey(
        Alliance, verbose_name="医联体", null=True, blank=True, on_delete=models.PROTECT, related_name="referrals"
    )
    pairing = models.ForeignKey(
        "pairings.Pairing", verbose_name="共建关系", null=True, blank=True, on_delete=models.PROTECT,
        related_name="referrals", db_index=False,  # the partial referral_pairing_time index serves it
    )  # fmt: skip
    from_institution = models.ForeignKey(
        "orgs.Institution", verbose_name="转出单位", on_delete=models.PROTECT, related_name="+"
    )
    to_institution = models.ForeignKey(
        "orgs.Institution", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    org_path = PathField()  # the sending side
    to_path = PathField()  # the receiving side
    direction = models.CharField("方向", max_length=4, choices=Direction.choices)
    patient_name = models.CharField("患者姓名", max_length=40)
    patient_id_enc = models.TextField(blank=True, editable=False)
    patient_id_hash = models.CharField(max_length=64, blank=True, db_index=True, editable=False)
    patient_id_mask = models.CharField("身份证号", max_length=18, blank=True, editable=False)
    reason = models.CharField("转诊原因", max_length=200)
    status = models.CharField("状态", max_length=10, choices=ReferralStatus.choices, default=ReferralStatus.APPLIED)
    applied_at = models.DateTimeField("申请时间")
    accepted_at = models.DateTimeField("接收时间", null=True, blank=True)
    rejected_at = models.DateTimeField("拒绝时间", null=True, blank=True)
    arrived_at = models.DateTimeField("到诊时间", null=True, blank=True)
    completed_at = models.DateTimeField("完成时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    followed_up_at = models.DateTimeField("随访时间", null=True, blank=True)

    objects = ReferralQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY, "view_pii": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "转诊"
        verbose_name_plural = "转诊"
        indexes = [
            models.Index(fields=["org_path", "id"], name="referral_scope"),
            models.Index(fields=["to_path", "id"], name="referral_to_scope"),
            models.Index(fields=["alliance", "applied_at"], name="referral_alliance_time"),
            # partial: most referrals belong to an alliance, and a full index on a mostly-NULL column made SQLite's
            # statistics promise half the table per pairing, so it scanned a million rows for one pairing's counts
            models.Index(
                fields=["pairing", "applied_at"],
                name="referral_pairing_time",
                condition=models.Q(pairing__isnull=False),
            ),
            # open referrals only, for the workbench's overdue counts: a province's million closed ones are not in them
            models.Index(fields=["to_path", "applied_at"], name="referral_unanswered", condition=Q(status="applied")),
            models.Index(
                fields=["to_path", "arrived_at"],
                name="referral_not_followed",
                condition=Q(direction="down", followed_up_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(alliance__isnull=False) | Q(pairing__isnull=False), name="referral_has_channel"
            ),
            models.CheckConstraint(
                condition=~Q(from_institution=models.F("to_institution")), name="referral_between_two_units"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_direction_display()} {self.from_institution} → {self.to_institution}"

    def set_patient_id(self, value: str) -> None:
        value = normalise_id_number(value)
        self.patient_id_enc = crypto.encrypt(value)
        self.patient_id_hash = crypto.blind_index(value, "id_number") if value else ""
        self.patient_id_mask = mask_id_number(value)

    def get_patient_id(self) -> str:
        return crypto.decrypt(self.patient_id_enc)


class ReferralEvent(models.Model):
    """Who moved a referral to which status, when: the register's trail."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=10, choices=ReferralStatus.choices)
    at = models.DateTimeField()
    actor = models.ForeignKey("auth.User", null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]


class ReferralTally(models.Model):
    """Monthly referral counts imported from a unit's HIS (its referrals are not registered one by one here)."""

    alliance = models.ForeignKey(Alliance, verbose_name="医联体", on_delete=models.CASCADE, related_name="tallies")
    from_institution = models.ForeignKey(
        "orgs.Institution", verbose_name="转出单位", on_delete=models.PROTECT, related_name="+"
    )
    to_institution = models.ForeignKey(
        "orgs.Institution", verbose_name="接收单位", on_delete=models.PROTECT, related_name="+"
    )
    org_path = PathField()  # the sending side, which reports the figure
    month = models.DateField("月份", help_text="当月1日")
    direction = models.CharField("方向", max_length=4, choices=Direction.choices)
    count = models.PositiveIntegerField("人次")

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY}

    class Meta:
        verbose_name = "转诊人次（导入）"
        verbose_name_plural = "转诊人次（导入）"
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "from_institution", "to_institution", "month", "direction"], name="tally_once"
            )
        ]
