from django import forms
from django.conf import settings
from django.urls import reverse

from core.access import Role
from core.widgets import use_lookup
from orgs.forms import DATE, OrgChoiceField, org_lookup, scoped_orgs
from orgs.labels import org_choices
from orgs.models import OrgKind, PartyOrg

from .models import Commitment, Need, Pairing, PairingCategory, Project, Resource

PARTNER_SLOTS = 6
AGREEMENT_TYPES = (".pdf", ".docx", ".doc", ".jpg", ".jpeg", ".png")
# PDF, zip (docx), OLE (doc), JPEG, PNG
AGREEMENT_MAGIC = (b"%PDF", b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"\xff\xd8\xff", b"\x89PNG")


def partner_orgs():
    """Any active party organisation may be a partner (a school, a town 党委, another hospital …)."""
    return PartyOrg.objects.filter(is_active=True).exclude(kind=OrgKind.GROUP).only("id", "name", "depth", "path")


def partner_field(label: str, required: bool = False) -> forms.ModelChoiceField:
    queryset = partner_orgs()
    field = forms.ModelChoiceField(queryset=queryset, label=label, required=required)
    use_lookup(field, reverse("pairings:partner-lookup"), org_choices)
    return field


class PairingForm(forms.ModelForm):
    class Meta:
        model = Pairing
        fields = ["title", "category", "mode", "lead_org", "signed_on", "plaque_on", "starts_on", "ends_on", "plan",
                  "outcomes", "agreement", "renewal_of"]  # fmt: skip
        widgets = {
            "signed_on": DATE,
            "plaque_on": DATE,
            "starts_on": DATE,
            "ends_on": DATE,
            "plan": forms.Textarea(attrs={"rows": 4}),
            "outcomes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = PairingCategory.objects.filter(is_active=True)
        self.fields["renewal_of"].queryset = Pairing.objects.visible_to(user, "change")
        self.fields["renewal_of"].widget = forms.HiddenInput()
        self.fields["lead_org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="牵头党组织")
        org_lookup(self.fields["lead_org"], Role.UNIT_ADMIN)
        if self.instance.pk:
            self.fields.pop("lead_org")  # the lead side is fixed once proposed
        else:
            for i in range(PARTNER_SLOTS):
                self.fields[f"partner_{i}"] = partner_field(f"共建单位党组织 {i + 1}", required=i == 0)
            self.fields["partner_0"].help_text = "可选择管理范围外的党组织：对方单位管理员确认后生效"

    def clean_agreement(self):
        upload = self.cleaned_data.get("agreement")
        if upload and hasattr(upload, "content_type"):  # a new upload, not the stored file
            name = upload.name.lower()
            if not name.endswith(AGREEMENT_TYPES):
                raise forms.ValidationError("共建协议应为 PDF、Word 或图片文件")
            if upload.size > settings.PHOTO_MAX_BYTES:
                raise forms.ValidationError(f"文件超过 {settings.PHOTO_MAX_BYTES // 1024 // 1024} MB")
            head = upload.read(8)
            upload.seek(0)
            if not head.startswith(AGREEMENT_MAGIC):
                raise forms.ValidationError("文件内容与扩展名不符（不是 PDF、Word 或图片）")
        return upload

    def partners(self) -> list[PartyOrg]:
        found = [self.cleaned_data.get(f"partner_{i}") for i in range(PARTNER_SLOTS)]
        return list({o.pk: o for o in found if o}.values())

    def clean(self):
        data = super().clean()
        if not self.instance.pk and data.get("mode") == "1+1" and len(self.partners()) > 1:
            self.add_error("mode", "“1+1”共建只能有一个共建单位；多个单位请选择“1+N”")
        return data


class PartnerForm(forms.Form):
    org = forms.ModelChoiceField(queryset=None, label="共建单位党组织")
    joined_on = forms.DateField(label="加入日期", widget=DATE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = partner_field("共建单位党组织", required=True)


class LeaveForm(forms.Form):
    left_on = forms.DateField(label="退出日期", widget=DATE)


class CommitmentForm(forms.ModelForm):
    class Meta:
        model = Commitment
        fields = ["heading", "content", "owner", "target", "due_on", "progress", "status"]
        widgets = {"due_on": DATE, "progress": forms.NumberInput(attrs={"min": 0, "max": 100})}

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        from activities.models import LinkHeading

        self.fields["heading"].queryset = LinkHeading.objects.filter(is_active=True)
        self.fields["owner"].queryset = pairing.members.filter(left_on__isnull=True).select_related("org")
        self.fields["owner"].label_from_instance = lambda m: m.org.name

    def clean_progress(self):
        value = self.cleaned_data["progress"]
        if value is not None and not 0 <= value <= 100:
            raise forms.ValidationError("进度应在0到100之间")
        return value


class PlanRowForm(forms.Form):
    """One 五联 heading's commitment on the plan form; a row left without content adds nothing."""

    heading = forms.IntegerField(widget=forms.HiddenInput)
    content = forms.CharField(label="承诺内容", max_length=200, required=False)
    owner = forms.ModelChoiceField(queryset=None, label="责任方", required=False)
    target = forms.CharField(label="目标", max_length=120, required=False)
    due_on = forms.DateField(label="完成期限", required=False, widget=DATE)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["owner"].label_from_instance = lambda m: m.org.name


class BasePlanFormSet(forms.BaseFormSet):
    def __init__(self, *args, pairing, **kwargs):
        self.owners = pairing.members.filter(left_on__isnull=True).select_related("org")
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "owners": self.owners}

    def clean(self):
        if not any(form.cleaned_data.get("content") for form in self.forms if hasattr(form, "cleaned_data")):
            raise forms.ValidationError("请至少填写一项承诺内容。")


PlanFormSet = forms.formset_factory(PlanRowForm, formset=BasePlanFormSet, extra=0)


class ListItemForm(forms.ModelForm):
    """A need or a resource, entered for a side the user administers."""

    def __init__(self, *args, pairing, sides, **kwargs):
        super().__init__(*args, **kwargs)
        from activities.models import LinkHeading

        self.fields["member"].queryset = pairing.members.filter(pk__in=[m.pk for m in sides])
        self.fields["member"].label_from_instance = lambda m: m.org.name
        self.fields["heading"].queryset = LinkHeading.objects.filter(is_active=True)


class NeedForm(ListItemForm):
    class Meta:
        model = Need
        fields = ["member", "heading", "title", "detail", "status"]


class ResourceForm(ListItemForm):
    class Meta:
        model = Resource
        fields = ["member", "heading", "title", "detail", "capacity"]


class ProjectForm(forms.ModelForm):
    class Meta:
        model = Project
        fields = ["need", "resource", "title", "owners", "starts_on", "due_on", "progress", "status"]
        widgets = {"starts_on": DATE, "due_on": DATE, "progress": forms.NumberInput(attrs={"min": 0, "max": 100})}

    def __init__(self, *args, pairing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["need"].queryset = Need.objects.filter(pairing=pairing).select_related("member__org")
        self.fields["resource"].queryset = Resource.objects.filter(pairing=pairing).select_related("member__org")
        self.fields["need"].label_from_instance = lambda n: f"{n.member.org.name}：{n.title}"
        self.fields["resource"].label_from_instance = lambda r: f"{r.member.org.name}：{r.title}"
