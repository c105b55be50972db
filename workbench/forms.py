from django import forms
from django.db import transaction

from .models import Kind, NoticeSetting


class NoticeSettingsForm(forms.Form):
    """One tick per kind of message: also send it by email."""

    email = forms.EmailField(label="接收提醒的邮箱", required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["email"].initial = user.email
        chosen = set(NoticeSetting.objects.filter(user=user, email=True).values_list("kind", flat=True))
        for kind, label in Kind.choices:
            self.fields[f"kind_{kind}"] = forms.BooleanField(label=label, required=False, initial=kind in chosen)

    def clean(self):
        data = super().clean()
        if any(data.get(f"kind_{kind}") for kind in Kind.values) and not data.get("email"):
            self.add_error("email", "选择了邮件提醒，请填写邮箱")
        return data

    def kind_fields(self):
        return [self[f"kind_{kind}"] for kind in Kind.values]

    @transaction.atomic
    def save(self):
        self.user.email = self.cleaned_data["email"]
        self.user.save(update_fields=["email"])
        for kind in Kind.values:
            NoticeSetting.objects.update_or_create(
                user=self.user, kind=kind, defaults={"email": self.cleaned_data[f"kind_{kind}"]}
            )
