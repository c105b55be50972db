"""Every save of a record that can wait for someone re-syncs its messages in the same transaction (a rolled-back
save leaves no message behind). A survey round's rows are written after the round, so it syncs once the
transaction commits. Bulk writes send no signals: the `sync_notices` command brings them in line."""

from django.db import transaction
from django.db.models.signals import post_save

from . import notices, waiting


def _resync(rule):
    def receiver(sender, instance, raw=False, **kwargs):
        if raw:  # loading fixtures
            return
        notices.sync(instance, rule(instance))

    return receiver


def _survey_round_saved(sender, instance, created=False, raw=False, **kwargs):
    if raw:
        return
    pk = instance.pk
    transaction.on_commit(lambda: sync_survey_round(pk))


def sync_survey_round(pk) -> None:
    from coverage.models import SurveyRound

    survey = SurveyRound.objects.filter(pk=pk).first()
    if survey is not None:
        notices.sync(survey, waiting.survey_round(survey))


def _survey_row_saved(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if instance.staff_count is not None:
        waiting.survey_row_filled(instance.round_id, instance.org_path)


RECEIVERS = []


def connect() -> None:
    from alliances.models import Referral
    from coverage.models import SurveyRound, SurveyRow
    from honours.models import Nomination
    from news.models import Article
    from pairings.models import PairingMember
    from people.models import Person
    from transfers.models import Transfer

    for model, rule in (
        (Article, waiting.article),
        (PairingMember, waiting.pairing_member),
        (Nomination, waiting.nomination),
        (Referral, waiting.referral),
        (Person, waiting.person),
        (Transfer, waiting.transfer),
    ):
        receiver = _resync(rule)
        RECEIVERS.append(receiver)  # signals hold receivers weakly
        post_save.connect(receiver, sender=model, dispatch_uid=f"notices-{model.__name__}")
    post_save.connect(_survey_round_saved, sender=SurveyRound, dispatch_uid="notices-SurveyRound")
    post_save.connect(_survey_row_saved, sender=SurveyRow, dispatch_uid="notices-SurveyRow")
