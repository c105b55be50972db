import datetime
from decimal import Decimal

from django import forms

from core.access import Role
from orgs.forms import DATE, OrgChoiceField, org_lookup, scoped_orgs, sole_scope_root
from people.forms import person_field

from .models import AssessmentScheme, Honour, HonourKind, Indicator, NominationBatch


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


STARS = (5, 4, 3, 2, 1)
STAR_NAMES = {5: "五星", 4: "四星", 3: "三星", 2: "二星", 1: "一星"}
DEFAULT_FLOORS = {5: 90, 4: 80, 3: 70, 2: 60, 1: 0}


def _number(value):
    """90 rather than 90.0 in the stored bands (and on the page)."""
    return int(value) if value == int(value) else float(value)


def _percent_field(label: str, required: bool = False) -> forms.DecimalField:
    return forms.DecimalField(label=label, required=required, min_value=0, max_value=100, decimal_places=1,
                              widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}))  # fmt: skip


class SchemeForm(forms.ModelForm):
    """A scheme as a 党办 writes it on paper: one row per star level (lowest score, target share in %), and the
    weight of the satisfaction survey in %. Stored as the scheme's bands and fractions."""

    satisfaction_percent = forms.IntegerField(label="满意度权重（%）", min_value=0, max_value=100)

    class Meta:
        model = AssessmentScheme
        fields = ["name", "year", "issuer_org"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["issuer_org"] = OrgChoiceField(
            queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="组织评定的党组织"
        )
        if not self.instance.pk:
            root = sole_scope_root(user, Role.UNIT_ADMIN)
            self.initial.setdefault("issuer_org", root.pk if root else None)
            self.initial.setdefault("year", datetime.date.today().year)
        org_lookup(self.fields["issuer_org"], Role.UNIT_ADMIN)
        self.fields[
            "satisfaction_percent"
        ].help_text = "群众满意度测评在总分中所占比例，如 10 表示总分的 10%；不测评填 0"
        scheme = self.instance
        floors = {int(stars): floor for floor, stars in scheme.bands} if scheme.pk else DEFAULT_FLOORS
        targets = scheme.target_distribution or {}
        for stars in STARS:
            self.fields[f"floor_{stars}"] = forms.DecimalField(
                label=f"{STAR_NAMES[stars]}最低分", required=False, min_value=0, max_value=1000, decimal_places=1
            )
            self.fields[f"target_{stars}"] = _percent_field(f"{STAR_NAMES[stars]}目标占比（%）")
            self.initial.setdefault(f"floor_{stars}", floors.get(stars))
            share = targets.get(str(stars))
            self.initial.setdefault(f"target_{stars}", round(float(share) * 100, 1) if share is not None else None)
        self.initial.setdefault("satisfaction_percent", round(float(scheme.satisfaction_weight or 0) * 100))

    def star_rows(self):
        return [(stars, STAR_NAMES[stars], self[f"floor_{stars}"], self[f"target_{stars}"]) for stars in STARS]

    def clean(self):
        data = super().clean()
        floors = [(stars, data.get(f"floor_{stars}")) for stars in STARS if data.get(f"floor_{stars}") is not None]
        if not floors:
            raise forms.ValidationError("请至少为一个星级填写最低分。")
        for (higher, high), (lower, low) in zip(floors, floors[1:]):
            if high <= low:
                self.add_error(
                    f"floor_{higher}", f"{STAR_NAMES[higher]}的最低分（{high}）应高于{STAR_NAMES[lower]}（{low}）"
                )
        total = sum(data.get(f"target_{stars}") or 0 for stars in STARS)
        if total > 100:
            raise forms.ValidationError(f"各星级目标占比合计 {total}%，不能超过 100%。")
        self._fill_instance(data)  # before the model's own checks run on it
        return data

    def _fill_instance(self, data: dict) -> None:
        scheme = self.instance
        scheme.bands = [[_number(data[f"floor_{s}"]), s] for s in STARS if data.get(f"floor_{s}") is not None]
        scheme.target_distribution = {
            str(s): float(data[f"target_{s}"]) / 100 for s in STARS if data.get(f"target_{s}") is not None
        }
        if data.get("satisfaction_percent") is not None:
            scheme.satisfaction_weight = Decimal(data["satisfaction_percent"]) / 100


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["code", "name", "points", "evidence", "sort_order"]
        widgets = {"sort_order": forms.HiddenInput, "code": forms.TextInput(attrs={"size": 5})}
        help_texts = {"code": "", "evidence": ""}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sort_order"].required = False

    def has_changed(self):
        return any(name != "sort_order" for name in self.changed_data)

    def clean_sort_order(self):
        return self.cleaned_data.get("sort_order") or 0


class BaseIndicatorFormSet(forms.BaseInlineFormSet):
    """The scheme's indicators as one table. A code's part before its last dot names its parent (1.2 → 1):
    the tree follows from what a 党办 types, with no parent to pick."""

    def clean(self):
        super().clean()
        rows = [f for f in self.forms if f.has_changed() or f.instance.pk]
        rows = [f for f in rows if not self._should_delete_form(f) and hasattr(f, "cleaned_data")]
        codes = {}
        for form in rows:
            code = form.cleaned_data.get("code", "").strip()
            if code in codes:
                form.add_error("code", f"编号“{code}”重复")
            codes[code] = form
        for code, form in codes.items():
            parent = code.rpartition(".")[0]
            if parent and parent not in codes:
                form.add_error("code", f"找不到上级指标“{parent}”：请先添加编号为 {parent} 的指标")

    def save(self, commit=True):
        saved = super().save(commit)
        indicators = {i.code: i for i in self.instance.indicators.all()}
        for indicator in indicators.values():
            parent = indicators.get(indicator.code.rpartition(".")[0])
            if indicator.parent_id != (parent.pk if parent else None):
                indicator.parent = parent
                indicator.save(update_fields=["parent"])
        return saved


IndicatorFormSet = forms.inlineformset_factory(
    AssessmentScheme, Indicator, form=IndicatorForm, formset=BaseIndicatorFormSet, extra=1, can_delete=True
)
