"""Co-construction (联学共建 / 红联共建): pairings of party organisations, 1+1 or 1+N, with members who join and
leave on dates, commitments under the five-link headings, and joint activities that count for every member.

A pairing is seen by everyone whose grants cover one of its members (partner contacts included, and nothing
else of the other side); it is changed by the lead side's unit admins; a member outside the proposer's scope
is pending until an admin of that member's side accepts.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.access import PathField, Role, ScopedQuerySet, SidedQuerySet, role_at, visible_through


class PairingCategory(models.Model):
    """A kind of co-construction (CONFIG data): 公立+民营, 院地共建, 院校共建, 红旗联盟 …"""

    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "共建类别"
        verbose_name_plural = "共建类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Mode(models.TextChoices):
    ONE_TO_ONE = "1+1", "1+1"
    ONE_TO_MANY = "1+N", "1+N"


class Status(models.TextChoices):
    PENDING = "pending", "待对方确认"
    ACTIVE = "active", "共建中"
    ENDED = "ended", "已结束"


class PairingQuerySet(SidedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        """Every side of a pairing sees it: rows whose members (not only the lead) are in the user's scope."""
        if action != "view":
            return None
        return visible_through(user, self.model.access_roles["view"], PairingMember.objects, "pairing_id")


class Pairing(models.Model):
    """A co-construction agreement between a lead party organisation and one or more partners."""

    title = models.CharField("名称", max_length=120)
    category = models.ForeignKey(PairingCategory, verbose_name="类别", on_delete=models.PROTECT)
    mode = models.CharField("形式", max_length=3, choices=Mode.choices, default=Mode.ONE_TO_ONE)
    lead_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="牵头党组织", on_delete=models.PROTECT, related_name="led_pairings"
    )
    org_path = PathField(editable=False)
    status = models.CharField("状态", max_length=8, choices=Status.choices, default=Status.PENDING)
    signed_on = models.DateField("签约日期", null=True, blank=True)
    plaque_on = models.DateField("授牌日期", null=True, blank=True)
    starts_on = models.DateField("共建开始")
    ends_on = models.DateField("共建期满", null=True, blank=True, help_text="留空为长期")
    renewal_of = models.ForeignKey(
        "self", verbose_name="续签自", null=True, blank=True, on_delete=models.SET_NULL, related_name="renewals"
    )
    plan = models.TextField("共建内容与目标", blank=True)
    outcomes = models.TextField("共建成效", blank=True)
    agreement = models.FileField("共建协议", upload_to="pairings/", blank=True)
    last_joint_on = models.DateField("最近联合活动", null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        "auth.User", verbose_name="发起人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        editable=False,
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PairingQuerySet.as_manager()
    access_roles = {
        "view": Role.PARTNER,
        "change": Role.UNIT_ADMIN,
        "create": Role.UNIT_ADMIN,
        "history": Role.UNIT_ADMIN,
    }

    class Meta:
        verbose_name = "共建关系"
        verbose_name_plural = "共建关系"
        indexes = [
            models.Index(fields=["org_path", "id"], name="pairing_scope"),
            models.Index(fields=["status", "last_joint_on"], name="pairing_dormancy"),
        ]

    def __str__(self) -> str:
        return self.title

    def is_own_record_of(self, user) -> bool:
        """Every side may view, partner contacts included (the gate's hook for a pairing led from elsewhere)."""
        paths = self.members.values_list("org_path", flat=True)
        return any(role_at(user, path) >= self.access_roles["view"] for path in paths)

    def is_dormant(self, days: int, today: datetime.date) -> bool:
        if self.status != Status.ACTIVE:
            return False
        since = self.last_joint_on or self.starts_on
        return (today - since).days > days

    def clean(self):
        if self.ends_on and self.starts_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "共建期满日期不能早于开始日期"})
        if self.plaque_on and self.signed_on and self.plaque_on < self.signed_on:
            raise ValidationError({"plaque_on": "授牌日期不能早于签约日期"})

    def save(self, *args, **kwargs):
        self.org_path = self.lead_org.path
        super().save(*args, **kwargs)


class PairingMember(models.Model):
    """One side of a pairing: the lead or a partner, from when to when, and whether that side has accepted."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="members")
    org = models.ForeignKey("orgs.PartyOrg", verbose_name="党组织", on_delete=models.PROTECT, related_name="pairings")
    org_path = PathField()
    institution = models.ForeignKey(
        "orgs.Institution", verbose_name="单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_lead = models.BooleanField("牵头方", default=False)
    joined_on = models.DateField("加入日期")
    left_on = models.DateField("退出日期", null=True, blank=True)
    accepted_at = models.DateTimeField("确认时间", null=True, blank=True)
    accepted_by = models.ForeignKey("auth.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.PARTNER, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "共建成员"
        verbose_name_plural = "共建成员"
        indexes = [
            models.Index(fields=["org_path", "id"], name="pairing_member_scope"),
            models.Index(fields=["org", "left_on"], name="pairing_member_org"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pairing", "org"], condition=Q(left_on__isnull=True), name="pairing_member_once"
            ),
            models.CheckConstraint(
                condition=Q(left_on__isnull=True) | Q(left_on__gte=models.F("joined_on")), name="pairing_member_dates"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.org} @ {self.pairing}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_at is None

    def is_current(self, on: datetime.date) -> bool:
        return self.joined_on <= on and (self.left_on is None or self.left_on >= on)


class CommitmentStatus(models.TextChoices):
    PLANNED = "planned", "计划"
    UNDERWAY = "underway", "推进中"
    DONE = "done", "已完成"
    DROPPED = "dropped", "已取消"


class Commitment(models.Model):
    """A commitment of the agreement under a five-link (or other CONFIG) heading, with owner, target and progress."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="commitments")
    heading = models.ForeignKey("activities.LinkHeading", verbose_name="类别", on_delete=models.PROTECT)
    content = models.CharField("承诺内容", max_length=200)
    owner = models.ForeignKey(
        PairingMember, verbose_name="责任方", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target = models.CharField("目标", max_length=120, blank=True, help_text="如 培训医护人员50人次")
    due_on = models.DateField("完成期限", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    status = models.CharField("状态", max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.PLANNED)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "共建承诺"
        verbose_name_plural = "共建承诺"
        ordering = ["heading__sort_order", "sort_order", "id"]

    def __str__(self) -> str:
        return self.content

    def clean(self):
        if self.progress > 100:
            raise ValidationError({"progress": "进度应在0到100之间"})


class ListStatus(models.TextChoices):
    OPEN = "open", "待对接"
    SERVED = "served", "已对接"
    CLOSED = "closed", "已关闭"


class ListItem(models.Model):
    """Shared fields of the 需求清单 and 资源清单: a side's entry under a heading."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="+")
    member = models.ForeignKey(PairingMember, verbose_name="提出方", on_delete=models.CASCADE, related_name="+")
    heading = models.ForeignKey(
        "activities.LinkHeading", verbose_name="类别", null=True, blank=True, on_delete=models.SET_NULL
    )
    title = models.CharField("名称", max_length=80, help_text="如 精神心理专科技术支持、护理人员培训")
    detail = models.CharField("说明", max_length=300, blank=True)
    title_norm = models.CharField(max_length=80, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from core.text import normalise

        self.title_norm = normalise(self.title)
        super().save(*args, **kwargs)


class Need(ListItem):
    """需求清单: what a side asks for."""

    status = models.CharField("状态", max_length=8, choices=ListStatus.choices, default=ListStatus.OPEN)

    class Meta(ListItem.Meta):
        verbose_name = "需求"
        verbose_name_plural = "需求清单"


class Resource(ListItem):
    """资源清单: what a side can offer."""

    capacity = models.CharField("可提供", max_length=80, blank=True, help_text="如 每月2次、每年培训20人")

    class Meta(ListItem.Meta):
        verbose_name = "资源"
        verbose_name_plural = "资源清单"


class Project(models.Model):
    """项目清单: a need served by a resource, with owners and dates."""

    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="projects")
    need = models.ForeignKey(Need, verbose_name="需求", on_delete=models.PROTECT, related_name="projects")
    resource = models.ForeignKey(Resource, verbose_name="资源", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField("项目名称", max_length=120)
    owners = models.CharField("负责人", max_length=120, blank=True)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    due_on = models.DateField("完成期限", null=True, blank=True)
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    status = models.CharField("状态", max_length=10, choices=CommitmentStatus.choices, default=CommitmentStatus.PLANNED)

    class Meta:
        verbose_name = "共建项目"
        verbose_name_plural = "项目清单"
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.need_id and self.resource_id:
            if self.need.pairing_id != self.pairing_id or self.resource.pairing_id != self.pairing_id:
                raise ValidationError("需求和资源须属于同一共建关系")
            if self.need.member_id == self.resource.member_id:
                raise ValidationError("资源应由需求方以外的共建单位提供")
        if self.starts_on and self.due_on and self.due_on < self.starts_on:
            raise ValidationError({"due_on": "完成期限不能早于开始日期"})
        if self.progress > 100:
            raise ValidationError({"progress": "进度应在0到100之间"})
