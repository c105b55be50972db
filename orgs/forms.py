from django import forms
from django.urls import reverse

from core.access import Role, grants_of, minimal_paths, role_at, scope_q
from core.widgets import use_lookup

from .labels import chosen_org_choices, institution_choices
from .models import Institution, OrgKind, PartyOrg
from .rules import DEFAULTS, LABELS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MONTH = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class MonthField(forms.DateField):
    """A month typed or picked as 2026-11 (also 2026年11月), stored as its first day."""

    widget = MONTH
    input_formats = ["%Y-%m", "%Y年%m月", "%Y/%m", "%Y-%m-%d"]

    def to_python(self, value):
        day = super().to_python(value.strip() if isinstance(value, str) else value)
        return day.replace(day=1) if day else day


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name


def org_lookup(field: forms.ModelChoiceField, min_role: int, kinds=()) -> None:
    """A picker over the organisations of `field`'s queryset: `kinds` must repeat any kind filter it has."""
    query = f"?role={int(min_role)}" + (f"&kind={','.join(kinds)}" if kinds else "")
    use_lookup(field, reverse("orgs:lookup") + query, chosen_org_choices)


def institution_lookup(field: forms.ModelChoiceField) -> None:
    use_lookup(field, reverse("orgs:institution-lookup"), institution_choices)


def scoped_orgs(user, min_role: int):
    """Active organisations under the user's grants of at least `min_role` (the choices of a form field)."""
    qs = (
        PartyOrg.objects.filter(is_active=True)
        .order_by("path")
        .only("id", "name", "depth", "path", "subtree_member_count")
    )
    q = scope_q(user, min_role, "path")
    return qs if q is None else qs.filter(q)


def sole_scope_root(user, min_role: int):
    """The organisation at the top of the user's scope when it has exactly one top (a secretary's branch)."""
    paths = minimal_paths([p for p, role in grants_of(user) if role >= min_role])
    if user.is_superuser or len(paths) != 1:
        return None
    return PartyOrg.objects.filter(path=paths[0], is_active=True).only("id").first()


class OrgFilterForm(forms.Form):
    """A list's 党组织 filter as a picker (a name, pinyin or initials; never an id typed by hand)."""

    def __init__(self, *args, user, min_role: int = Role.SECRETARY, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(queryset=scoped_orgs(user, min_role), label="党组织", required=False)
        org_lookup(self.fields["org"], min_role)


def scoped_institutions(user):
    return (
        Institution.objects.visible_to(user, "view")
        .filter(is_active=True)
        .order_by("name")
        .only("id", "name", "region_code")
    )


class PartyOrgForm(forms.ModelForm):
    class Meta:
        model = PartyOrg
        fields = [
            "name",
            "kind",
            "is_functional",
            "parent",
            "institution",
            "joint_institutions",
            "established_on",
            "term_started_on",
            "term_years",
            "size_approved",
        ]
        widgets = {"established_on": DATE, "term_started_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        parents = scoped_orgs(user, Role.UNIT_ADMIN)
        if self.instance.pk:
            parents = parents.exclude(path__gte=self.instance.path, path__lt=self.instance.path + "~")
        self.fields["parent"] = OrgChoiceField(queryset=parents, label="上级党组织", required=not user.is_superuser)
        # Units a user may attach: those in scope, plus the one already attached.
        units = Institution.objects.visible_to(user, "view").filter(is_active=True).order_by("name")
        self.fields["institution"].queryset = units
        self.fields["joint_institutions"].queryset = units
        self.fields["joint_institutions"].widget.attrs["size"] = 6
        org_lookup(self.fields["parent"], Role.UNIT_ADMIN)
        institution_lookup(self.fields["institution"])

    def clean(self):
        data = super().clean()
        parent = data.get("parent")
        if parent and role_at(self.user, parent.path) < Role.UNIT_ADMIN:
            self.add_error("parent", "您无权在该党组织下设立或移入组织")
        kind = data.get("kind")
        joint = data.get("joint_institutions")
        if joint and kind != OrgKind.JOINT_BRANCH and len(joint) > 0 and kind != OrgKind.TEMPORARY_BRANCH:
            self.add_error("joint_institutions", "只有联合党支部（或临时党支部）可以关联多个单位")
        if joint and data.get("institution") in list(joint):
            self.add_error("joint_institutions", "联合组建单位不必重复选择所在单位")
        return data


class InstitutionForm(forms.ModelForm):
    class Meta:
        model = Institution
        fields = [
            "name",
            "short_name",
            "credit_code",
            "ownership",
            "kind",
            "grade",
            "region_code",
            "parent",
            "managing_org",
            "staff_count",
            "is_operating",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["managing_org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="管理党组织")
        parents = Institution.objects.visible_to(user, "view").filter(is_active=True, kind="group").order_by("name")
        if self.instance.pk:
            parents = parents.exclude(pk=self.instance.pk)
        self.fields["parent"].queryset = parents
        org_lookup(self.fields["managing_org"], Role.UNIT_ADMIN)
        institution_lookup(self.fields["parent"])

    def clean_credit_code(self):
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        if code and len(code) != 18:
            raise forms.ValidationError("统一社会信用代码应为18位")
        return code


class DeactivateForm(forms.Form):
    deactivated_on = forms.DateField(label="撤销/停用日期", widget=DATE)
    reason = forms.CharField(label="原因", max_length=200)


class RuleSettingsForm(forms.Form):
    """One field per CONFIG threshold; saved as RuleSetting rows."""

    def __init__(self, *args, current: dict, **kwargs):
        super().__init__(*args, **kwargs)
        for key, default in DEFAULTS.items():
            if isinstance(default, list):
                self.fields[key] = forms.CharField(label=LABELS[key], initial=",".join(map(str, current[key])))
            elif isinstance(default, float):
                self.fields[key] = forms.FloatField(label=LABELS[key], min_value=0, max_value=1, initial=current[key])
            else:
                self.fields[key] = forms.IntegerField(
                    label=LABELS[key], min_value=0 if default == 0 else 1, max_value=1000, initial=current[key]
                )

    def clean_term_reminder_months(self):
        raw = self.cleaned_data["term_reminder_months"]
        try:
            months = sorted({int(x) for x in raw.replace("，", ",").split(",") if x.strip()}, reverse=True)
        except ValueError:
            raise forms.ValidationError("请填写以逗号分隔的月数，如 6,3,1") from None
        if not months or any(m < 1 or m > 24 for m in months):
            raise forms.ValidationError("月数应在1到24之间")
        return months
