"""Synthetic organisational life for every branch: monthly 主题党日 and 支委会, quarterly 支部党员大会 and 党课,
a yearly 组织生活会 and 民主评议, with attendance; a few meetings skipped so compliance shows real gaps.

Written with reserved ids and one multi-row INSERT / COPY per table (core.bulk): the province scale is about
a million activities and ten million attendance rows.
"""

import datetime
import random
from collections import defaultdict

from django.db.models import Q
from django.utils import timezone

from core.bulk import chunks, insert_rows, reserve_ids
from core.text import normalise
from orgs.models import BRANCH_KINDS, OrgKind, PartyOrg
from people.models import Membership, PartyStatus

from .models import Activity, ActivityKind, ActivityOrganiser, Attendance

TOPICS = [
    "学习贯彻党的二十大精神",
    "学习习近平新时代中国特色社会主义思想",
    "学习《中国共产党支部工作条例》",
    "医德医风专题教育",
    "深化“清廉医院”建设",
    "党建引领高质量发展",
    "重温入党誓词",
    "党史学习教育",
    "志愿服务进社区",
    "主题教育专题学习",
]
PLACES = ["党员活动室", "门诊楼会议室", "行政楼三楼会议室", "科室示教室", "院史馆"]
LEAVE_REASONS = ["值班", "外出学习", "病假", "出差", "手术", "轮休"]
# (kind code, months of the year it is held in, how it is titled, takes the roll)
PLAN = [
    ("party_day", range(1, 13), "{m}月主题党日：{topic}"),
    ("branch_committee", range(1, 13), "{m}月支委会"),
    ("branch_congress", (2, 5, 8, 11), "第{q}季度支部党员大会"),
    ("party_lecture", (3, 6, 9, 12), "第{q}季度党课：{topic}"),
    ("life_meeting", (12,), "{y}年度组织生活会"),
    ("member_appraisal", (12,), "{y}年度民主评议党员"),
]
SKIP_RATE = 0.08


def months_back(today: datetime.date, count: int) -> list[tuple[int, int]]:
    year, month = today.year, today.month
    result = []
    for _ in range(count):
        result.append((year, month))
        month -= 1
        if month == 0:
            year, month = year - 1, 12
    return list(reversed(result))


def branch_members(branch_ids: list[int]) -> dict[int, list[tuple[int, str, bool]]]:
    """Current members of each branch (with its 党小组): (person id, org path, is formal)."""
    groups = dict(PartyOrg.objects.filter(parent_id__in=branch_ids, kind=OrgKind.GROUP).values_list("id", "parent_id"))
    owner = {pk: pk for pk in branch_ids} | groups
    members = defaultdict(list)
    rows = Membership.objects.filter(org_id__in=list(owner), end_on__isnull=True).values_list(
        "org_id", "person_id", "org_path", "person__party_status"
    )
    for org_id, person_id, path, status in rows:
        members[owner[org_id]].append((person_id, path, status == PartyStatus.FORMAL))
    return members


def generate_activities(branches: list[PartyOrg], months: int, seed: int = 1921, today=None) -> tuple[int, int]:
    """Activities and attendance for these branches over the last `months` months. Returns (activities, rows)."""
    rng = random.Random(seed)
    today = today or timezone.localdate()
    kinds = {k.code: k for k in ActivityKind.objects.all()}
    tz = timezone.get_current_timezone()
    now = timezone.now()
    calendar = months_back(today, months)
    totals = [0, 0]
    for chunk in chunks(branches, 50):
        members = branch_members([b.pk for b in chunk])
        activities, organisers, attendance = [], [], []
        for branch in chunk:
            roster = members.get(branch.pk, [])
            if not roster:
                continue
            committee = [m for m in roster if m[2]][:5]
            for year, month in calendar:
                for code, plan_months, title in PLAN:
                    if month not in plan_months or rng.random() < SKIP_RATE:
                        continue
                    if code == "branch_committee" and len(committee) < 3:
                        continue
                    day = min(rng.randint(5, 26), 28)
                    start = datetime.datetime(year, month, day, rng.choice((9, 14, 15)), rng.choice((0, 30)), tzinfo=tz)
                    kind = kinds[code]
                    name = title.format(m=month, q=(month - 1) // 3 + 1, y=year, topic=rng.choice(TOPICS))
                    activities.append(
                        {
                            "title": name,
                            "title_norm": normalise(name),
                            "kind_id": kind.pk,
                            "lead_org_id": branch.pk,
                            "org_path": branch.path,
                            "starts_at": start,
                            "ends_at": start + datetime.timedelta(hours=1, minutes=30),
                            "place": rng.choice(PLACES),
                            "agenda": "1. 传达学习上级精神\n2. 讨论支部工作\n3. 部署下阶段任务",
                            "minutes": "",
                            "decisions": "",
                            "summary": "",
                            "is_cancelled": False,
                            "created_at": now,
                            "updated_at": now,
                        }
                    )
                    roll = committee if code == "branch_committee" else roster
                    attendance.append((start, roll))
        if not activities:
            continue
        ids = reserve_ids(Activity, len(activities))
        rows = []
        for activity_id, row, (start, roll) in zip(ids, activities, attendance):
            row["id"] = activity_id
            organisers.append(
                {
                    "activity_id": activity_id,
                    "org_id": row["lead_org_id"],
                    "org_path": row["org_path"],
                    "starts_at": row["starts_at"],
                    "kind_id": row["kind_id"],
                    "is_lead": True,
                }
            )
            marks = [attendance_mark(rng, start, now) for _ in roll]
            row.update(
                expected_count=len(roll),
                present_count=sum(1 for m in marks if m[0] == "present"),
                leave_count=sum(1 for m in marks if m[0] == "leave"),
                absent_count=sum(1 for m in marks if m[0] in ("absent", "pending")),
                guest_count=0,
            )
            for (person_id, path, _formal), (status, reason, checked) in zip(roll, marks):
                rows.append(
                    {
                        "activity_id": activity_id,
                        "person_id": person_id,
                        "org_path": path,
                        "starts_at": start,
                        "expected": True,
                        "status": status,
                        "reason": reason,
                        "checked_in_at": checked,
                        "method": ("qr" if rng.random() < 0.6 else "secretary") if checked else "",
                    }
                )
        insert_rows(Activity, activities)
        insert_rows(ActivityOrganiser, organisers)
        insert_rows(Attendance, rows, batch_size=10000)
        totals[0] += len(activities)
        totals[1] += len(rows)
    return totals[0], totals[1]


def attendance_mark(rng: random.Random, start: datetime.datetime, now: datetime.datetime):
    """(status, reason, check-in time) of one member at one meeting: most attend, some on leave, a few absent."""
    if start >= now:
        return "pending", "", None
    r = rng.random()
    if r < 0.86:
        return "present", "", start + datetime.timedelta(minutes=rng.randint(-20, 5))
    if r < 0.95:
        return "leave", rng.choice(LEAVE_REASONS), None
    return "absent", "", None


def all_branches(root: PartyOrg | None = None) -> list[PartyOrg]:
    qs = PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True)
    if root is not None:
        qs = qs.filter(Q(path__gte=root.path, path__lt=root.path + "~"))
    return list(qs.only("id", "path").order_by("path"))
