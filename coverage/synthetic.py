"""Two synthetic survey rounds over the generated tree's private institutions, the second with changes."""

import datetime
import random

from orgs.models import PartyOrg

from . import services
from .models import OrgForm, SurveyRound, SurveyRow

MARKER = "两个覆盖摸排（模拟）"


def exists() -> bool:
    return SurveyRound.objects.filter(name__endswith=MARKER).exists()


def generate_rounds(root: PartyOrg, seed: int = 2025) -> int:
    rng = random.Random(seed)
    first = services.open_round(root, f"上半年{MARKER}", datetime.date(2025, 3, 1))
    _randomise(first, rng, share=1.0)
    second = services.open_round(root, f"下半年{MARKER}", datetime.date(2025, 9, 1))
    _randomise(second, rng, share=0.15)
    return second.rows.count()


def _randomise(survey: SurveyRound, rng: random.Random, share: float) -> None:
    minimum = services.min_formal()
    changed = []
    for row in survey.rows.all().iterator(5000):
        if rng.random() >= share:
            continue
        row.staff_count = rng.randint(5, 400)
        row.formal_members = min(row.staff_count, int(rng.expovariate(1 / 6)))
        row.probationary_members = 0
        row.org_form = rng.choices([OrgForm.OWN, OrgForm.JOINT, OrgForm.NONE], [5, 2, 3])[0]
        row.instructor = "指导员" if row.org_form == OrgForm.NONE and rng.random() < 0.5 else ""
        row.operating = rng.random() > 0.02
        row.note = ""
        row.derive(minimum)
        changed.append(row)
    SurveyRow.objects.bulk_update(changed, ["staff_count", "formal_members", "probationary_members", "org_form",
                                            "instructor", "operating", "note", "status", "change"], batch_size=2000)  # fmt: skip
    services.refresh_summary(survey)
