import datetime

from django import forms
from django.urls import reverse

from core import crypto
from core.access import Role
from core.validators import birth_date_from_id, gender_from_id, id_number_error, normalise_id_number
from core.widgets import use_lookup
from orgs.forms import DATE, MonthField, OrgChoiceField, org_lookup, scoped_orgs
from orgs.labels import org_choices
from orgs.models import OrgKind, PartyOrg
from people.models import Gender, PartyStatus, Person

from .models import Kind, Reason


def destination_orgs():
    """Any active organisation that holds relationships may receive a member: another hospital's branch too."""
    return PartyOrg.objects.filter(is_active=True).exclude(kind=OrgKind.GROUP).only("id", "name", "depth", "path")


class StartForm(forms.Form):
    kind = forms.ChoiceField(
        label="转往", choices=[(Kind.INTERNAL, "本平台内的党组织"), (Kind.OUTGOING, "本平台以外（开具介绍信）")],
        widget=forms.RadioSelect, initial=Kind.INTERNAL,
    )  # fmt: skip
    to_org = forms.ModelChoiceField(
        queryset=destination_orgs(), label="转入党组织", required=False,
        error_messages={"invalid_choice": "该党组织不能接收组织关系：只能转入在用的党委、党总支或党支部（党小组不接收组织关系）"},
    )  # fmt: skip
    outside_org = forms.CharField(
        label="去往的党组织全称", max_length=120, required=False, help_text="转出至本平台以外时填写，印在介绍信上"
    )
    reason = forms.ChoiceField(label="转接原因", choices=Reason.choices)
    transfer_on = forms.DateField(label="转出日期", widget=DATE)
    dues_paid_until = MonthField(label="党费交至", required=False, help_text="如 2026-11；写在介绍信上")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_lookup(self.fields["to_org"], reverse("transfers:org-lookup"), org_choices)
        self.fields["transfer_on"].initial = datetime.date.today()

    def clean(self):
        data = super().clean()
        if data.get("kind") == Kind.INTERNAL and not data.get("to_org") and "to_org" not in self.errors:
            self.add_error("to_org", "请选择转入的党组织（输入名称、拼音或首字母查找）")
        if data.get("kind") == Kind.OUTGOING and not data.get("outside_org", "").strip():
            self.add_error("outside_org", "请填写去往的党组织全称（写在介绍信上）")
        return data


class AcceptForm(forms.Form):
    moved_on = forms.DateField(label="转入日期", widget=DATE)


class AnswerForm(forms.Form):
    answer = forms.CharField(label="原因", max_length=200)


class ReceiptForm(forms.Form):
    receipt_on = forms.DateField(label="回执日期", widget=DATE)


class IncomingForm(forms.Form):
    """A member arriving from outside the platform with a letter: who they are and where the relationship goes."""

    name = forms.CharField(label="姓名", max_length=40)
    id_number = forms.CharField(
        label="身份证号", max_length=18, required=False, help_text="已登记过的人员按身份证号找到原记录"
    )
    gender = forms.ChoiceField(label="性别", choices=[("", "—")] + Gender.choices, required=False)
    party_status = forms.ChoiceField(
        label="政治面貌", choices=[(PartyStatus.FORMAL, "正式党员"), (PartyStatus.PROBATIONARY, "预备党员")]
    )
    joined_on = forms.DateField(label="入党日期", widget=DATE)
    confirmed_on = forms.DateField(label="转正日期", widget=DATE, required=False)
    to_org = OrgChoiceField(queryset=None, label="转入党组织")
    outside_org = forms.CharField(label="原所在党组织", max_length=120)
    letter_number = forms.CharField(label="介绍信编号", max_length=40)
    transfer_on = forms.DateField(label="转入日期", widget=DATE)
    reason = forms.ChoiceField(label="转接原因", choices=Reason.choices)
    dues_paid_until = MonthField(label="党费交至", required=False, help_text="按介绍信填写，如 2026-11")
    note = forms.CharField(label="说明", max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].queryset = scoped_orgs(user, Role.SECRETARY).exclude(kind=OrgKind.GROUP)
        org_lookup(self.fields["to_org"], Role.SECRETARY)
        self.fields["transfer_on"].initial = datetime.date.today()

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if value and (error := id_number_error(value)):
            raise forms.ValidationError(error)
        return value

    def clean(self):
        data = super().clean()
        if data.get("transfer_on") and data["transfer_on"] > datetime.date.today():
            self.add_error("transfer_on", "转入日期不能晚于今天")
        if data.get("party_status") == PartyStatus.FORMAL and not data.get("confirmed_on"):
            self.add_error("confirmed_on", "正式党员须填写转正日期（党龄自转正之日起计算）")
        return data

    def person(self) -> Person:
        """The person the letter is for: the existing record with that ID number, or a new one. Validated."""
        data = self.cleaned_data
        person = None
        if data["id_number"]:
            person = Person.objects.filter(id_number_hash=crypto.blind_index(data["id_number"], "id_number")).first()
        if person is None:
            person = Person(name=data["name"])
            if data["id_number"]:
                person.set_id_number(data["id_number"])
                person.birth_date = birth_date_from_id(data["id_number"])
                person.gender = gender_from_id(data["id_number"])
        person.gender = data["gender"] or person.gender
        person.party_status, person.joined_on = data["party_status"], data["joined_on"]
        person.confirmed_on = data["confirmed_on"] if data["party_status"] == PartyStatus.FORMAL else None
        person.home_org = data["to_org"]
        person.is_active = True
        person.full_clean(exclude=["org_path", "name_norm", "name_pinyin", "name_initials"])
        return person
