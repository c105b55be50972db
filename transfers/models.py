"""组织关系转接 as a workflow: the sending branch starts it, the receiving organisation's admin accepts or returns
it inside the platform, and a numbered 介绍信 with its 回执 carries it outside. The membership moves only when the
transfer is accepted (inside) or its 回执 is recorded (outside); every step is a TransferEvent and an audit entry.

A transfer is seen by both sides: `org_path` is the sending organisation's, `to_path` the receiving one's.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from core.access import PathField, Role, ScopedQuerySet, listable_by_both_sides, role_at, scope_q


class Kind(models.TextChoices):
    INTERNAL = "internal", "系统内转接"
    OUTGOING = "outgoing", "转出至系统外"
    INCOMING = "incoming", "系统外转入"


class Status(models.TextChoices):
    SENT = "sent", "待接收"
    ACCEPTED = "accepted", "已转入"
    RETURNED = "returned", "已退回"
    IN_TRANSIT = "in_transit", "在途（待回执）"
    COMPLETED = "completed", "已收回执"
    REGISTERED = "registered", "已登记转入"
    CANCELLED = "cancelled", "已撤销"


OPEN_STATUSES = (Status.SENT, Status.IN_TRANSIT)


class Reason(models.TextChoices):
    JOB = "job", "工作调动"
    STUDY = "study", "升学、毕业"
    RETIRE = "retire", "退休、返乡"
    MOVE = "move", "居住地变动"
    ORG = "org", "党组织调整"
    OTHER = "other", "其他"


class TransferQuerySet(ScopedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        """The receiving side sees it too."""
        if action != "view":
            return None
        return scope_q(user, self.model.access_roles["view"], "to_path")

    def listable_by(self, user):
        """The same rows as visible_to(user), in a form a newest-first page can stop early on."""
        return listable_by_both_sides(self, user, self.model.access_roles["view"])


class Transfer(models.Model):
    person = models.ForeignKey("people.Person", verbose_name="党员", on_delete=models.PROTECT, related_name="transfers")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices)
    from_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="转出党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    to_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="转入党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    outside_org = models.CharField(
        "系统外党组织", max_length=120, blank=True, help_text="转出时为去往的党组织，转入时为原所在党组织"
    )
    org_path = PathField()  # the side that holds the member before; for an incoming transfer the receiving side
    to_path = PathField(blank=True)  # the receiving side inside the platform
    reason = models.CharField("转接原因", max_length=10, choices=Reason.choices)
    note = models.CharField("说明", max_length=200, blank=True)
    transfer_on = models.DateField("转出日期")
    moved_on = models.DateField("组织关系转入日期", null=True, blank=True)
    dues_paid_until = models.DateField("党费交至", null=True, blank=True, help_text="当月1日")
    letter_number = models.CharField("介绍信编号", max_length=40, blank=True)
    letter_valid_days = models.PositiveSmallIntegerField("介绍信有效期（天）", null=True, blank=True)
    receipt_on = models.DateField("回执日期", null=True, blank=True)
    answer = models.CharField("退回或撤销原因", max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TransferQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY, "create": Role.SECRETARY}

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        indexes = [
            models.Index(fields=["org_path", "id"], name="transfer_scope"),
            models.Index(fields=["to_path", "id"], name="transfer_to_scope"),
            models.Index(fields=["person", "id"], name="transfer_person"),
            models.Index(
                fields=["org_path", "transfer_on"], name="transfer_open_since", condition=Q(status__in=OPEN_STATUSES)
            ),
            models.Index(fields=["to_path", "transfer_on"], name="transfer_to_open", condition=Q(status="sent")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(status__in=OPEN_STATUSES), name="one_open_transfer_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(kind="internal") | Q(to_org__isnull=False), name="internal_transfer_has_destination"
            ),
            models.CheckConstraint(
                condition=Q(from_org__isnull=True) | Q(to_org__isnull=True) | ~Q(from_org=models.F("to_org")),
                name="transfer_between_two_orgs",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.from_name} → {self.to_name}"

    @property
    def from_name(self) -> str:
        return self.from_org.name if self.from_org_id else self.outside_org

    @property
    def to_name(self) -> str:
        return self.to_org.name if self.to_org_id else self.outside_org

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    def is_own_record_of(self, user) -> bool:
        return bool(self.to_path) and role_at(user, self.to_path) >= self.access_roles["view"]


class TransferEvent(models.Model):
    """Who did what to a transfer, when: the trail shown on the transfer and on the member's page."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=Status.choices)
    action = models.CharField(max_length=20)
    at = models.DateTimeField()
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "id"]


class LetterCounter(models.Model):
    """The last 介绍信 number issued in a sector (the top of the sending organisation's path) in a year."""

    root = models.CharField(max_length=32)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["root", "year"], name="letter_counter_once")]
