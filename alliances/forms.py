from django import forms
from django.urls import reverse

from core.validators import id_number_error
from core.widgets import use_lookup
from orgs.forms import DATE, institution_lookup, scoped_institutions
from orgs.labels import institution_choices
from orgs.models import Institution

from .models import Alliance, Referral

MEMBER_SLOTS = 6


def any_institution_field(label: str, required: bool = False) -> forms.ModelChoiceField:
    """An alliance may take in units of any scope (a town hospital, another county's centre): names only."""
    queryset = Institution.objects.filter(is_active=True).only("id", "name", "region_code")
    field = forms.ModelChoiceField(queryset=queryset, label=label, required=required)
    use_lookup(field, reverse("alliances:institution-lookup"), institution_choices)
    return field


class AllianceForm(forms.ModelForm):
    class Meta:
        model = Alliance
        fields = ["name", "kind", "lead", "signed_on", "starts_on", "ends_on", "specialty", "note"]
        widgets = {"signed_on": DATE, "starts_on": DATE, "ends_on": DATE, "note": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead"].queryset = scoped_institutions(user)
        institution_lookup(self.fields["lead"])
        if not self.instance.pk:
            for i in range(MEMBER_SLOTS):
                self.fields[f"member_{i}"] = any_institution_field(f"成员单位 {i + 1}", required=i == 0)
            self.fields["member_0"].help_text = "托管：填写受托管单位"

    def members(self) -> list[Institution]:
        found = [self.cleaned_data.get(f"member_{i}") for i in range(MEMBER_SLOTS)]
        lead = self.cleaned_data.get("lead")
        return list({i.pk: i for i in found if i and i != lead}.values())


class ReferralForm(forms.ModelForm):
    patient_id = forms.CharField(label="患者身份证号", max_length=18, required=False, help_text="加密保存，脱敏显示")

    class Meta:
        model = Referral
        fields = ["alliance", "pairing", "direction", "from_institution", "to_institution", "patient_name", "reason"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from pairings.models import Pairing, Status

        self.fields["alliance"].queryset = Alliance.objects.visible_to(user).order_by("name")
        self.fields["pairing"].queryset = Pairing.objects.visible_to(user).filter(status=Status.ACTIVE)
        self.fields["from_institution"].queryset = scoped_institutions(user)
        institution_lookup(self.fields["from_institution"])
        self.fields["to_institution"] = any_institution_field("接收单位", required=True)

    def clean_patient_id(self):
        value = self.cleaned_data["patient_id"]
        if value and (error := id_number_error(value)):
            raise forms.ValidationError(error)
        return value

    def clean(self):
        data = super().clean()
        if not data.get("alliance") and not data.get("pairing"):
            raise forms.ValidationError("请选择转诊所属的医联体或共建关系")
        if data.get("alliance") and data.get("pairing"):
            raise forms.ValidationError("医联体和共建关系只能选择一个")
        return data


class AllianceMemberForm(forms.Form):
    institution = forms.ModelChoiceField(queryset=None, label="成员单位")
    role = forms.ChoiceField(label="角色", choices=[("member", "成员单位"), ("entrusted", "受托管单位")])
    joined_on = forms.DateField(label="加入日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["institution"] = any_institution_field("成员单位", required=True)


class MemberLeaveForm(forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DATE)
