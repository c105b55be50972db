"""发展党员 (RULES.md §D, R26–R28): one record per applicant through the stages, each step with its date, the
meeting that decided it and its documents. The person's 政治面貌, 入党日期 and 转正日期 follow from these dates;
`next_step` and `next_due` are kept with every step so that the lists of what is due this month read an index.
"""

from django.conf import settings
from django.db import models

from core.access import PathField, Role, ScopedQuerySet


class Stage(models.TextChoices):
    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    CANDIDATE = "candidate", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FORMAL = "formal", "正式党员"
    CANCELLED = "cancelled", "取消预备党员资格"
    STOPPED = "stopped", "停止培养"


OPEN_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.CANDIDATE, Stage.PROBATIONARY)


class Applicant(models.Model):
    person = models.OneToOneField(
        "people.Person", verbose_name="姓名", on_delete=models.PROTECT, related_name="development"
    )
    org = models.ForeignKey("orgs.PartyOrg", verbose_name="培养党支部", on_delete=models.PROTECT, related_name="+",
                            db_index=False)  # fmt: skip
    org_path = PathField()
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices, default=Stage.APPLICANT)
    # 入党申请人
    applied_on = models.DateField("递交入党申请书日期")
    talked_on = models.DateField("谈话日期", null=True, blank=True)
    # 入党积极分子
    activist_on = models.DateField("确定为入党积极分子日期", null=True, blank=True)
    activist_meeting = models.ForeignKey("activities.Activity", verbose_name="支委会", null=True, blank=True,
                                         on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    filed_on = models.DateField("报上级党委备案日期", null=True, blank=True)
    contacts = models.ManyToManyField("people.Person", verbose_name="培养联系人", blank=True, related_name="+")
    # 发展对象
    candidate_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    candidate_meeting = models.ForeignKey("activities.Activity", verbose_name="支委会", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    introducers = models.ManyToManyField("people.Person", verbose_name="入党介绍人", blank=True, related_name="+")
    political_review_on = models.DateField("政治审查完成日期", null=True, blank=True)
    training_hours = models.PositiveSmallIntegerField("集中培训学时", null=True, blank=True)
    training_done_on = models.DateField("培训结业日期", null=True, blank=True)
    pre_review_on = models.DateField("基层党委预审日期", null=True, blank=True)
    publicity_from = models.DateField("公示开始", null=True, blank=True)
    publicity_to = models.DateField("公示结束", null=True, blank=True)
    # 预备党员
    admitted_on = models.DateField("支部大会通过日期（入党日期）", null=True, blank=True)
    admission_meeting = models.ForeignKey("activities.Activity", verbose_name="支部党员大会", null=True, blank=True,
                                          on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    eligible_voters = models.PositiveSmallIntegerField("有表决权的应到会正式党员", null=True, blank=True)
    votes_for = models.PositiveSmallIntegerField("赞成", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("反对", null=True, blank=True)
    votes_abstain = models.PositiveSmallIntegerField("弃权", null=True, blank=True)
    approved_on = models.DateField("上级党委审批日期", null=True, blank=True)
    approval_note = models.CharField("审批说明", max_length=200, blank=True)
    # 转正、延长、取消
    extended_months = models.PositiveSmallIntegerField("延长预备期（月）", null=True, blank=True)
    extended_on = models.DateField("延长预备期决定日期", null=True, blank=True)
    confirmation_voted_on = models.DateField("支部大会讨论转正日期", null=True, blank=True)
    confirmation_meeting = models.ForeignKey("activities.Activity", verbose_name="支部党员大会", null=True, blank=True,
                                             on_delete=models.SET_NULL, related_name="+")  # fmt: skip
    confirmation_approved_on = models.DateField("转正审批日期", null=True, blank=True)
    closed_on = models.DateField("终止日期", null=True, blank=True)
    closed_reason = models.CharField("终止原因", max_length=200, blank=True)
    next_step = models.CharField("下一步", max_length=40, blank=True)
    next_due = models.DateField("下一步期限", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.SECRETARY, "create": Role.SECRETARY}

    class Meta:
        verbose_name = "发展党员"
        verbose_name_plural = "发展党员"
        indexes = [
            models.Index(fields=["org_path", "id"], name="applicant_scope"),
            models.Index(fields=["org_path", "stage", "id"], name="applicant_stage"),
            models.Index(fields=["next_due", "org_path"], name="applicant_due"),
        ]

    def __str__(self) -> str:
        return f"{self.person}（{self.get_stage_display()}）"


class Review(models.Model):
    """The branch's half-yearly review (考察) of an 入党积极分子."""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField("考察日期")
    note = models.CharField("考察意见", max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["reviewed_on", "id"]


class Document(models.Model):
    """A paper filed at a step: the application, 思想汇报, 政审材料, 入党志愿书, 转正申请 …"""

    applicant = models.ForeignKey(Applicant, on_delete=models.CASCADE, related_name="documents")
    stage = models.CharField("阶段", max_length=12, choices=Stage.choices)
    title = models.CharField("材料名称", max_length=80)
    file = models.FileField("文件", upload_to="development/%Y/")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["uploaded_at", "id"]


class Plan(models.Model):
    """A branch's 发展计划 for a year: how many new members (预备党员) it plans to admit, set by its 党委."""

    org = models.ForeignKey("orgs.PartyOrg", verbose_name="党支部", on_delete=models.CASCADE, related_name="+")
    org_path = PathField()
    year = models.PositiveSmallIntegerField("年度")
    quota = models.PositiveSmallIntegerField("计划发展人数")

    objects = ScopedQuerySet.as_manager()
    access_roles = {"view": Role.SECRETARY, "change": Role.UNIT_ADMIN}

    class Meta:
        constraints = [models.UniqueConstraint(fields=["org", "year"], name="plan_once_a_year")]
