"""两个覆盖: survey rounds over a sector's private institutions, one row per institution per round.

A round is opened from the previous one (or from the registry), so each row carries what the previous round
said about the same institution; the row's status (单独组建 / 联合组建 / 应建未建 …) and its change against the
previous round (新增 / 变化 / 停业 / 未变) are derived when it is saved and stored, so a round's rates and its
comparison are grouped counts over an index, whatever the size of the sector.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from core.access import PathField, Role, ScopedQuerySet


class RoundStatus(models.TextChoices):
    OPEN = "open", "填报中"
    CLOSED = "closed", "已结束"


class SurveyRound(models.Model):
    sector = models.ForeignKey("orgs.PartyOrg", verbose_name="行业党委", on_delete=models.PROTECT, related_name="+")
    org_path = PathField(editable=False)
    name = models.CharField("名称", max_length=120)
    started_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期", null=True, blank=True)
    previous = models.ForeignKey("self", verbose_name="上一轮", null=True, blank=True, on_delete=models.SET_NULL)
    status = models.CharField("状态", max_length=8, choices=RoundStatus.choices, default=RoundStatus.OPEN)
    # {"status": {value: n}, "change": {value: n}} over all rows, kept by every write (services.refresh_summary):
    # the sector's rates and comparison read it instead of counting the round's rows on every page view
    summary = models.JSONField(default=dict, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.UNIT_ADMIN, "change": Role.SECTOR_ADMIN, "create": Role.SECTOR_ADMIN}

    class Meta:
        verbose_name = "两个覆盖摸排"
        verbose_name_plural = "两个覆盖摸排"

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.org_path = self.sector.path
        super().save(*args, **kwargs)


class OrgForm(models.TextChoices):
    OWN = "own", "单独组建"
    JOINT = "joint", "联合组建"
    NONE = "none", "未建立"


class CoverageStatus(models.TextChoices):
    OWN = "own", "单独组建"
    JOINT = "joint", "联合组建"
    SHOULD_BUILD = "should_build", "应建未建"
    WORK_COVERED = "work_covered", "工作覆盖（党建指导员）"
    UNCOVERED = "uncovered", "未覆盖"
    CLOSED = "closed", "停业/注销"


class Change(models.TextChoices):
    NEW = "new", "新增"
    CHANGED = "changed", "有变化"
    CLOSED = "closed", "停业/注销"
    SAME = "same", "未变"


class SurveyRow(models.Model):
    round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="rows")
    institution = models.ForeignKey("orgs.Institution", verbose_name="单位", on_delete=models.PROTECT, related_name="+")
    org_path = PathField(editable=False)  # the institution's managing organisation: its admin fills the row
    operating = models.BooleanField("在营", default=True)
    # None until someone reports it: the registry knows party members, not a private clinic's staff
    staff_count = models.PositiveIntegerField("从业人员数", null=True, blank=True)
    formal_members = models.PositiveIntegerField("正式党员数", default=0)
    probationary_members = models.PositiveIntegerField("预备党员数", default=0)
    org_form = models.CharField("党组织情况", max_length=6, choices=OrgForm.choices, default=OrgForm.NONE)
    instructor = models.CharField("党建指导员/联络员", max_length=40, blank=True)
    has_union = models.BooleanField("已建工会", default=False)
    has_youth_league = models.BooleanField("已建共青团", default=False)
    status = models.CharField(max_length=14, choices=CoverageStatus.choices, editable=False)
    change = models.CharField(max_length=8, choices=Change.choices, editable=False, default=Change.NEW)
    previous = models.JSONField(default=dict, editable=False)  # the previous round's figures, {} if new
    note = models.CharField("备注", max_length=200, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")  # fmt: skip
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.UNIT_ADMIN, "change": Role.UNIT_ADMIN}

    class Meta:
        verbose_name = "摸排记录"
        verbose_name_plural = "摸排记录"
        constraints = [models.UniqueConstraint(fields=["round", "institution"], name="survey_row_once")]
        indexes = [
            models.Index(fields=["round", "status", "id"], name="survey_row_status"),
            models.Index(fields=["round", "change", "id"], name="survey_row_change"),
            models.Index(fields=["round", "org_path", "id"], name="survey_row_scope"),
        ]

    COMPARED = ("operating", "staff_count", "formal_members", "org_form", "instructor", "has_union",
                "has_youth_league")  # fmt: skip

    def clean(self):
        if self.staff_count is None:
            raise ValidationError({"staff_count": "请填写从业人员数。"})
        if self.formal_members + self.probationary_members > self.staff_count:
            raise ValidationError({"formal_members": f"党员人数（正式 {self.formal_members} + 预备 {self.probationary_members}）"
                                                     f"不能多于从业人员数（{self.staff_count}）。"})  # fmt: skip

    def figures(self) -> dict:
        return {field: getattr(self, field) for field in self.COMPARED}

    def derive(self, min_formal: int) -> None:
        """Status by the rules of DOMAIN.md §4 and the change against the previous round."""
        if not self.operating:
            self.status = CoverageStatus.CLOSED
        elif self.org_form == OrgForm.OWN:
            self.status = CoverageStatus.OWN
        elif self.org_form == OrgForm.JOINT:
            self.status = CoverageStatus.JOINT
        elif self.formal_members >= min_formal:
            self.status = CoverageStatus.SHOULD_BUILD
        elif self.instructor:
            self.status = CoverageStatus.WORK_COVERED
        else:
            self.status = CoverageStatus.UNCOVERED
        if not self.previous:
            self.change = Change.NEW
        elif self.previous.get("operating") and not self.operating:
            self.change = Change.CLOSED
        else:
            self.change = Change.SAME if self.figures() == self.previous else Change.CHANGED

    def save(self, *args, **kwargs):
        self.org_path = self.institution.org_path
        super().save(*args, **kwargs)
