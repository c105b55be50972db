"""Synthetic 发展党员 records at scale: one for every generated applicant, 入党积极分子 and 预备党员 without one,
with dates that follow the rules (bulk inserts)."""

import datetime
import random

from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.bulk import insert_rows
from people.models import PartyStatus, Person

from .models import Applicant, Stage
from .services import add_months, add_years

STAGE_OF = {PartyStatus.APPLICANT: Stage.APPLICANT, PartyStatus.ACTIVIST: Stage.ACTIVIST,
            PartyStatus.CANDIDATE: Stage.CANDIDATE, PartyStatus.PROBATIONARY: Stage.PROBATIONARY}  # fmt: skip
CHUNK = 5000


def generate_applicants(seed: int = 2026) -> int:
    rng = random.Random(seed)
    today = timezone.localdate()
    now = timezone.now()
    people = (
        Person.objects.filter(party_status__in=list(STAGE_OF), is_active=True)
        .exclude(Exists(Applicant.objects.filter(person_id=OuterRef("pk"))))
        .values_list("pk", "home_org_id", "org_path", "party_status", "joined_on")
        .order_by("pk")
    )
    rows, made = [], 0
    for pk, org_id, path, status, joined in list(people):  # read whole first, as dues.synthetic does
        rows.append(applicant_row(rng, today, now, pk, org_id, path, STAGE_OF[status], joined))
        if len(rows) == CHUNK:
            insert_rows(Applicant, rows)
            made, rows = made + len(rows), []
    insert_rows(Applicant, rows)
    return made + len(rows)


def applicant_row(rng, today, now, pk, org_id, path, stage, joined) -> dict:
    days = datetime.timedelta
    row = dict.fromkeys(["talked_on", "activist_on", "filed_on", "candidate_on", "political_review_on",
                         "training_hours", "training_done_on", "pre_review_on", "publicity_from", "publicity_to",
                         "admitted_on", "eligible_voters", "votes_for", "votes_against", "votes_abstain",
                         "approved_on", "extended_months", "extended_on", "confirmation_voted_on",
                         "confirmation_approved_on", "closed_on", "next_due"])  # fmt: skip
    row.update(person_id=pk, org_id=org_id, org_path=path, stage=stage, approval_note="", closed_reason="",
               next_step="", created_by_id=None, updated_at=now)  # fmt: skip
    if stage == Stage.APPLICANT:
        applied = today - days(rng.randint(5, 300))
        row.update(applied_on=applied)
        if (today - applied).days > 25 or rng.random() < 0.5:
            row.update(talked_on=applied + days(rng.randint(5, 25)), next_step="确定入党积极分子")
        else:
            row.update(next_step="谈话", next_due=add_months(applied, 1))
        return row
    if stage in (Stage.ACTIVIST, Stage.CANDIDATE):
        activist = today - days(rng.randint(30, 700))
        applied = activist - days(rng.randint(90, 200))
        review = activist
        while add_months(review, 6) <= today - days(rng.randint(0, 40)):
            review = add_months(review, 6)
        row.update(applied_on=applied, talked_on=applied + days(15), activist_on=activist, filed_on=activist + days(7),
                   next_step="考察", next_due=add_months(review, 6))  # fmt: skip
        return row
    admitted = joined or today - days(rng.randint(30, 300))
    candidate = admitted - days(rng.randint(60, 150))
    activist = add_years(candidate, -1) - days(rng.randint(10, 60))
    applied = activist - days(rng.randint(90, 200))
    approved = admitted + days(rng.randint(10, 80))
    row.update(applied_on=applied, talked_on=applied + days(15), activist_on=activist, filed_on=activist + days(7),
               candidate_on=candidate, political_review_on=candidate + days(20), training_hours=24,
               training_done_on=candidate + days(30), pre_review_on=candidate + days(40),
               publicity_from=admitted - days(14), publicity_to=admitted - days(7), admitted_on=admitted,
               eligible_voters=20, votes_for=18, votes_against=0, votes_abstain=1)  # fmt: skip
    if approved <= today:
        row.update(approved_on=approved, next_step="讨论转正", next_due=add_years(admitted, 1))
    else:
        row.update(next_step="上级党委审批", next_due=add_months(admitted, 3))
    return row
