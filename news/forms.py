from django import forms
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from activities.models import ActivityKind
from core.access import Role, paths_above_grants, scope_q
from core.text import to_simplified
from core.widgets import use_lookup_when_large
from honours.models import Honour
from orgs.forms import OrgChoiceField, org_lookup, scoped_orgs, sole_scope_root
from pairings import services as pairing_services
from pairings.models import Pairing

from .models import Article, Column, SiteProfile

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def writable_columns(user):
    """Active columns a user may write for: those of the organisations in their scope and of the units above
    it (a branch secretary writes for the hospital's site; the hospital's admin reviews)."""
    qs = Column.objects.filter(is_active=True).select_related("org").order_by("org_path", "sort_order")
    q = scope_q(user, Role.SECRETARY)
    if q is None:
        return qs
    return qs.filter(q | Q(org_path__in=paths_above_grants(user, Role.SECRETARY)))


class ColumnChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, column):
        return f"{column.org.name} · {column.name}"


class ArticleForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "org",
            "column",
            "title",
            "summary",
            "body_html",
            "source",
            "author",
            "editor",
            "published_at",
            "pairing",
            "honour",
        ]
        widgets = {"body_html": forms.Textarea(attrs={"rows": 16}), "published_at": DATETIME}
        help_texts = {"published_at": "留空则在发布时自动填入"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.SECRETARY), label="撰稿党组织")
        if not self.instance.pk and "org" not in self.initial:
            root = sole_scope_root(user, Role.SECRETARY)
            self.initial["org"] = root.pk if root else None
        org_lookup(self.fields["org"], Role.SECRETARY)
        self.fields["column"] = ColumnChoiceField(queryset=writable_columns(user), label="栏目")
        self.fields["pairing"].queryset = Pairing.objects.visible_to(user).order_by("-id")
        use_lookup_when_large(self.fields["pairing"], reverse("pairings:lookup"))
        self.fields["honour"].queryset = (
            Honour.objects.visible_to(user).select_related("kind", "person", "org").order_by("-year", "-id")
        )
        use_lookup_when_large(self.fields["honour"], reverse("honours:lookup"))
        if self.instance.pk:
            self.fields.pop("org")
        # the rich-text editor (news/static/news/editor.js) takes over the box; images go to the article's photos
        upload = reverse("news:editor-image", args=[self.instance.pk]) if self.instance.pk else ""
        self.fields["body_html"].widget.attrs.update({"data-rich-editor": "", "data-upload": upload})

    def clean(self):
        data = super().clean()
        org = data.get("org") or (self.instance.org if self.instance.pk else None)
        column = data.get("column")
        if org and column and not org.path.startswith(column.org.path):
            self.add_error("column", f"“{column.org.name}”的栏目不收{org.name}的稿件：请选本单位或上级单位的栏目。")
        return data


class ColumnForm(forms.ModelForm):
    class Meta:
        model = Column
        fields = ["org", "name", "parent_name", "sort_order", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"] = OrgChoiceField(queryset=scoped_orgs(user, Role.UNIT_ADMIN), label="单位")
        org_lookup(self.fields["org"], Role.UNIT_ADMIN)
        if self.instance.pk:
            self.fields.pop("org")


class UploadForm(forms.Form):
    org = OrgChoiceField(queryset=None, label="导入到单位")
    file = forms.FileField(
        label="网页文件", help_text="保存的网页（.html/.htm，任意常见编码）、文本（.txt）或多个网页的 .zip"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = scoped_orgs(user, Role.UNIT_ADMIN)
        org_lookup(self.fields["org"], Role.UNIT_ADMIN)


class ConfirmForm(forms.Form):
    column = ColumnChoiceField(queryset=None, label="栏目")
    title = forms.CharField(label="标题", max_length=200)
    published_at = forms.DateTimeField(label="发布时间", required=False, widget=DATETIME)
    source = forms.CharField(label="来源", max_length=80, required=False)
    author = forms.CharField(label="作者", max_length=80, required=False)
    editor = forms.CharField(label="编辑", max_length=80, required=False)
    body = forms.CharField(label="正文（每段一行）", widget=forms.Textarea(attrs={"rows": 14}))
    publish = forms.BooleanField(label="确认后直接发布", required=False)
    simplified = forms.BooleanField(
        label="标题和正文转为简体字", required=False, help_text="原网页的文字保留在本条导入记录中"
    )
    create_activity = forms.BooleanField(label="同时建立活动记录", required=False)
    event_date = forms.DateField(label="活动日期", required=False, widget=DATE)
    more_dates = forms.MultipleChoiceField(
        label="页面还报道了这些日期的活动",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="勾选的每个日期另建一条活动记录（同一活动持续多天时不必勾选）",
    )
    pairing = forms.ModelChoiceField(
        queryset=Pairing.objects.none(),
        label="报道的共建关系",
        required=False,
        help_text="页面提到的单位中有两方同属、活动当日在共建期内、本组织为其一方的共建关系",
    )
    event_kind = forms.ModelChoiceField(
        queryset=ActivityKind.objects.filter(is_active=True), label="活动类型", required=False
    )

    def __init__(self, *args, item, pairings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["column"].queryset = Column.objects.filter(org=item.org, is_active=True).select_related("org")
        self.fields["pairing"].queryset = Pairing.objects.filter(pk__in=[p.pk for p in pairings])
        dated = [d for d in item.extracted.get("event_dates", []) if not d.startswith("?")]
        if len(dated) > 1:
            self.fields["more_dates"].choices = [(d, d) for d in dated[1:]]
        else:
            del self.fields["more_dates"]
        text = f"{item.extracted.get('title') or ''}{item.extracted.get('body') or ''}"
        if to_simplified(text) == text:
            del self.fields["simplified"]  # nothing to convert

    def clean(self):
        data = super().clean()
        if data.get("create_activity"):
            if not data.get("event_date"):
                self.add_error("event_date", "建立活动记录需要活动日期。")
            if not data.get("event_kind"):
                self.add_error("event_kind", "建立活动记录需要活动类型。")
        pairing = data.get("pairing")
        published = data.get("published_at")
        day = data.get("event_date") or (timezone.localtime(published).date() if published else None)
        if pairing and day:
            problem = pairing_services.term_problem(pairing, self.item.org, day)
            if problem:
                self.add_error("pairing", problem)
        return data


class SiteProfileForm(forms.ModelForm):
    """A unit's site settings. The banner goes through the same checks as every photo (a real image, not too large,
    EXIF removed)."""

    banner_upload = forms.FileField(label="横幅图片", required=False, help_text="宽图，如 1600×300；JPG 或 PNG")
    remove_banner = forms.BooleanField(label="去掉横幅图片", required=False)

    class Meta:
        model = SiteProfile
        fields = ["site_name", "color", "address", "phone", "icp_number", "police_number"]
        widgets = {"color": forms.TextInput(attrs={"type": "color"})}

    def clean_banner_upload(self):
        from activities.images import PhotoError, process_photo

        upload = self.cleaned_data.get("banner_upload")
        if not upload:
            return None
        try:
            content, _, _ = process_photo(upload)
        except PhotoError as error:
            raise forms.ValidationError(str(error)) from None
        return content

    def save(self, commit=True):
        profile = super().save(commit=False)
        if self.cleaned_data.get("remove_banner"):
            profile.banner = ""
        if self.cleaned_data.get("banner_upload"):
            profile.banner.save(self.cleaned_data["banner_upload"].name, self.cleaned_data["banner_upload"], save=False)
        if commit:
            profile.save()
        return profile
