from django import forms

from core.access import Role
from orgs.forms import DATE, OrgChoiceField, org_lookup, scoped_orgs
from people.forms import person_field

from .models import AssessmentScheme, Honour, HonourKind, NominationBatch


class HonourForm(forms.ModelForm):
    class Meta:
        model = Honour
        fields = ["kind", "person", "org", "post_name", "issuer", "level", "year", "awarded_on", "note"]
        widgets = {"awarded_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = HonourKind.objects.filter(is_active=True)
        self.fields["person"] = person_field(user, "获得者（个人）")
        self.fields["org"] = OrgChoiceField(
            queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="获得党组织", required=False
        )
        org_lookup(self.fields["org"], Role.UNIT_ADMIN)


class BatchForm(forms.ModelForm):
    class Meta:
        model = NominationBatch
        fields = ["kind", "title", "issuer_org", "issuer", "level", "year", "quota", "deadline"]
        widgets = {"deadline": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].queryset = HonourKind.objects.filter(is_active=True)
        self.fields["issuer_org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="评选组织")
        org_lookup(self.fields["issuer_org"], Role.UNIT_ADMIN)


class NominationForm(forms.Form):
    nominating_org = OrgChoiceField(queryset=None, label="推荐党组织")
    person = forms.ModelChoiceField(queryset=None, required=False)
    org = OrgChoiceField(queryset=None, label="推荐的党组织", required=False)
    post_name = forms.CharField(label="岗位/科室", max_length=80, required=False)
    reason = forms.CharField(label="推荐理由", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominating_org"].queryset = scoped_orgs(user, Role.SECRETARY)
        org_lookup(self.fields["nominating_org"], Role.SECRETARY)
        self.fields["person"] = person_field(user, "推荐人员")
        self.fields["org"].queryset = scoped_orgs(user, Role.SECRETARY)
        org_lookup(self.fields["org"], Role.SECRETARY)


class SchemeForm(forms.ModelForm):
    class Meta:
        model = AssessmentScheme
        fields = ["name", "year", "issuer_org", "bands", "satisfaction_weight", "target_distribution"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_org"] = OrgChoiceField(
            queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="组织评定的党组织"
        )
        org_lookup(self.fields["issuer_org"], Role.UNIT_ADMIN)
        if not self.instance.pk and not self.initial.get("bands"):
            self.initial["bands"] = [[90, 5], [80, 4], [70, 3], [60, 2], [0, 1]]
