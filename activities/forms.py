import datetime

from django import forms
from django.forms import inlineformset_factory
from django.urls import reverse
from django.utils import timezone

from core.access import Role
from core.widgets import use_lookup_when_large
from orgs.forms import OrgChoiceField, org_lookup, scoped_orgs, sole_scope_root
from pairings import services as pairing_members
from pairings.models import Pairing, Status
from people.models import Person

from .models import (
    Activity,
    ActivityKind,
    AttendanceStatus,
    Grade,
    GuestGroup,
    LinkHeading,
    Outcome,
    Speaker,
)

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def find_person(user, name: str) -> Person | None:
    """The one person of this name the user can see; a clear error when there are none or several."""
    name = (name or "").strip()
    if not name:
        return None
    matches = list(Person.objects.visible_to(user).filter(name=name, is_active=True)[:2])
    if not matches:
        raise forms.ValidationError(f"在您的管理范围内找不到“{name}”，请先登记该人员，或作为外单位嘉宾填写在发言人中")
    if len(matches) > 1:
        raise forms.ValidationError(f"“{name}”有重名，请在人员页面核对后修改其中一人的姓名备注")
    return matches[0]


CO_ORG_SLOTS = 4  # one search box each: a <select multiple> of 10k organisations is unusable


class ActivityForm(forms.ModelForm):
    host_name = forms.CharField(label="主持人", required=False, max_length=40, help_text="本单位人员姓名")
    recorder_name = forms.CharField(label="记录人", required=False, max_length=40)

    class Meta:
        model = Activity
        fields = [
            "kind",
            "title",
            "lead_org",
            "starts_at",
            "ends_at",
            "place",
            "headcount",
            "pairing",
            "links",
            "summary",
            "agenda",
            "minutes",
            "decisions",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "links": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 3}),
            "agenda": forms.Textarea(attrs={"rows": 3}),
            "minutes": forms.Textarea(attrs={"rows": 8}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        orgs = scoped_orgs(user, Role.SECRETARY)
        self.fields["lead_org"] = OrgChoiceField(queryset=orgs, label="主办党组织")
        if not self.instance.pk and "lead_org" not in self.initial:
            root = sole_scope_root(user, Role.SECRETARY)
            self.initial["lead_org"] = root.pk if root else None
        org_lookup(self.fields["lead_org"], Role.SECRETARY)
        current = (
            list(self.instance.organisers.filter(is_lead=False).values_list("org_id", flat=True))
            if self.instance.pk
            else []
        )
        for i in range(CO_ORG_SLOTS):
            field = OrgChoiceField(queryset=orgs, label=f"联合主办 {i + 1}", required=False)
            if i == 0:
                field.help_text = "联合开展的活动计入每个主办组织"
            org_lookup(field, Role.SECRETARY)
            self.fields[f"co_org_{i}"] = field
            if i < len(current):
                self.initial.setdefault(f"co_org_{i}", current[i])
        co = [f"co_org_{i}" for i in range(CO_ORG_SLOTS)]
        self.order_fields([*self.Meta.fields[:3], *co, *self.Meta.fields[3:6], "host_name", "recorder_name"])
        self.fields["kind"].queryset = ActivityKind.objects.filter(is_active=True)
        self.fields["pairing"].queryset = Pairing.objects.visible_to(user).filter(status=Status.ACTIVE).order_by("-id")
        use_lookup_when_large(self.fields["pairing"], reverse("pairings:lookup"))
        self.fields["links"].queryset = LinkHeading.objects.filter(is_active=True)
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d"]
        if self.instance.pk:
            self.fields["host_name"].initial = self.instance.host.name if self.instance.host else ""
            self.fields["recorder_name"].initial = self.instance.recorder.name if self.instance.recorder else ""

    def clean_host_name(self):
        return find_person(self.user, self.cleaned_data["host_name"])

    def clean_recorder_name(self):
        return find_person(self.user, self.cleaned_data["recorder_name"])

    def clean(self):
        data = super().clean()
        start, end = data.get("starts_at"), data.get("ends_at")
        if start and end and end < start:
            self.add_error("ends_at", "结束时间不能早于开始时间")
        if start and start.year < 1921:
            self.add_error("starts_at", "日期有误")
        lead = data.get("lead_org")
        co = [data[f"co_org_{i}"] for i in range(CO_ORG_SLOTS) if data.get(f"co_org_{i}")]
        pairing = data.get("pairing")
        if pairing and lead and start:
            sides = pairing_members.member_orgs(pairing, timezone.localtime(start).date())
            if not any(lead.path.startswith(org.path) for org in sides):
                self.add_error("lead_org", f"主办党组织不是“{pairing.title}”在活动当日的共建成员（或其下级组织）")
            co += sides  # a joint activity of a pairing counts for every side
        data["co_orgs"] = list({o.pk: o for o in co if o != lead}.values())
        return data

    def save(self, commit=True):
        self.instance.host = self.cleaned_data.get("host_name")
        self.instance.recorder = self.cleaned_data.get("recorder_name")
        return super().save(commit)


class SpeakerForm(forms.ModelForm):
    class Meta:
        model = Speaker
        fields = ["name", "role", "post", "topic", "sort_order"]
        widgets = {"sort_order": forms.HiddenInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort_order"].required = False

    def has_changed(self):
        """A row's position alone (set as rows are moved) does not make an empty row a speaker."""
        return any(name != "sort_order" for name in self.changed_data)

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


SpeakerFormSet = inlineformset_factory(Activity, Speaker, form=SpeakerForm, extra=1, can_delete=True)
GuestFormSet = inlineformset_factory(
    Activity, GuestGroup, fields=["unit_name", "count", "note"], extra=1, can_delete=True
)
OutcomeFormSet = inlineformset_factory(Activity, Outcome, fields=["label", "value", "unit"], extra=1, can_delete=True)


STATUS_CHOICES = [(s, label) for s, label in AttendanceStatus.choices]


class YearForm(forms.Form):
    year = forms.IntegerField(min_value=1921, max_value=2100)

    @classmethod
    def current_year(cls) -> int:
        return datetime.date.today().year


GRADE_CHOICES = [("", "—"), *Grade.choices]
