import datetime

from django import forms

from activities.models import Activity
from core.access import Role
from core.validators import birth_date_from_id, gender_from_id, id_number_error, normalise_id_number
from orgs.forms import DATE, OrgChoiceField, org_lookup, scoped_orgs
from orgs.models import BRANCH_KINDS, OrgKind
from people.forms import person_field
from people.models import Gender

BRANCH_LIKE = [*BRANCH_KINDS, OrgKind.GENERAL_BRANCH]


def meeting_field(applicant, kind_code: str, label: str) -> forms.ModelChoiceField:
    """The branch's recent meetings of one kind (支委会, 支部党员大会): the record that decided the step."""
    queryset = Activity.objects.filter(org_path=applicant.org_path, kind__code=kind_code, is_cancelled=False)
    ids = list(queryset.order_by("-starts_at").values_list("id", flat=True)[:60])
    field = forms.ModelChoiceField(queryset=Activity.objects.filter(pk__in=ids).order_by("-starts_at"), label=label,
                                   required=False, help_text="该次会议的活动记录（先在“活动”中登记）")  # fmt: skip
    field.label_from_instance = lambda a: f"{a.starts_at:%Y-%m-%d} {a.title}"
    return field


class StartForm(forms.Form):
    person = forms.Field(required=False)  # replaced by a picker
    name = forms.CharField(label="姓名", max_length=40, required=False, help_text="未登记过的申请人填写姓名和身份证号")
    id_number = forms.CharField(label="身份证号", max_length=18, required=False)
    birth_date = forms.DateField(label="出生日期", widget=DATE, required=False, help_text="有身份证号可不填")
    gender = forms.ChoiceField(label="性别", choices=[("", "—")] + Gender.choices, required=False)
    org = OrgChoiceField(queryset=None, label="培养党支部")
    applied_on = forms.DateField(label="递交入党申请书日期", widget=DATE)
    talked_on = forms.DateField(label="谈话日期", widget=DATE, required=False, help_text="收到申请书后1个月内谈话")

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"] = person_field(user, "已登记的人员", required=False)
        self.fields["person"].help_text = "申请人已在“人员”中登记时选择，否则留空并填写下面的姓名"
        self.fields["org"].queryset = scoped_orgs(user, Role.SECRETARY).filter(kind__in=BRANCH_LIKE)
        org_lookup(self.fields["org"], Role.SECRETARY, kinds=BRANCH_LIKE)

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if value and (error := id_number_error(value)):
            raise forms.ValidationError(error)
        return value

    def clean(self):
        data = super().clean()
        if not data.get("person") and not data.get("name", "").strip():
            self.add_error("name", "请选择已登记的人员，或填写申请人姓名")
        if data.get("id_number") and not data.get("birth_date"):
            data["birth_date"] = birth_date_from_id(data["id_number"])
            data["gender"] = data.get("gender") or gender_from_id(data["id_number"])
        return data


class TalkForm(forms.Form):
    talked_on = forms.DateField(label="谈话日期", widget=DATE)


class ActivistForm(forms.Form):
    activist_on = forms.DateField(label="支委会确定日期", widget=DATE)
    filed_on = forms.DateField(label="报上级党委备案日期", widget=DATE, required=False)

    def __init__(self, *args, user, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = meeting_field(applicant, "branch_committee", "支委会")
        self.fields["contact_1"] = person_field(user, "培养联系人", required=True)
        self.fields["contact_2"] = person_field(user, "培养联系人（第二名，可不填）")


class ReviewForm(forms.Form):
    reviewed_on = forms.DateField(label="考察日期", widget=DATE)
    note = forms.CharField(label="考察意见", max_length=300)


class CandidateForm(forms.Form):
    candidate_on = forms.DateField(label="支委会确定日期", widget=DATE)
    filed_on = forms.DateField(
        label="积极分子备案日期", widget=DATE, required=False, help_text="确定积极分子时已填写的可不填"
    )

    def __init__(self, *args, user, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = meeting_field(applicant, "branch_committee", "支委会")


class AdmitForm(forms.Form):
    political_review_on = forms.DateField(label="政治审查完成日期", widget=DATE)
    training_hours = forms.IntegerField(label="集中培训学时", min_value=0, max_value=500)
    training_done_on = forms.DateField(label="培训结业日期", widget=DATE)
    pre_review_on = forms.DateField(label="基层党委预审日期", widget=DATE)
    publicity_from = forms.DateField(label="公示开始", widget=DATE)
    publicity_to = forms.DateField(label="公示结束", widget=DATE)
    admitted_on = forms.DateField(label="支部党员大会日期", widget=DATE)
    eligible_voters = forms.IntegerField(label="有表决权的应到会正式党员（人）", min_value=1, max_value=1000)
    votes_for = forms.IntegerField(label="赞成", min_value=0, max_value=1000)
    votes_against = forms.IntegerField(label="反对", min_value=0, max_value=1000, initial=0)
    votes_abstain = forms.IntegerField(label="弃权", min_value=0, max_value=1000, initial=0)

    def __init__(self, *args, user, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["introducer_1"] = person_field(user, "入党介绍人", required=True)
        self.fields["introducer_2"] = person_field(user, "入党介绍人", required=True)
        self.fields["meeting"] = meeting_field(applicant, "branch_congress", "支部党员大会")


class ApproveForm(forms.Form):
    approved_on = forms.DateField(label="上级党委审批日期", widget=DATE)
    approval_note = forms.CharField(label="说明", max_length=200, required=False,
                                    help_text="接收预备党员超过3个月审批的，须写明特殊情况")  # fmt: skip


class ConfirmForm(forms.Form):
    confirmation_voted_on = forms.DateField(label="支部党员大会讨论转正日期", widget=DATE)

    def __init__(self, *args, user, applicant, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"] = meeting_field(applicant, "branch_congress", "支部党员大会")


class ExtendForm(forms.Form):
    extended_on = forms.DateField(label="支部大会决定日期", widget=DATE)
    extended_months = forms.IntegerField(label="延长（月）", min_value=1, max_value=24, initial=6)


class CloseForm(forms.Form):
    closed_on = forms.DateField(label="日期", widget=DATE)
    closed_reason = forms.CharField(label="原因", max_length=200)


class DocumentForm(forms.Form):
    title = forms.CharField(
        label="材料名称", max_length=80, help_text="如 入党申请书、思想汇报、政审材料、入党志愿书、转正申请"
    )
    file = forms.FileField(label="文件")


class PlanRowForm(forms.Form):
    quota = forms.IntegerField(label="计划发展人数", min_value=0, max_value=500, required=False)


def today() -> datetime.date:
    return datetime.date.today()
