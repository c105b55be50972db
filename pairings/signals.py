"""Renew a pairing's page version when anything its page lists changes (views.pairing_parts caches them)."""

from django.db.models.signals import post_delete, post_save, pre_save

from core import versions


def page_version(pairing_id: int) -> str:
    return f"pairing-page:{pairing_id}"


def renew_page(pairing_id) -> None:
    if pairing_id:
        versions.renew(page_version(pairing_id))


def _renew_own(sender, instance, raw=False, **kwargs):
    if not raw:
        renew_page(instance.pairing_id)


def _remember_activity_pairing(sender, instance, raw=False, **kwargs):
    """An activity moved from one pairing to another leaves the first one's page too."""
    if raw or instance.pk is None:
        return
    before = sender.objects.filter(pk=instance.pk).values_list("pairing_id", flat=True).first()
    if before != instance.pairing_id:
        renew_page(before)


def _renew_outcome(sender, instance, raw=False, **kwargs):
    from activities.models import Activity

    if not raw:
        renew_page(Activity.objects.filter(pk=instance.activity_id).values_list("pairing_id", flat=True).first())


def connect() -> None:
    from activities.models import Activity, Outcome
    from alliances.models import Referral

    from .models import Commitment, Need, PairingMember, Project, Resource

    for model in (Commitment, Need, Resource, Project, PairingMember, Referral, Activity):
        post_save.connect(_renew_own, sender=model, dispatch_uid=f"pairing-page-save-{model.__name__}")
        post_delete.connect(_renew_own, sender=model, dispatch_uid=f"pairing-page-delete-{model.__name__}")
    pre_save.connect(_remember_activity_pairing, sender=Activity, dispatch_uid="pairing-page-activity-moved")
    post_save.connect(_renew_outcome, sender=Outcome, dispatch_uid="pairing-page-save-outcome")
    post_delete.connect(_renew_outcome, sender=Outcome, dispatch_uid="pairing-page-delete-outcome")
