"""Organisational life: activities of every kind, who organised and attended them, and the compliance they feed.

An activity is recorded once. Each organising organisation gets an `ActivityOrganiser` row carrying its path, so
a joint activity counts for every organiser (ledger, compliance, calendar) and each organiser's scope finds it
with one index range. Attendance rows carry the attendee's organisation path, so a co-organising branch's
secretary marks their own members.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core.access import PathField, Role, ScopedQuerySet, own_person, visible_through
from core.text import normalise


class Category(models.TextChoices):
    MEETINGS = "meetings", "三会一课"
    PARTY_DAY = "party_day", "主题党日"
    ORG_LIFE = "org_life", "组织生活会与民主评议"
    JOINT = "joint", "联学共建"
    SERVICE = "service", "志愿服务"
    CEREMONY = "ceremony", "仪式与表彰"
    STUDY = "study", "学习、读书与展览"
    OTHER = "other", "其他"


class ActivityKind(models.Model):
    """A kind of activity (data, not code): 支部党员大会, 支委会, 党课, 主题党日, 见面会, 义诊 …"""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    category = models.CharField("类别", max_length=12, choices=Category.choices, default=Category.OTHER)
    takes_roll = models.BooleanField("按党员名单点名", default=False, help_text="应到人数取主办组织当日在册党员")
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "活动类型"
        verbose_name_plural = "活动类型"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class LinkHeading(models.Model):
    """A five-link (五联) heading, or any other heading a sector's agreements use (CONFIG data)."""

    name = models.CharField("名称", max_length=40, unique=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "五联类别"
        verbose_name_plural = "五联类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Period(models.TextChoices):
    MONTH = "month", "每月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class AppliesTo(models.TextChoices):
    ALL = "all", "所有党支部"
    WITH_COMMITTEE = "with_committee", "设支委会的党支部"
    WITH_GROUPS = "with_groups", "设党小组的党支部"


class ComplianceRule(models.Model):
    """How often a branch must hold a kind of activity (支部条例 §11–19; 党课 frequency is CONFIG)."""

    kind = models.ForeignKey(ActivityKind, verbose_name="活动类型", on_delete=models.PROTECT)
    period = models.CharField("周期", max_length=8, choices=Period.choices)
    times = models.PositiveSmallIntegerField("每周期次数", default=1)
    warn_days = models.PositiveSmallIntegerField("提前提醒天数", default=10, help_text="周期结束前多少天未完成即黄灯")
    applies_to = models.CharField("适用", max_length=16, choices=AppliesTo.choices, default=AppliesTo.ALL)
    source = models.CharField("依据", max_length=80, blank=True)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "组织生活规则"
        verbose_name_plural = "组织生活规则"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.kind.name}（{self.get_period_display()}{self.times}次）"


class ActivityQuerySet(ScopedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        """Co-organisers see a joint activity; a member sees the activities they are on the roll of; every side of a
        pairing sees its joint activities."""
        if action != "view":
            return None
        extra = Q()
        organisers = visible_through(user, self.model.access_roles["view"], ActivityOrganiser.objects, "activity_id")
        if organisers is not None:
            extra |= organisers
        own = own_person(user)
        if own:
            extra |= Q(pk__in=Attendance.objects.filter(person_id=own[0]).values("activity_id"))
        from pairings.models import Pairing

        extra |= Q(pairing__in=Pairing.objects.visible_to(user).values("pk"))  # partner contacts
        return extra


class Activity(models.Model):
    """Anything a party organisation holds: a meeting, 党课, 主题党日, 见面会, 义诊, 表彰大会, exhibition …

    `org_path` is the lead organiser's path; every organiser (lead included) has an `ActivityOrganiser` row.
    """

    title = models.CharField("主题", max_length=120)
    title_norm = models.CharField(max_length=120, editable=False)
    kind = models.ForeignKey(ActivityKind, verbose_name="活动类型", on_delete=models.PROTECT)
    lead_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="主办党组织", on_delete=models.PROTECT, related_name="led_activities"
    )
    org_path = PathField(editable=False)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=120, blank=True)
    host = models.ForeignKey(
        "people.Person", verbose_name="主持人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorder = models.ForeignKey(
        "people.Person", verbose_name="记录人", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True, help_text="纯文本保存；显示时转义，不执行任何标记")
    decisions = models.TextField("决议事项", blank=True)
    summary = models.TextField("活动简介", blank=True)
    headcount = models.PositiveIntegerField("参加人数", null=True, blank=True, help_text="未逐人点名时填写，如“约60人”")
    links = models.ManyToManyField(LinkHeading, verbose_name="五联类别", blank=True)
    pairing = models.ForeignKey(
        "pairings.Pairing",
        verbose_name="共建关系",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="activities",
        help_text="联学共建活动：计入共建各方",
    )
    # maintained by activities.services.recount on every attendance write (ledgers never count rows)
    expected_count = models.PositiveIntegerField(default=0, editable=False)
    present_count = models.PositiveIntegerField(default=0, editable=False)
    leave_count = models.PositiveIntegerField(default=0, editable=False)
    absent_count = models.PositiveIntegerField(default=0, editable=False)
    guest_count = models.PositiveIntegerField(default=0, editable=False)
    is_cancelled = models.BooleanField("已取消", default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActivityQuerySet.as_manager()
    access_roles = {
        "view": Role.SECRETARY,
        "change": Role.SECRETARY,
        "create": Role.SECRETARY,
        "history": Role.SECRETARY,
    }

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        indexes = [
            models.Index(fields=["org_path", "id"], name="activity_scope"),
            models.Index(fields=["starts_at", "id"], name="activity_start"),
            models.Index(fields=["pairing", "starts_at"], name="activity_pairing_time"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(ends_at__gte=models.F("starts_at")), name="activity_times_ordered"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def date(self) -> datetime.date:
        from django.utils import timezone

        return timezone.localtime(self.starts_at).date()

    def is_own_record_of(self, user) -> bool:
        """Co-organisers and attendees may view (the gate's hook for records outside the lead's scope)."""
        return Activity.objects.visible_to(user).filter(pk=self.pk).exists()

    def clean(self):
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "结束时间不能早于开始时间"})

    def save(self, *args, **kwargs):
        self.title_norm = normalise(self.title)
        self.org_path = self.lead_org.path
        super().save(*args, **kwargs)


class ActivityOrganiser(models.Model):
    """One organising organisation of an activity; a joint activity has several and counts for each."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="organisers")
    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.PROTECT, related_name="organised_activities")
    org_path = PathField()
    starts_at = models.DateTimeField()  # copied from the activity: calendars and ledgers read one index
    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+")
    is_lead = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY}

    class Meta:
        indexes = [
            models.Index(fields=["org", "starts_at"], name="organiser_org_time"),
            models.Index(fields=["org_path", "starts_at", "id"], name="organiser_scope_time"),
        ]
        constraints = [models.UniqueConstraint(fields=["activity", "org"], name="organiser_once")]


class SpeakerRole(models.TextChoices):
    HOST = "host", "主持"
    ADDRESS = "address", "致辞"
    SPEECH = "speech", "讲话"
    LECTURE = "lecture", "授课"
    SHARE = "share", "交流发言"
    SUMMARY = "summary", "总结讲话"
    PRESENT = "present", "颁奖/宣读"


class Speaker(models.Model):
    """A person with a part in an activity, and the post they held *on that date* (kept as it was)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="speakers")
    person = models.ForeignKey(
        "people.Person", verbose_name="人员", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField("姓名", max_length=40)
    role = models.CharField("角色", max_length=10, choices=SpeakerRole.choices)
    post = models.CharField("当时职务", max_length=200, blank=True)
    topic = models.CharField("题目/内容", max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "发言人"
        verbose_name_plural = "发言人"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return f"{self.name}（{self.get_role_display()}）"


class GuestGroup(models.Model):
    """Outside guests by unit, with a count (共建单位党员代表 20人 …)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="guest_groups")
    institution = models.ForeignKey("orgs.Institution", null=True, blank=True, on_delete=models.SET_NULL)
    unit_name = models.CharField("单位", max_length=120)
    count = models.PositiveIntegerField("人数", default=0)
    note = models.CharField("说明", max_length=120, blank=True)

    def __str__(self) -> str:
        return f"{self.unit_name} {self.count}人"


class Outcome(models.Model):
    """A measured result of an activity: people served, staff trained, works exhibited …"""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="outcomes")
    label = models.CharField("成效", max_length=40)
    value = models.PositiveIntegerField("数量")
    unit = models.CharField("单位", max_length=10, blank=True, default="人")

    def __str__(self) -> str:
        return f"{self.label}{self.value}{self.unit}"


class ActivityPhoto(models.Model):
    """A photo with its caption; resized and stripped of EXIF on upload (activities.images)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="activities/%Y/%m/")
    caption = models.CharField("图注", max_length=200, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.caption or self.image.name


class AttendanceStatus(models.TextChoices):
    PENDING = "pending", "未签到"
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"
    ABSENT = "absent", "缺席"


class CheckInMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    SECRETARY = "secretary", "书记登记"
    IMPORT = "import", "导入"


class AttendanceQuerySet(ScopedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        own = own_person(user) if action == "view" else None
        return Q(person_id=own[0]) if own else None


class Attendance(models.Model):
    """Person × activity. `expected` rows are the roll (应到); guests are recorded with expected=False."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="attendance")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="attendance")
    org_path = PathField()  # the attendee's organisation on that date: their secretary marks them
    starts_at = models.DateTimeField()  # copied from the activity for the person's history
    expected = models.BooleanField("应到", default=True)
    status = models.CharField("出勤", max_length=8, choices=AttendanceStatus.choices, default=AttendanceStatus.PENDING)
    reason = models.CharField("请假/缺席原因", max_length=120, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    method = models.CharField("签到方式", max_length=10, choices=CheckInMethod.choices, blank=True)

    objects = AttendanceQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY}

    class Meta:
        verbose_name = "出勤"
        verbose_name_plural = "出勤"
        indexes = [
            models.Index(fields=["person", "starts_at"], name="attendance_person_time"),
            models.Index(fields=["org_path", "id"], name="attendance_scope"),
        ]
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="attendance_once")]

    def __str__(self) -> str:
        return f"{self.person_id}@{self.activity_id}: {self.status}"


class Grade(models.TextChoices):
    EXCELLENT = "excellent", "优秀"
    QUALIFIED = "qualified", "合格"
    BASIC = "basic", "基本合格"
    UNQUALIFIED = "unqualified", "不合格"


class Appraisal(models.Model):
    """民主评议党员: one grade per member per year at the branch that held their relationship."""

    org = models.ForeignKey("orgs.PartyOrg", verbose_name="党组织", on_delete=models.PROTECT, related_name="+")
    org_path = PathField()
    year = models.PositiveSmallIntegerField("年度")
    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="appraisals")
    grade = models.CharField("等次", max_length=12, choices=Grade.choices)
    note = models.CharField("备注", max_length=120, blank=True)
    activity = models.ForeignKey(Activity, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY}

    class Meta:
        verbose_name = "民主评议"
        verbose_name_plural = "民主评议"
        indexes = [models.Index(fields=["org", "year"], name="appraisal_org_year")]
        constraints = [models.UniqueConstraint(fields=["person", "year"], name="appraisal_once_a_year")]

    def __str__(self) -> str:
        return f"{self.year} {self.person_id} {self.grade}"


class ComplianceState(models.TextChoices):
    GREEN = "green", "正常"
    YELLOW = "yellow", "临期"
    RED = "red", "未完成"


IDLE = "idle"
OVERALL = "overall"


class BranchCompliance(models.Model):
    """The current standing of one branch against one rule (or the idle check).

    Maintained, never computed in a page view: activity writes refresh their organisers' rows and roll the
    change into the ancestors' `ComplianceSummary`; the daily `refresh_compliance` rolls periods over.
    """

    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.CASCADE, related_name="compliance")
    org_path = PathField()
    check_code = models.CharField(max_length=12)  # a rule's id, or IDLE
    rule = models.ForeignKey(ComplianceRule, null=True, blank=True, on_delete=models.CASCADE)
    period_start = models.DateField()
    period_end = models.DateField()
    held = models.PositiveSmallIntegerField(default=0)  # held in the current period so far
    planned = models.PositiveSmallIntegerField(default=0)  # scheduled later in the current period
    previous_held = models.PositiveSmallIntegerField(default=0)
    last_held_on = models.DateField(null=True, blank=True)
    state = models.CharField(max_length=8, choices=ComplianceState.choices)
    message = models.CharField(max_length=120, blank=True)
    computed_on = models.DateField()

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY}

    class Meta:
        indexes = [
            models.Index(fields=["org_path", "id"], name="compliance_scope"),
            models.Index(fields=["state", "org_path"], name="compliance_state_scope"),
        ]
        constraints = [models.UniqueConstraint(fields=["org", "check_code"], name="compliance_once_per_check")]


class ComplianceSummary(models.Model):
    """Counts of branches by state per check for one organisation's subtree (check OVERALL: a branch's worst)."""

    org = models.ForeignKey("orgs.PartyOrg", on_delete=models.CASCADE, related_name="compliance_summaries")
    check_code = models.CharField(max_length=12)
    green = models.PositiveIntegerField(default=0)
    yellow = models.PositiveIntegerField(default=0)
    red = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "check_code"], name="summary_once_per_check")]

    @property
    def total(self) -> int:
        return self.green + self.yellow + self.red
