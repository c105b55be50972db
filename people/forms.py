import datetime

from django import forms
from django.urls import reverse

from core import crypto
from core.access import Role
from core.validators import (
    birth_date_from_id,
    gender_from_id,
    id_number_error,
    normalise_id_number,
    normalise_phone,
    validate_mobile,
)
from core.widgets import use_lookup
from orgs.forms import DATE, OrgChoiceField, institution_lookup, org_lookup, scoped_institutions, scoped_orgs

from .models import ADMIN_TITLES, MEMBER_STATUSES, PARTY_TITLES, Membership, Person, Position, PositionKind


def person_choices(people) -> list[tuple[int, str, str]]:
    """(id, name, organisation) per person: the picker's labels, so that two 王芳 differ."""
    people = list(people)
    orgs = dict(Person.objects.filter(pk__in=[p.pk for p in people]).values_list("pk", "home_org__name"))
    return [(p.pk, p.name, orgs.get(p.pk) or "") for p in people]


def person_field(user, label="人员", required=False, action="view") -> forms.ModelChoiceField:
    """A picker over the active people the user may `action` (view, or change for linking an account)."""
    queryset = Person.objects.visible_to(user, action).filter(is_active=True).only("id", "name")
    field = forms.ModelChoiceField(queryset=queryset, label=label, required=required)
    use_lookup(field, reverse("people:lookup") + ("?action=change" if action == "change" else ""), person_choices)
    field.initial = None  # never a person preselected because the scope holds one
    return field


class PersonForm(forms.ModelForm):
    id_number = forms.CharField(label="身份证号", required=False, max_length=18, help_text="加密保存，列表中脱敏显示")
    phone = forms.CharField(label="手机号", required=False, max_length=20, help_text="加密保存，列表中脱敏显示")
    membership_start = forms.DateField(
        label="组织关系转入日期", required=False, widget=DATE, help_text="新登记党员：留空则取入党日期"
    )

    class Meta:
        model = Person
        fields = [
            "name",
            "gender",
            "birth_date",
            "ethnicity",
            "education",
            "party_status",
            "applied_on",
            "joined_on",
            "confirmed_on",
            "probation_extended",
            "home_org",
            "institution",
            "department",
            "job_title",
            "is_retired",
            "is_dual_leader",
            "died_on",
            "note",
        ]
        widgets = dict.fromkeys(("birth_date", "applied_on", "joined_on", "confirmed_on", "died_on"), DATE)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["home_org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.SECRETARY), label="所属党组织")
        self.fields["institution"].queryset = scoped_institutions(user)
        self.fields["note"].widget.attrs["rows"] = 3
        org_lookup(self.fields["home_org"], Role.SECRETARY)
        institution_lookup(self.fields["institution"])
        if self.instance.pk:
            self.fields.pop("membership_start")
            if self.instance.memberships.filter(end_on__isnull=True).exists():
                self.fields["home_org"].disabled = True
                self.fields["home_org"].help_text = "党员组织关系变动请在人员页面办理“组织关系转接”"

    def clean_id_number(self):
        value = normalise_id_number(self.cleaned_data.get("id_number", ""))
        if not value:
            return ""
        error = id_number_error(value)
        if error:
            raise forms.ValidationError(error)
        duplicate = Person.objects.filter(id_number_hash=crypto.blind_index(value, "id_number"))
        if self.instance.pk:
            duplicate = duplicate.exclude(pk=self.instance.pk)
        if duplicate.exists():
            raise forms.ValidationError("该身份证号已在系统中登记，请勿重复登记（可联系上级管理员查询）")
        return value

    def clean_phone(self):
        value = normalise_phone(self.cleaned_data.get("phone", ""))
        if value:
            validate_mobile(value)
        return value

    def clean(self):
        data = super().clean()
        id_number = data.get("id_number")
        if id_number:
            birth = birth_date_from_id(id_number)
            if data.get("birth_date") and data["birth_date"] != birth:
                self.add_error("birth_date", f"出生日期与身份证号不一致（身份证为 {birth:%Y-%m-%d}）")
            data["birth_date"] = data.get("birth_date") or birth
            self.instance.birth_date = data["birth_date"]
            if not data.get("gender"):
                data["gender"] = self.instance.gender = gender_from_id(id_number)
        return data

    def save(self, commit=True):
        person = super().save(commit=False)
        if self.cleaned_data.get("id_number"):
            person.set_id_number(self.cleaned_data["id_number"])
        if self.cleaned_data.get("phone"):
            person.set_phone(self.cleaned_data["phone"])
        if commit:
            person.save()
        return person

    def opening_membership(self, person: Person) -> Membership | None:
        """The first organisational relationship of a newly registered member."""
        if person.party_status not in MEMBER_STATUSES:
            return None
        start = self.cleaned_data.get("membership_start") or person.joined_on or datetime.date.today()
        return Membership(person=person, org=person.home_org, start_on=start, reason="登记")


class EndMembershipForm(forms.Form):
    date = forms.DateField(label="转出日期", widget=DATE)
    reason = forms.CharField(
        label="原因", max_length=60, help_text="如 去世、出党、停止党籍；转往其他党组织请用“组织关系转接”"
    )


class PositionForm(forms.ModelForm):
    class Meta:
        model = Position
        fields = ["kind", "title", "org", "institution", "start_on", "end_on", "dates_approximate", "note"]
        widgets = {"start_on": DATE, "end_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.SECRETARY), label="党组织", required=False)
        self.fields["institution"].queryset = scoped_institutions(user)
        self.fields["title"].widget.attrs["list"] = "title-options"
        org_lookup(self.fields["org"], Role.SECRETARY)
        institution_lookup(self.fields["institution"])
        self.title_options = PARTY_TITLES + ADMIN_TITLES

    def clean(self):
        data = super().clean()
        if data.get("kind") == PositionKind.ADMIN and not data.get("institution") and data.get("org"):
            data["institution"] = data["org"].institution
        return data
