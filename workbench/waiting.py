"""What each kind of record waits for, and from whom: {(user_id, kind): (title, url)} for its current state.
Called after every save of the record (signals.py) and by `sync_notices` for records written in bulk."""

from django.db.models import Q
from django.urls import reverse

from core.access import Role

from . import notices
from .models import Kind


def article(obj) -> dict:
    from news.models import Status

    if obj.status == Status.REVIEW:
        users = notices.nearest_holders(obj.org_path, Role.UNIT_ADMIN) - {obj.created_by_id}
        title = f"稿件《{obj.title}》待审核"
        return {(u, Kind.REVIEW_REQUESTED): (title, reverse("news:detail", args=[obj.pk])) for u in users}
    if obj.status == Status.RETURNED and obj.created_by_id:
        reason = f"：{obj.return_reason}" if obj.return_reason else ""
        title = f"稿件《{obj.title}》被退回{reason}"
        return {(obj.created_by_id, Kind.ARTICLE_RETURNED): (title, reverse("news:edit", args=[obj.pk]))}
    return {}


def pairing_member(obj) -> dict:
    from pairings.models import Status

    if obj.accepted_at or obj.left_on or obj.pairing.status == Status.ENDED:
        return {}
    users = notices.nearest_holders(obj.org_path, Role.UNIT_ADMIN)
    title = f"共建关系“{obj.pairing.title}”待{obj.org.name}确认"
    return {(u, Kind.PAIRING_TO_CONFIRM): (title, reverse("pairings:detail", args=[obj.pairing_id])) for u in users}


def nomination(obj) -> dict:
    from honours.models import NominationStatus

    url = reverse("honours:nomination", args=[obj.pk])
    if obj.status == NominationStatus.REVIEW:
        users = notices.nearest_holders(obj.reviewing_org.path, Role.UNIT_ADMIN)
        title = f"推荐“{obj.nominee_name}”（{obj.batch.title}）待{obj.reviewing_org.name}审核"
        return {(u, Kind.NOMINATION_TO_REVIEW): (title, url) for u in users}
    if obj.status == NominationStatus.RETURNED and obj.created_by_id:
        title = f"推荐“{obj.nominee_name}”（{obj.batch.title}）被退回：{obj.return_reason}"
        return {(obj.created_by_id, Kind.NOMINATION_RETURNED): (title, url)}
    return {}


def referral(obj) -> dict:
    from alliances.models import Direction, ReferralStatus

    url = reverse("alliances:referral", args=[obj.pk])
    users = notices.nearest_holders(obj.to_path, Role.SECRETARY)
    if obj.status == ReferralStatus.APPLIED:
        title = f"{obj.get_direction_display()}患者{obj.patient_name}（{obj.from_institution.name}）待接收"
        return {(u, Kind.REFERRAL_TO_RECEIVE): (title, url) for u in users}
    follow_up = obj.direction == Direction.DOWN and not obj.followed_up_at
    if follow_up and obj.status in (ReferralStatus.ARRIVED, ReferralStatus.COMPLETED):
        title = f"下转患者{obj.patient_name}（{obj.from_institution.name}）待随访"
        return {(u, Kind.REFERRAL_FOLLOW_UP): (title, url) for u in users}
    return {}


def transfer(obj) -> dict:
    """Inside the platform the receiving unit's admin answers; a returned one goes back to whoever sent it; a letter
    outside waits for its 回执 at the sending branch."""
    from transfers.models import Status

    url = reverse("transfers:detail", args=[obj.pk])
    if obj.status == Status.SENT:
        users = notices.nearest_holders(obj.to_path, Role.UNIT_ADMIN)
        title = f"{obj.person.name}的组织关系由{obj.from_name}转来，待{obj.to_org.name}接收"
        return {(u, Kind.TRANSFER_TO_ACCEPT): (title, url) for u in users}
    if obj.status == Status.RETURNED and obj.created_by_id:
        title = f"{obj.person.name}的组织关系转接被{obj.to_name}退回：{obj.answer}"
        return {(obj.created_by_id, Kind.TRANSFER_RETURNED): (title, url)}
    if obj.status == Status.IN_TRANSIT:
        users = notices.nearest_holders(obj.org_path, Role.SECRETARY)
        title = f"{obj.person.name}的介绍信（{obj.letter_number}）转往{obj.outside_org}，回执待登记"
        return {(u, Kind.TRANSFER_RECEIPT): (title, url) for u in users}
    return {}


def person(obj) -> dict:
    """A 预备党员 whose 预备期 ends within the reminder window (or has ended): their branch's secretary acts."""
    from people.models import PartyStatus

    from .reminders import probation_due

    if obj.party_status != PartyStatus.PROBATIONARY or not obj.joined_on or not obj.is_active:
        return {}
    end = probation_due(obj)
    if end is None:
        return {}
    users = notices.nearest_holders(obj.org_path, Role.SECRETARY)
    title = f"预备党员{obj.name}的预备期{'已于' if end.passed else '将于'}{end.day:%Y-%m-%d}届满，请按期讨论转正"
    return {(u, Kind.PROBATION_ENDING): (title, reverse("people:detail", args=[obj.pk])) for u in users}


def survey_round(obj) -> dict:
    """An open round asks the administrators over each unit whose row still lacks its figures (待填报)."""
    from coverage.models import RoundStatus

    if obj.status != RoundStatus.OPEN:
        return {}
    paths = set(obj.rows.filter(staff_count__isnull=True).values_list("org_path", flat=True).distinct())
    users: set[int] = set()
    for path in paths:
        users |= notices.nearest_holders(path, Role.UNIT_ADMIN)
    title = f"两个覆盖摸排“{obj.name}”有单位待填报" + (f"，{obj.closes_on:%Y-%m-%d}截止" if obj.closes_on else "")
    return {(u, Kind.SURVEY_TO_FILL): (title, reverse("coverage:detail", args=[obj.pk]) + "?todo=1") for u in users}


def survey_row_filled(round_id: int, path: str) -> None:
    """A row was saved: the administrators over it whose rows are now all filled are done with the round."""
    from accounts.models import RoleGrant
    from core.access import subtree_q
    from coverage.models import SurveyRound, SurveyRow

    survey = SurveyRound.objects.filter(pk=round_id).first()
    if survey is None:
        return
    done = set()
    for user_id in notices.nearest_holders(path, Role.UNIT_ADMIN):
        roots = RoleGrant.objects.filter(user_id=user_id, is_active=True, role__gte=Role.UNIT_ADMIN)
        scope = None
        for root in roots.values_list("org_path", flat=True):
            scope = subtree_q(root) if scope is None else scope | subtree_q(root)
        left = SurveyRow.objects.filter(round_id=round_id, staff_count__isnull=True)
        if scope is None or not left.filter(scope).exists():
            done.add(user_id)
    if done:
        notices.done_for(survey, user_ids=done)


def sources():
    """(model, rule, rows that may wait) for every kind of record that writes messages on save."""
    from alliances.models import Referral, ReferralStatus
    from coverage.models import RoundStatus, SurveyRound
    from honours.models import Nomination, NominationStatus
    from news.models import Article, Status
    from pairings.models import PairingMember
    from transfers.models import Status as TransferStatus
    from transfers.models import Transfer

    return [
        (Article, article, Q(status__in=[Status.REVIEW, Status.RETURNED])),
        (PairingMember, pairing_member, Q(accepted_at__isnull=True, left_on__isnull=True)),
        (Nomination, nomination, Q(status__in=[NominationStatus.REVIEW, NominationStatus.RETURNED])),
        (Referral, referral, Q(status=ReferralStatus.APPLIED) | Q(direction="down", followed_up_at__isnull=True,
                                                                  status__in=["arrived", "completed"])),
        (SurveyRound, survey_round, Q(status=RoundStatus.OPEN)),
        (Transfer, transfer, Q(status__in=[TransferStatus.SENT, TransferStatus.RETURNED, TransferStatus.IN_TRANSIT])),
    ]  # fmt: skip


def sync_all() -> int:
    """Bring every message in line with its record: for rows written in bulk (imports, demo data), which send no
    signals. Reads the rows that may wait and the records of open messages, nothing else."""
    from .models import Notice

    synced = 0
    for model, rule, may_wait in sources():
        label = model._meta.label_lower
        open_ids = Notice.objects.filter(target_type=label, read_at__isnull=True).values_list("target_id", flat=True)
        ids = set(model.objects.filter(may_wait).values_list("pk", flat=True)) | set(open_ids)
        for start in range(0, len(ids), 500):
            for obj in model.objects.filter(pk__in=sorted(ids)[start : start + 500]):
                notices.sync(obj, rule(obj))
                synced += 1
    return synced
