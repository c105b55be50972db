"""Synthetic recognition at scale: a yearly 星级 scheme over every branch of the generated tree, scored and
published, and 光荣在党50年 medals for part of the eligible members (bulk inserts, no model saves)."""

import random

from django.utils import timezone

from core.bulk import insert_rows
from orgs.models import PartyOrg

from . import services
from .models import Assessment, AssessmentScheme, AssessmentStatus, Honour, Indicator, SchemeStatus

MARKER = "星级党支部评定（模拟）"
POINTS = [15, 25, 20, 20, 20]


def exists() -> bool:
    return AssessmentScheme.objects.filter(name__endswith=MARKER).exists()


def generate_assessments(root: PartyOrg, year: int, seed: int = 2025) -> int:
    rng = random.Random(seed)
    scheme = AssessmentScheme.objects.create(
        name=f"{year}年度{MARKER}", year=year, issuer_org=root, bands=[[90, 5], [80, 4], [70, 3], [60, 2], [0, 1]],
        satisfaction_weight="0.10", target_distribution={"5": 0.1, "4": 0.3, "3": 0.4}, status=SchemeStatus.OPEN,
    )  # fmt: skip
    for i, points in enumerate(POINTS):
        Indicator.objects.create(scheme=scheme, code=str(i + 1), name=f"指标{i + 1}", points=points, sort_order=i)
    services.open_scheme(scheme)
    rows = []
    for pk in Assessment.objects.filter(scheme=scheme).values_list("pk", flat=True).iterator(5000):
        score = round(rng.triangular(55, 99, 82), 1)
        final = round(score * 0.9 + rng.uniform(70, 100) * 0.1, 1)
        rows.append((pk, score, final, scheme.stars_for(final)))
    for chunk_start in range(0, len(rows), 2000):
        chunk = rows[chunk_start : chunk_start + 2000]
        objs = [Assessment(pk=pk, self_score=s, review_score=s, final_score=f, stars=st, satisfaction=90,
                           status=AssessmentStatus.PUBLISHED) for pk, s, f, st in chunk]  # fmt: skip
        Assessment.objects.bulk_update(objs, ["self_score", "review_score", "final_score", "stars", "satisfaction",
                                              "status"])  # fmt: skip
    scheme.status = SchemeStatus.PUBLISHED
    scheme.save(update_fields=["status"])  # its signal tells organisation pages of the stars published above
    return len(rows)


def generate_golden_medals(root: PartyOrg, year: int, share: float = 0.3, seed: int = 2025) -> int:
    rng = random.Random(seed)
    kind = services.golden_kind()
    now = timezone.now()
    eligible = services.golden_eligible(year).filter(org_path__startswith=root.path).values_list("id", "org_path")
    rows = [{"kind_id": kind.pk, "person_id": pk, "org_id": None, "post_name": "", "org_path": path,
             "issuer": "模拟党委", "level": "unit", "year": year, "awarded_on": None, "batch_id": None, "note": "",
             "created_at": now}
            for pk, path in eligible.iterator(5000) if rng.random() < share]  # fmt: skip
    insert_rows(Honour, rows)
    return len(rows)
