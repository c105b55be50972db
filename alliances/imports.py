"""Import of monthly referral counts for units whose referrals live in their HIS: one row per alliance, pair of
units, month and direction; importing a corrected sheet again updates the same rows."""

import datetime
import re

from core.access import Role, scope_q
from core.text import normalise
from imports.base import ImportKindBase, InstitutionResolver, Plan, RowError

from .models import Alliance, AllianceMember, Direction, ReferralTally

MONTH = re.compile(r"^(\d{4})[-/.年](\d{1,2})")


class ReferralTallyImport(ImportKindBase):
    headers = {
        "医联体": "alliance",
        "转出单位": "from_institution",
        "接收单位": "to_institution",
        "月份": "month",
        "方向": "direction",
        "人次": "count",
    }
    required = {"alliance", "from_institution", "to_institution", "month", "direction", "count"}
    coded = {"direction": Direction.choices}
    example = ["（医联体名称或编号）", "（转出单位名称）", "（接收单位名称）", "2024-07", "上转", "12"]

    def prepare(self, sheet):
        self.senders = InstitutionResolver(self.user)  # the figure is the sending unit's: it must be in scope
        alliances = Alliance.objects.visible_to(self.user).only("id", "name")
        self.alliances = {a.pk: a for a in alliances}
        self.alliance_names = {normalise(a.name): a for a in self.alliances.values()}
        self.members: dict[int, dict[str, int]] = {}
        for alliance_id, inst_id, name in AllianceMember.objects.filter(
            alliance_id__in=list(self.alliances), left_on__isnull=True
        ).values_list("alliance_id", "institution_id", "institution__name"):
            self.members.setdefault(alliance_id, {})[normalise(name)] = inst_id
            self.members[alliance_id][str(inst_id)] = inst_id
        self.scope = scope_q(self.user, Role.SECRETARY)
        self.seen: set[tuple] = set()

    def check_row(self, number, values, plan: Plan):
        alliance = self.alliance(self.text(values, "alliance"))
        sender = self.senders.resolve(values.get("from_institution"), "from_institution")
        members = self.members.get(alliance.pk, {})
        if sender.pk not in members.values():
            raise RowError("from_institution", f"不是“{alliance.name}”的成员单位")
        receiver_text = self.text(values, "to_institution")
        receiver = members.get(normalise(receiver_text)) or members.get(receiver_text)
        if receiver is None:
            raise RowError("to_institution", f"不是“{alliance.name}”的成员单位")
        if receiver == sender.pk:
            raise RowError("to_institution", "接收单位不能与转出单位相同")
        month = self.month(values)
        direction = self.choice(values, "direction", Direction.choices)
        count = self.text(values, "count")
        if not count.isdigit():
            raise RowError("count", "人次应为非负整数")
        key = (alliance.pk, sender.pk, receiver, month, direction)
        if key in self.seen:
            raise RowError("month", "与前面某行重复（同一医联体、单位、月份和方向）")
        self.seen.add(key)
        exists = ReferralTally.objects.filter(
            alliance=alliance, from_institution=sender, to_institution_id=receiver, month=month, direction=direction
        ).exists()
        plan.updates += exists
        plan.creates += not exists
        return {"key": key, "org_path": sender.org_path, "count": int(count)}

    def alliance(self, text: str) -> Alliance:
        found = self.alliances.get(int(text)) if text.isdigit() else self.alliance_names.get(normalise(text))
        if found is None:
            raise RowError("alliance", "在您的管理范围内找不到该医联体")
        return found

    def month(self, values) -> datetime.date:
        raw = values.get("month")
        if isinstance(raw, (datetime.date, datetime.datetime)):
            return datetime.date(raw.year, raw.month, 1)
        match = MONTH.match(self.text(values, "month"))
        if not match or not 1 <= int(match.group(2)) <= 12:
            raise RowError("month", "月份格式应为 2024-07")
        return datetime.date(int(match.group(1)), int(match.group(2)), 1)

    def apply(self, plan, progress):
        for i, row in enumerate(plan.rows, start=1):
            alliance_id, sender, receiver, month, direction = row["key"]
            ReferralTally.objects.update_or_create(
                alliance_id=alliance_id,
                from_institution_id=sender,
                to_institution_id=receiver,
                month=month,
                direction=direction,
                defaults={"count": row["count"], "org_path": row["org_path"]},
            )
            progress(i)
        return {"created": plan.creates, "updated": plan.updates}
