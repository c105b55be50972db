from django import forms

from core.access import Role
from orgs.forms import DATE, OrgChoiceField, org_lookup, scoped_orgs
from orgs.models import OrgKind

from .models import SurveyRound, SurveyRow


class RoundForm(forms.ModelForm):
    class Meta:
        model = SurveyRound
        fields = ["sector", "name", "started_on", "closes_on"]
        widgets = {"started_on": DATE, "closes_on": DATE}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sectors = scoped_orgs(user, Role.SECTOR_ADMIN).filter(kind=OrgKind.SECTOR_COMMITTEE)
        self.fields["sector"] = OrgChoiceField(queryset=sectors, label="行业党委")
        org_lookup(self.fields["sector"], Role.SECTOR_ADMIN, kinds=[OrgKind.SECTOR_COMMITTEE])


class RowForm(forms.ModelForm):
    class Meta:
        model = SurveyRow
        fields = ["operating", "staff_count", "formal_members", "probationary_members", "org_form", "instructor",
                  "has_union", "has_youth_league", "note"]  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff_count"].required = True


SHEET_MAX_BYTES = 5 * 1024 * 1024  # a sector's private institutions: a few thousand rows, well under 1 MB


class SheetForm(forms.Form):
    file = forms.FileField(
        label="摸排表",
        help_text="xlsx 或 csv；列：单位名称（或统一社会信用代码）、是否在营、从业人员数、正式党员数、预备党员数、党组织情况、党建指导员、工会、共青团",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > SHEET_MAX_BYTES:
            raise forms.ValidationError(
                f"文件大小 {upload.size / 1024 / 1024:.1f} MB，超过摸排表上限 {SHEET_MAX_BYTES // 1024 // 1024} MB"
            )
        return upload
