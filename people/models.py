"""People, their organisational relationships (Membership) and their posts (Position), all dated."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import Q

from core import crypto
from core.access import AccessFactsQuerySet, PathField, Role, ScopedQuerySet, own_person, role_at
from core.fields import BytewiseCharField
from core.text import normalise, pinyin_keys, prefix_range
from core.validators import id_number_error, mask_id_number, mask_phone, normalise_id_number, normalise_phone


class PartyStatus(models.TextChoices):
    MASSES = "masses", "群众"
    LEAGUE = "league", "共青团员"
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FORMAL = "formal", "正式党员"
    OTHER_PARTY = "other_party", "民主党派"


MEMBER_STATUSES = {PartyStatus.PROBATIONARY, PartyStatus.FORMAL}


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    DOCTOR = "doctor", "博士研究生"
    MASTER = "master", "硕士研究生"
    BACHELOR = "bachelor", "大学本科"
    COLLEGE = "college", "大学专科"
    SECONDARY = "secondary", "中专/高中"
    OTHER = "other", "其他"


class PersonQuerySet(AccessFactsQuerySet, ScopedQuerySet):
    def also_visible(self, user, action: str) -> Q | None:
        """A member always sees their own record. Only when the grants do not cover it already: an OR on
        every query would keep the scope range from using its index."""
        own = own_person(user) if action == "view" else None
        if own and role_at(user, own[1]) < self.model.access_roles["view"]:
            return Q(pk=own[0])
        return None

    def search(self, query: str):
        """Prefix search on the name (繁简-insensitive), full pinyin or initials, or an exact ID number."""
        kind, value = search_kind(query)
        if kind == "id_number":
            return self.filter(id_number_hash=crypto.blind_index(value, "id_number"))
        if kind is None:
            return self
        if connections[self.db].vendor == "postgresql":
            # LIKE 'prefix%' on a "C" column is the same index range, but PostgreSQL estimates it from the
            # histogram; for a bare range it guesses a few dozen rows, sorts every match of a common surname
            # instead of walking the name index in order, and a search for 王 takes 7 ms instead of 1.
            return self.filter(**{f"{kind}__startswith": value})
        low, high = prefix_range(value)  # SQLite: its LIKE ignores ASCII case and so cannot use the index
        return self.filter(**{f"{kind}__gte": low, f"{kind}__lt": high})


def search_kind(query: str) -> tuple[str | None, str]:
    """Which indexed column a search box entry matches, and its normalised value.

    Latin letters with a vowel are a pinyin prefix (leiji); consonants only are initials (ljm); an 18-character
    valid ID number is matched through its blind index; anything else is a name prefix (雷继, 雷繼).
    """
    query = (query or "").strip()
    if not query:
        return None, ""
    if id_number_error(query) is None:
        return "id_number", normalise_id_number(query)
    if query.isascii() and query.replace(" ", "").isalpha():
        letters = query.lower().replace(" ", "")
        return ("name_pinyin" if any(v in letters for v in "aeiouv") else "name_initials"), letters
    return "name_norm", normalise(query)


def party_age(status: str, confirmed_on: datetime.date | None, on: datetime.date | None = None) -> int | None:
    if status != PartyStatus.FORMAL or not confirmed_on:
        return None
    on = on or datetime.date.today()
    return max(on.year - confirmed_on.year - ((on.month, on.day) < (confirmed_on.month, confirmed_on.day)), 0)


class Person(models.Model):
    """Anyone the platform knows: members, applicants, and non-members who hold posts or attend.

    The person's scope is `home_org` (the organisation holding their current relationship, or the one
    that registered them); ID number and mobile are stored encrypted, with a blind index and a mask.
    党龄 is computed from `confirmed_on` (转正日期), never stored.
    """

    name = models.CharField("姓名", max_length=40)
    # Search keys, matched by prefix: compared byte-wise so a prefix is one index range on every engine.
    name_norm = BytewiseCharField(max_length=40, editable=False)
    name_pinyin = BytewiseCharField(max_length=120, editable=False)
    name_initials = BytewiseCharField(max_length=40, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    ethnicity = models.CharField("民族", max_length=20, blank=True)
    education = models.CharField("学历", max_length=12, choices=Education.choices, blank=True)
    party_status = models.CharField("政治面貌", max_length=12, choices=PartyStatus.choices, default=PartyStatus.MASSES)
    applied_on = models.DateField("申请入党日期", null=True, blank=True)
    joined_on = models.DateField("入党日期", null=True, blank=True, help_text="支部大会通过接收为预备党员之日")
    confirmed_on = models.DateField("转正日期", null=True, blank=True, help_text="党龄自转正之日起计算")
    probation_extended = models.BooleanField("预备期延长", default=False)
    institution = models.ForeignKey(
        "orgs.Institution",
        verbose_name="工作单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="staff",
        db_index=False,  # person_institution_status leads with it
    )
    department = models.CharField("科室/部门", max_length=60, blank=True)
    job_title = models.CharField("职称/岗位", max_length=60, blank=True)
    is_retired = models.BooleanField("离退休", default=False)
    is_dual_leader = models.BooleanField("双带头人（学科/业务带头人）", default=False)
    id_number_enc = models.TextField(blank=True, editable=False)
    # Unique through Meta.constraints: unique=True would add a LIKE index on PostgreSQL that no query uses.
    id_number_hash = models.CharField(max_length=64, null=True, blank=True, editable=False)
    id_number_mask = models.CharField("身份证号", max_length=18, blank=True, editable=False)
    phone_enc = models.TextField(blank=True, editable=False)
    phone_mask = models.CharField("手机号", max_length=11, blank=True, editable=False)
    home_org = models.ForeignKey(
        "orgs.PartyOrg", verbose_name="所属党组织", on_delete=models.PROTECT, related_name="people"
    )
    org_path = PathField(editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="person"
    )
    is_active = models.BooleanField("有效", default=True)
    died_on = models.DateField("去世日期", null=True, blank=True)
    note = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()
    access_roles = {
        "view": Role.SECRETARY,
        "change": Role.SECRETARY,
        "create": Role.SECRETARY,
        "view_pii": Role.UNIT_ADMIN,
        "history": Role.SECRETARY,
    }

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        indexes = [
            models.Index(fields=["org_path", "id"], name="person_scope"),
            models.Index(fields=["name_norm", "id"], name="person_name"),
            models.Index(fields=["name_pinyin", "id"], name="person_pinyin"),
            models.Index(fields=["name_initials", "id"], name="person_initials"),
            models.Index(fields=["party_status", "org_path", "id"], name="person_status_scope"),
            models.Index(fields=["institution", "party_status"], name="person_institution_status"),
            models.Index(fields=["party_status", "confirmed_on", "id"], name="person_status_confirmed"),
        ]
        constraints = [models.UniqueConstraint(fields=["id_number_hash"], name="person_id_number_hash_unique")]

    def __str__(self) -> str:
        return self.name

    # personal data -----------------------------------------------------------------
    def set_id_number(self, value: str) -> None:
        value = normalise_id_number(value)
        self.id_number_enc = crypto.encrypt(value)
        self.id_number_hash = crypto.blind_index(value, "id_number")
        self.id_number_mask = mask_id_number(value)

    def get_id_number(self) -> str:
        return crypto.decrypt(self.id_number_enc)

    def set_phone(self, value: str) -> None:
        value = normalise_phone(value)
        self.phone_enc = crypto.encrypt(value)
        self.phone_mask = mask_phone(value)

    def get_phone(self) -> str:
        return crypto.decrypt(self.phone_enc)

    # derived -----------------------------------------------------------------------
    @property
    def is_member(self) -> bool:
        return self.party_status in MEMBER_STATUSES

    def party_age(self, on: datetime.date | None = None) -> int | None:
        """党龄 in whole years, counted from 转正 (党章 §7); None for non-formal members."""
        return party_age(self.party_status, self.confirmed_on, on)

    def is_own_record_of(self, user) -> bool:
        return user.is_authenticated and self.user_id == user.pk

    def clean(self):
        errors = {}
        if self.party_status == PartyStatus.FORMAL and not self.confirmed_on:
            errors["confirmed_on"] = "正式党员必须填写转正日期"
        if self.party_status in MEMBER_STATUSES and not self.joined_on:
            errors["joined_on"] = "党员必须填写入党日期"
        if self.confirmed_on and self.joined_on and self.confirmed_on < self.joined_on:
            errors["confirmed_on"] = "转正日期不能早于入党日期"
        if self.confirmed_on and self.party_status not in (PartyStatus.FORMAL,):
            errors.setdefault("party_status", "填写了转正日期的人员应为正式党员")
        today = datetime.date.today()
        for field in ("joined_on", "confirmed_on", "applied_on", "birth_date"):
            value = getattr(self, field)
            if value and value > today:
                errors.setdefault(field, "日期不能晚于今天")
        if self.birth_date and self.joined_on:
            age = (
                self.joined_on.year
                - self.birth_date.year
                - ((self.joined_on.month, self.joined_on.day) < (self.birth_date.month, self.birth_date.day))
            )
            if age < 18:
                errors.setdefault("joined_on", "入党时应年满18周岁")
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        self.name_norm = normalise(self.name)
        self.name_pinyin, self.name_initials = pinyin_keys(self.name)
        self.org_path = self.home_org.path
        super().save(*args, **kwargs)


class Membership(models.Model):
    """Which organisation holds a person's party relationship, from when to when (transfers keep history)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="党组织",
        on_delete=models.PROTECT,
        related_name="memberships",
        db_index=False,  # membership_org_current leads with it
    )
    org_path = PathField(editable=False)
    start_on = models.DateField("转入/开始日期")
    end_on = models.DateField("转出/结束日期", null=True, blank=True)
    reason = models.CharField("原因", max_length=60, blank=True, help_text="如 发展入党、组织关系转入、转出")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY, "create": Role.SECRETARY}

    class Meta:
        verbose_name = "组织关系"
        verbose_name_plural = "组织关系"
        indexes = [
            models.Index(fields=["org_path", "id"], name="membership_scope"),
            models.Index(fields=["org", "end_on"], name="membership_org_current"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(end_on__isnull=True), name="one_open_membership_per_person"
            ),
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(end_on__gte=models.F("start_on")), name="membership_dates_ordered"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} @ {self.org}"

    def clean(self):
        if self.end_on and self.start_on and self.end_on < self.start_on:
            raise ValidationError({"end_on": "结束日期不能早于开始日期"})
        if (
            self.person_id
            and self.start_on
            and overlapping_memberships(self.person_id, self.start_on, self.end_on, exclude_pk=self.pk).exists()
        ):
            raise ValidationError("与该人员已有的组织关系时间重叠，请先结束原组织关系（转出）")

    def save(self, *args, **kwargs):
        self.org_path = self.org.path
        super().save(*args, **kwargs)


def overlapping_memberships(person_id: int, start: datetime.date, end: datetime.date | None, exclude_pk=None):
    qs = Membership.objects.filter(person_id=person_id).filter(Q(end_on__isnull=True) | Q(end_on__gt=start))
    if end:
        qs = qs.filter(start_on__lt=end)
    return qs.exclude(pk=exclude_pk) if exclude_pk else qs


class PositionKind(models.TextChoices):
    PARTY = "party", "党内职务"
    ADMIN = "admin", "行政职务"


PARTY_TITLES = ["书记", "副书记", "专职副书记", "组织委员", "宣传委员", "纪检委员", "委员", "兼职委员", "党小组组长"]
ADMIN_TITLES = [
    "院长",
    "执行院长",
    "总院长",
    "副院长",
    "党委办主任",
    "院办主任",
    "科主任",
    "负责人",
    "处长",
    "局长",
    "副局长",
    "镇长",
    "副镇长",
    "董事",
    "总经理",
    "副总经理",
    "干事",
]
COMMITTEE_TITLES = {"书记", "副书记", "专职副书记", "组织委员", "宣传委员", "纪检委员", "委员", "兼职委员"}


class PositionQuerySet(ScopedQuerySet):
    def current(self, on: datetime.date | None = None):
        on = on or datetime.date.today()
        return self.filter(Q(start_on__isnull=True) | Q(start_on__lte=on), Q(end_on__isnull=True) | Q(end_on__gte=on))


class Position(models.Model):
    """A post held by a person, party (书记, 委员 …) at an organisation or administrative (院长 …) at a unit.

    Posts have dates: 博爱's 院长 was 高建慧 in 2023 and 郭小玲 in 2024; both are true at their dates.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="positions")
    kind = models.CharField("类别", max_length=6, choices=PositionKind.choices, default=PositionKind.PARTY)
    title = models.CharField("职务", max_length=40)
    org = models.ForeignKey(
        "orgs.PartyOrg",
        verbose_name="党组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    institution = models.ForeignKey(
        "orgs.Institution",
        verbose_name="单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="positions",
    )
    org_path = PathField(editable=False)
    start_on = models.DateField("任职日期", null=True, blank=True)
    end_on = models.DateField("离任日期", null=True, blank=True)
    dates_approximate = models.BooleanField("日期为推定", default=False, help_text="日期依据报道等推定，非任免文件")
    note = models.CharField("备注", max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PositionQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY, "create": Role.SECRETARY}

    class Meta:
        verbose_name = "职务"
        verbose_name_plural = "职务"
        indexes = [
            models.Index(fields=["org_path", "id"], name="position_scope"),
            models.Index(fields=["org", "end_on"], name="position_org_current"),
            models.Index(fields=["institution", "end_on"], name="position_inst_current"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_on__isnull=True) | Q(start_on__isnull=True) | Q(end_on__gte=models.F("start_on")),
                name="position_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(org__isnull=False) | Q(institution__isnull=False), name="position_has_place"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.place_name}{self.title}"

    @property
    def place_name(self) -> str:
        place = self.org if self.kind == PositionKind.PARTY and self.org_id else (self.institution or self.org)
        return str(place) if place else ""

    @property
    def is_committee_post(self) -> bool:
        return self.kind == PositionKind.PARTY and self.title in COMMITTEE_TITLES

    def clean(self):
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = "离任日期不能早于任职日期"
        if self.kind == PositionKind.PARTY and not self.org_id:
            errors["org"] = "党内职务须选择党组织"
        if self.kind == PositionKind.ADMIN and not self.institution_id and not self.org_id:
            errors["institution"] = "行政职务须选择单位"
        if errors:
            raise ValidationError(errors)

    def save(self, *args, **kwargs):
        if self.org_id:
            self.org_path = self.org.path
        else:
            self.org_path = self.institution.org_path
        super().save(*args, **kwargs)
