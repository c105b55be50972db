"""Recognition and assessment: honours of every kind (kinds are data), nomination batches with quotas and
review up the tree, the 光荣在党50年 eligibility, and 星级党支部 / 示范点 assessment schemes (indicators in a
tree, bands, a satisfaction weight) with one assessment per organisation per scheme.

Every row carries the path of the organisation it belongs to (a person's home organisation, a recipient
organisation, the nominating unit), so the access gate scopes it with one index range.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.access import PathField, Role, ScopedQuerySet, paths_above_grants


class RecipientType(models.TextChoices):
    PERSON = "person", "个人"
    ORG = "org", "党组织"
    POST = "post", "岗位/科室"


class Level(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCE = "province", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "县（区）级"
    UNIT = "unit", "院级"


class HonourKind(models.Model):
    """先进党支部, 优秀党员, 光荣在党50年纪念章, 党员先锋岗, 示范点 … (data, editable)."""

    code = models.SlugField("代码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=40, unique=True)
    recipient_type = models.CharField("授予对象", max_length=8, choices=RecipientType.choices)
    once_only = models.BooleanField("每人（每组织）只授予一次", default=False)
    requires_golden_years = models.BooleanField("须党龄满50年（当年7月1日）", default=False)
    members_only = models.BooleanField("须为党员", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=100)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "荣誉类别"
        verbose_name_plural = "荣誉类别"
        ordering = ["sort_order", "id"]

    def __str__(self) -> str:
        return self.name


class Honour(models.Model):
    kind = models.ForeignKey(HonourKind, verbose_name="类别", on_delete=models.PROTECT, related_name="honours")
    person = models.ForeignKey(
        "people.Person", verbose_name="获得者", null=True, blank=True, on_delete=models.CASCADE, related_name="honours"
    )
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="获得党组织", null=True, blank=True, on_delete=models.CASCADE,
        related_name="honours",
    )  # fmt: skip
    post_name = models.CharField("岗位/科室", max_length=80, blank=True, help_text="党员先锋岗、示范岗的岗位或科室")
    org_path = PathField(editable=False)
    issuer = models.CharField("授予单位", max_length=120)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField("年度")
    awarded_on = models.DateField("授予日期", null=True, blank=True)
    batch = models.ForeignKey(
        "NominationBatch", null=True, blank=True, on_delete=models.SET_NULL, related_name="honours"
    )
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.MEMBER, "change": Role.UNIT_ADMIN, "create": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "荣誉"
        verbose_name_plural = "荣誉"
        indexes = [
            models.Index(fields=["org_path", "year", "id"], name="honour_scope_year"),
            models.Index(fields=["kind", "person"], name="honour_kind_person"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(person__isnull=False) | models.Q(org__isnull=False), name="honour_has_recipient"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind.name} {self.recipient_name}"

    @property
    def recipient_name(self) -> str:
        parts = [self.person.name if self.person_id else "", self.org.name if self.org_id else "", self.post_name]
        return " ".join(p for p in parts if p)

    def save(self, *args, **kwargs):
        self.org_path = self.person.org_path if self.person_id else self.org.path
        super().save(*args, **kwargs)


class BatchStatus(models.TextChoices):
    OPEN = "open", "推荐中"
    CLOSED = "closed", "已结束"


class BatchQuerySet(ScopedQuerySet):
    def also_visible(self, user, action: str):
        """A batch issued above the user's organisation is open to their nominations: they see it."""
        if action != "view":
            return None
        above = paths_above_grants(user, self.model.access_roles["view"])
        return models.Q(org_path__in=above) if above else None


class NominationBatch(models.Model):
    """A round of nominations for one kind of honour, issued by an organisation, with a quota."""

    kind = models.ForeignKey(HonourKind, verbose_name="荣誉类别", on_delete=models.PROTECT)
    title = models.CharField("名称", max_length=120)
    issuer_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="评选组织", on_delete=models.PROTECT, related_name="nomination_batches"
    )
    issuer = models.CharField("授予单位（对外名称）", max_length=120)
    org_path = PathField(editable=False)
    level = models.CharField("级别", max_length=10, choices=Level.choices)
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveIntegerField("名额")
    deadline = models.DateField("推荐截止", null=True, blank=True)
    status = models.CharField("状态", max_length=8, choices=BatchStatus.choices, default=BatchStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = BatchQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.UNIT_ADMIN, "create": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "评选批次"
        verbose_name_plural = "评选批次"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.org_path = self.issuer_org.path
        super().save(*args, **kwargs)


class NominationStatus(models.TextChoices):
    REVIEW = "review", "审核中"
    RETURNED = "returned", "已退回"
    APPROVED = "approved", "已批准"
    WITHDRAWN = "withdrawn", "已撤回"


class Nomination(models.Model):
    """A nominee moving up the tree: each level above the nominating organisation, up to the batch's issuer,
    passes it on or returns it with a reason; the issuer approves it within the quota."""

    batch = models.ForeignKey(NominationBatch, on_delete=models.CASCADE, related_name="nominations")
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey("orgs.PartyOrg", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    post_name = models.CharField("岗位/科室", max_length=80, blank=True)
    nominating_org = models.ForeignKey("orgs.PartyOrg", on_delete=models.PROTECT, related_name="+")
    org_path = PathField(editable=False)  # the nominating organisation's: it and every level above see it
    reviewing_org = models.ForeignKey("orgs.PartyOrg", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=NominationStatus.choices, default=NominationStatus.REVIEW)
    reason = models.TextField("推荐理由", blank=True)
    return_reason = models.CharField("退回原因", max_length=200, blank=True)
    snapshot = models.JSONField("推荐时的记录", default=dict)
    trail = models.JSONField(default=list)  # [{"org": name, "action": ..., "by": username, "at": iso}]
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "推荐"
        verbose_name_plural = "推荐"
        indexes = [models.Index(fields=["batch", "status"], name="nomination_batch_status")]

    @property
    def nominee_name(self) -> str:
        return self.person.name if self.person_id else (self.org.name if self.org_id else self.post_name)

    def save(self, *args, **kwargs):
        self.org_path = self.nominating_org.path
        super().save(*args, **kwargs)


# --- 星级党支部 / 示范点 assessment -----------------------------------------------------------------------


class SchemeStatus(models.TextChoices):
    DRAFT = "draft", "设置中"
    OPEN = "open", "评定中"
    PUBLISHED = "published", "已公布"


class AssessmentScheme(models.Model):
    """A yearly scheme (data): indicators with points, bands that turn a score into stars, a satisfaction
    weight and the target distribution the sector aims for."""

    name = models.CharField("名称", max_length=120)
    year = models.PositiveSmallIntegerField("年度")
    issuer_org = models.ForeignKey("orgs.PartyOrg", verbose_name="组织评定的党组织", on_delete=models.PROTECT,
                                   related_name="assessment_schemes")  # fmt: skip
    org_path = PathField(editable=False)
    bands = models.JSONField("星级分档", default=list, help_text="每个星级的最低分")  # fmt: skip
    satisfaction_weight = models.DecimalField("满意度权重", max_digits=3, decimal_places=2, default=0)
    target_distribution = models.JSONField("目标分布", default=dict, blank=True, help_text="各星级支部的目标占比")
    status = models.CharField("状态", max_length=10, choices=SchemeStatus.choices, default=SchemeStatus.DRAFT)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.UNIT_ADMIN, "create": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "评定方案"
        verbose_name_plural = "评定方案"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.org_path = self.issuer_org.path
        super().save(*args, **kwargs)

    def stars_for(self, score) -> int:
        for floor, stars in sorted(self.bands, reverse=True):
            if score >= floor:
                return int(stars)
        return 0

    def clean(self):
        if not self.bands or any(len(b) != 2 for b in self.bands):
            raise ValidationError({"bands": "请至少为一个星级填写最低分。"})


class Indicator(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField("编号", max_length=12)
    name = models.CharField("指标", max_length=200)
    points = models.DecimalField("分值", max_digits=5, decimal_places=1)
    evidence = models.CharField("需要的佐证", max_length=200, blank=True, help_text="如 支部党员大会记录、党课照片")
    sort_order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "评定指标"
        verbose_name_plural = "评定指标"
        ordering = ["sort_order", "code"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="indicator_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class AssessmentStatus(models.TextChoices):
    SELF = "self", "自评中"
    SUBMITTED = "submitted", "待党委审核"
    REVIEWED = "reviewed", "已审核"
    CONFIRMED = "confirmed", "已确认"
    PUBLISHED = "published", "已公布"


class Assessment(models.Model):
    scheme = models.ForeignKey(AssessmentScheme, on_delete=models.CASCADE, related_name="assessments")
    org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="党组织", on_delete=models.CASCADE, related_name="assessments"
    )
    org_path = PathField(editable=False)
    year = models.PositiveSmallIntegerField(editable=False)
    status = models.CharField(max_length=10, choices=AssessmentStatus.choices, default=AssessmentStatus.SELF)
    self_score = models.DecimalField("自评分", max_digits=6, decimal_places=1, default=0)
    review_score = models.DecimalField("审核分", max_digits=6, decimal_places=1, null=True, blank=True)
    satisfaction = models.DecimalField("满意度（0–100）", max_digits=5, decimal_places=1, null=True, blank=True)
    final_score = models.DecimalField("最终得分", max_digits=6, decimal_places=1, null=True, blank=True)
    stars = models.PositiveSmallIntegerField("星级", default=0, help_text="0 为尚未评定")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY, "review": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "评定"
        verbose_name_plural = "评定"
        constraints = [models.UniqueConstraint(fields=["scheme", "org"], name="assessment_once_per_scheme")]
        indexes = [
            models.Index(fields=["scheme", "org_path", "id"], name="assessment_scheme_scope"),
            models.Index(fields=["org", "year"], name="assessment_org_year"),
            models.Index(fields=["scheme", "stars", "id"], name="assessment_scheme_stars"),
        ]

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        self.year = self.scheme.year
        super().save(*args, **kwargs)


class IndicatorScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    self_score = models.DecimalField("自评", max_digits=5, decimal_places=1, null=True, blank=True)
    review_score = models.DecimalField("审核", max_digits=5, decimal_places=1, null=True, blank=True)
    evidence = models.CharField("佐证", max_length=300, blank=True, help_text="记录的链接或说明")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["assessment", "indicator"], name="score_once")]
