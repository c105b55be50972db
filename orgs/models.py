"""The registry of units (Institution) and the party organisation tree (PartyOrg)."""

import datetime
import uuid

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from core import versions
from core.access import PathField, Role, ScopedQuerySet
from core.text import letters_query, normalise, search_keys
from core.validators import validate_region_code

SEGMENT_WIDTH = 6  # base36 of the primary key: 2.1 billion nodes, 42 levels in 255 characters
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def path_segment(pk: int) -> str:
    out = ""
    while pk:
        pk, r = divmod(pk, 36)
        out = _DIGITS[r] + out
    return out.rjust(SEGMENT_WIDTH, "0")


def ancestor_paths(path: str) -> list[str]:
    """Paths of the node itself and all its ancestors, root first."""
    return [path[:i] for i in range(SEGMENT_WIDTH, len(path) + 1, SEGMENT_WIDTH)]


def name_search(queryset, query: str):
    """Names contain the text (繁简-insensitive), or their pinyin / initials contain the letters typed."""
    text = normalise(query)
    if not text:
        return queryset
    letters = letters_query(query)
    if letters:
        return queryset.filter(models.Q(name_keys__contains=letters) | models.Q(name_norm__contains=text))
    return queryset.filter(name_norm__contains=text)


class Ownership(models.TextChoices):
    PUBLIC = "public", "公立"
    PRIVATE = "private", "民营"
    OTHER = "other", "其他"


class InstitutionKind(models.TextChoices):
    HOSPITAL = "hospital", "医院"
    TOWNSHIP_CENTRE = "township_centre", "乡镇卫生院"
    COMMUNITY_CENTRE = "community_centre", "社区卫生服务中心"
    CLINIC = "clinic", "诊所/门诊部"
    GROUP = "group", "医疗集团"
    CAMPUS = "campus", "院区"
    HEALTH_BUREAU = "health_bureau", "卫生健康行政部门"
    PARTY_ORGAN = "party_organ", "党委部门"
    SCHOOL = "school", "学校"
    GOVERNMENT = "government", "镇街/政府"
    ENTERPRISE = "enterprise", "企业"
    OTHER = "other", "其他"


class InstitutionQuerySet(ScopedQuerySet):
    def search(self, query: str):
        return name_search(self, query)


class Institution(models.Model):
    """A real-world unit: hospital, 卫生院, clinic, group and campus, bureau, school, town, enterprise.

    Its scope is the party organisation that manages it (`managing_org`): its own 党委, or the sector
    committee / 联合支部 / 指导员's organisation for a unit without one.
    """

    name = models.CharField("名称", max_length=120)
    name_norm = models.CharField(max_length=120, editable=False, db_index=True)
    name_keys = models.CharField(max_length=400, editable=False, default="")
    short_name = models.CharField("简称", max_length=60, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    ownership = models.CharField("所有制", max_length=10, choices=Ownership.choices, default=Ownership.PUBLIC)
    kind = models.CharField("类型", max_length=20, choices=InstitutionKind.choices, default=InstitutionKind.HOSPITAL)
    grade = models.CharField("等级", max_length=20, blank=True, help_text="如 三级甲等、三级乙等、二级甲等")
    region_code = models.CharField("行政区划代码", max_length=6, validators=[validate_region_code])
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位（集团）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="campuses",
    )
    managing_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="管理党组织", on_delete=models.PROTECT, related_name="managed_institutions"
    )
    org_path = PathField(editable=False)
    staff_count = models.PositiveIntegerField("从业人员数", null=True, blank=True)
    is_operating = models.BooleanField("正常运营", default=True)
    is_active = models.BooleanField("有效", default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InstitutionQuerySet.as_manager()
    access_roles = {
        "view": Role.SECRETARY,
        "change": Role.UNIT_ADMIN,
        "create": Role.UNIT_ADMIN,
        "history": Role.SECRETARY,
    }

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        indexes = [models.Index(fields=["org_path", "id"], name="inst_scope")]
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~Q(credit_code=""), name="inst_credit_code_unique"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.parent_id and self.parent_id == self.pk:
            raise ValidationError({"parent": "单位不能以自身为上级单位"})

    def save(self, *args, **kwargs):
        self.name_norm, self.name_keys = normalise(self.name), search_keys(self.name)
        self.org_path = self.managing_org.path
        bump_tree_version()  # a unit's name is part of its organisations' labels (orgs.labels)
        super().save(*args, **kwargs)


class OrgKind(models.TextChoices):
    SECTOR_COMMITTEE = "sector_committee", "行业党委"
    WORKING_COMMITTEE = "working_committee", "党工委/党组"
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    JOINT_BRANCH = "joint_branch", "联合党支部"
    TEMPORARY_BRANCH = "temporary_branch", "临时党支部"
    GROUP = "group", "党小组"


BRANCH_KINDS = {OrgKind.BRANCH, OrgKind.JOINT_BRANCH, OrgKind.TEMPORARY_BRANCH}
COMMITTEE_KINDS = {OrgKind.SECTOR_COMMITTEE, OrgKind.WORKING_COMMITTEE, OrgKind.COMMITTEE}


class PartyOrgQuerySet(ScopedQuerySet):
    scope_field = "path"

    def subtree_of(self, org: "PartyOrg"):
        return self.filter(path__gte=org.path, path__lt=org.path + "~")

    def search(self, query: str):
        return name_search(self, query)


class PartyOrg(models.Model):
    """A node of the party tree: 行业党委, 党委, 党总支, 党支部, 联合党支部, 党小组.

    `path` is the materialised path (base36 pk segments); subtree queries are index range scans.
    Member counts are maintained by `orgs.services.refresh_orgs`, never computed in a page view.
    """

    name = models.CharField("名称", max_length=120)
    name_norm = models.CharField(max_length=120, editable=False, db_index=True)
    name_keys = models.CharField(max_length=400, editable=False, default="")
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    is_functional = models.BooleanField("功能型党组织", default=False)
    parent = models.ForeignKey(
        "self", verbose_name="上级党组织", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    path = PathField(unique=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=1, editable=False)
    institution = models.ForeignKey(
        Institution, verbose_name="所在单位", null=True, blank=True, on_delete=models.PROTECT, related_name="party_orgs"
    )
    joint_institutions = models.ManyToManyField(
        Institution, verbose_name="联合组建单位", blank=True, related_name="joint_party_orgs"
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    term_started_on = models.DateField("本届任期开始", null=True, blank=True)
    term_years = models.PositiveSmallIntegerField("任期（年）", null=True, blank=True, help_text="留空按规则默认值")
    size_approved = models.BooleanField(
        "上级批准（人数例外）", default=False, help_text="经上级批准设立，不受50/100人数规则提示"
    )
    is_active = models.BooleanField("有效", default=True)
    deactivated_on = models.DateField("撤销日期", null=True, blank=True)
    # maintained counts (see orgs.services)
    formal_count = models.PositiveIntegerField("正式党员", default=0, editable=False)
    probationary_count = models.PositiveIntegerField("预备党员", default=0, editable=False)
    subtree_member_count = models.PositiveIntegerField("党员（含下级）", default=0, editable=False)
    child_count = models.PositiveIntegerField(default=0, editable=False)
    counts_refreshed_at = models.DateTimeField(null=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PartyOrgQuerySet.as_manager()
    access_roles = {
        "view": Role.SECRETARY,
        "change": Role.UNIT_ADMIN,
        "create": Role.UNIT_ADMIN,
        "history": Role.SECRETARY,
    }

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        indexes = [models.Index(fields=["parent", "name"], name="org_children")]

    def __str__(self) -> str:
        return self.name

    @property
    def org_path(self) -> str:
        return self.path

    @property
    def member_count(self) -> int:
        return self.formal_count + self.probationary_count

    @property
    def is_branch(self) -> bool:
        return self.kind in BRANCH_KINDS

    def term_end(self, default_years: int) -> datetime.date | None:
        if not self.term_started_on:
            return None
        years = self.term_years or default_years
        start = self.term_started_on
        try:
            return start.replace(year=start.year + years)
        except ValueError:  # 29 February
            return start.replace(year=start.year + years, day=28)

    def ancestors(self):
        paths = ancestor_paths(self.path)[:-1]
        return PartyOrg.objects.filter(path__in=paths).order_by("depth")

    def save(self, *args, **kwargs):
        self.name_norm, self.name_keys = normalise(self.name), search_keys(self.name)
        bump_tree_version()
        if self.pk is not None:
            return super().save(*args, **kwargs)
        # The path is built from the primary key, known only after the insert.
        self.path = "tmp" + uuid.uuid4().hex
        super().save(*args, **kwargs)
        self.path = (self.parent.path if self.parent_id else "") + path_segment(self.pk)
        self.depth = len(self.path) // SEGMENT_WIDTH
        PartyOrg.objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)

    def clean(self):
        if self.parent_id and self.pk and (self.parent_id == self.pk or self.parent.path.startswith(self.path)):
            raise ValidationError({"parent": "不能把党组织设为自己或自己下级的下级"})
        if self.parent_id and self.parent.kind == OrgKind.GROUP:
            raise ValidationError({"parent": "党小组下不能再设党组织"})
        if (
            self.kind == OrgKind.GROUP
            and self.parent_id
            and self.parent.kind not in BRANCH_KINDS | {OrgKind.GENERAL_BRANCH}
        ):
            raise ValidationError({"kind": "党小组应设在党支部（或党总支）之下"})
        if self.deactivated_on and self.established_on and self.deactivated_on < self.established_on:
            raise ValidationError({"deactivated_on": "撤销日期不能早于成立日期"})


class RuleSetting(models.Model):
    """An editable threshold of an organisation rule (CONFIG in RULES.md). Defaults live in orgs.rules."""

    key = models.CharField("规则", max_length=60, unique=True)
    value = models.JSONField("取值")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "规则参数"
        verbose_name_plural = "规则参数"

    def __str__(self) -> str:
        return self.key

    def save(self, *args, **kwargs):
        from django.core.cache import cache

        super().save(*args, **kwargs)
        cache.delete("rule-settings")  # orgs.rules.SETTINGS_CACHE_KEY

    def delete(self, *args, **kwargs):
        from django.core.cache import cache

        result = super().delete(*args, **kwargs)
        cache.delete("rule-settings")
        return result


class WarningCode(models.TextChoices):
    FEW_FORMAL_MEMBERS = "few_formal", "正式党员不足3人"
    BRANCH_TOO_LARGE = "branch_too_large", "党支部党员超过50人"
    NO_COMMITTEE = "no_committee", "7名以上正式党员未设支委会"
    COMMITTEE_NOT_RECORDED = "committee_unrecorded", "召开了支委会但未登记支委会委员"
    PROBATION_OVERDUE = "probation_overdue", "预备期已满未转正"
    COMMITTEE_SIZE = "committee_size", "支委会人数不符合3–7人"
    NO_SECRETARY = "no_secretary", "未配备书记"
    JOINT_TOO_MANY_UNITS = "joint_too_many", "联合党支部超过5个单位"
    SHOULD_BE_GENERAL_BRANCH = "should_be_general", "党员达到总支设置人数"
    SHOULD_BE_COMMITTEE = "should_be_committee", "党员达到党委设置人数"
    BELOW_SIZE = "below_size", "党员人数低于该类型组织设置标准"
    TERM_ENDING = "term_ending", "任期即将届满"
    TERM_EXPIRED = "term_expired", "任期已届满未换届"
    UNIT_WITHOUT_ORG = "unit_without_org", "单位正式党员3人以上未建党组织（应建未建）"
    DUES_ARREARS = "dues_arrears", "党员连续数月未交党费"
    DUES_LAPSED = "dues_lapsed", "党员连续6个月未交党费（党章第九条）"


class OrgWarning(models.Model):
    """A rule finding on an organisation (or a unit it manages), recomputed when its records change."""

    org = models.ForeignKey(PartyOrg, on_delete=models.CASCADE, related_name="warnings")
    institution = models.ForeignKey(Institution, null=True, blank=True, on_delete=models.CASCADE)
    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    org_path = PathField()
    code = models.CharField(max_length=24, choices=WarningCode.choices)
    message = models.CharField(max_length=200)
    computed_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY}

    class Meta:
        indexes = [
            models.Index(fields=["org_path", "id"], name="warning_scope"),
            models.Index(fields=["code", "org_path"], name="warning_code_scope"),
        ]

    def __str__(self) -> str:
        return self.message


def tree_version() -> str:
    """Part of the key of anything cached that shows other organisations' names (a page's breadcrumb): it
    changes whenever an organisation is saved or moved."""
    return versions.current("org-tree")


def bump_tree_version() -> None:
    versions.bump("org-tree")
