"""Organisation rules of DOMAIN.md §4 as warnings. Thresholds are CONFIG data (RuleSetting), these are defaults."""

import datetime
from dataclasses import dataclass

from .models import BRANCH_KINDS, COMMITTEE_KINDS, OrgKind, PartyOrg, RuleSetting, WarningCode

DEFAULTS: dict[str, object] = {
    "min_formal_members": 3,
    "branch_max_members": 50,
    "committee_required_at": 7,
    "committee_min_size": 3,
    "committee_max_size": 7,
    "joint_branch_max_units": 5,
    "general_branch_threshold": 50,
    "committee_threshold": 100,
    "term_years_committee": 5,
    "term_years_branch": 3,
    "term_reminder_months": [6, 3, 1],
    "dashboard_refresh_minutes": 60,
    "dual_leader_target": 0.5,
    "session_idle_minutes": 30,
    "import_upload_hours": 24,
    "activation_days": 14,
    "probation_reminder_days": 30,
    "transfer_letter_days": 30,
    "transfer_open_days": 90,
    "dues_minimum_amount": 0.2,
    "dues_farmer_max": 1.0,
    "dues_warn_months": 3,
    "dues_backpay_months": 6,
    "dev_activist_wait_months": 0,
    "dev_publicity_days": 5,
}

LABELS = {
    "min_formal_members": "设立党组织所需正式党员最少人数（党章第三十条）",
    "branch_max_members": "党支部党员人数一般上限（支部条例第四条）",
    "committee_required_at": "须设支委会的正式党员人数（支部条例）",
    "committee_min_size": "支委会最少人数",
    "committee_max_size": "支委会最多人数",
    "joint_branch_max_units": "联合党支部覆盖单位数上限（支部条例第五条）",
    "general_branch_threshold": "设党总支的党员人数（行业惯例，可经上级批准例外）",
    "committee_threshold": "设基层党委的党员人数（行业惯例，可经上级批准例外）",
    "term_years_committee": "基层党委任期（年）",
    "term_years_branch": "党总支、党支部任期（年）",
    "term_reminder_months": "换届提醒：届满前几个月（逗号分隔）",
    "dashboard_refresh_minutes": "数据看板最长多少分钟重新计算一次",
    "dual_leader_target": "双带头人比例目标（0–1；全国无统一标准，由行业设定）",
    "session_idle_minutes": "登录后多少分钟无操作自动退出",
    "import_upload_hours": "上传待确认的导入文件保留多少小时（过期自动删除）",
    "activation_days": "批量开通账号的开通码有效天数",
    "probation_reminder_days": "预备期届满前多少天提醒支部书记",
    "transfer_letter_days": "组织关系介绍信有效期（天，印在介绍信上）",
    "transfer_open_days": "组织关系转接超过多少天未办结（未接收或未收回执）即提示",
    "dues_minimum_amount": "学生、下岗失业、低保等党员每月交纳党费（元，R21）",
    "dues_farmer_max": "农民党员每月交纳党费上限（元，R21：0.2–1元）",
    "dues_warn_months": "连续几个月未交党费即提醒（R24；连续6个月按党章第九条提示）",
    "dues_backpay_months": "党费补交最多几个月（R23）",
    "dev_activist_wait_months": "递交申请后至少几个月方可确定为入党积极分子（全国无统一规定，各地3–6个月；0为不限）",
    "dev_publicity_days": "发展对象、拟接收预备党员公示至少几个工作日",
}


SETTINGS_CACHE_KEY = "rule-settings"


def current_settings() -> dict:
    """Defaults overlaid with the editable values; cached (shared by all workers), cleared when one is saved."""
    from django.core.cache import cache

    values = cache.get(SETTINGS_CACHE_KEY)
    if values is None:
        values = dict(DEFAULTS)
        values.update(dict(RuleSetting.objects.values_list("key", "value")))
        cache.set(SETTINGS_CACHE_KEY, values, 300)
    return values


@dataclass
class OrgFacts:
    """What the rules need to know about one organisation, gathered in bulk by orgs.services."""

    formal: int  # 正式党员 of the organisation and its sub-organisations (党小组, branches)
    members: int  # 正式 + 预备, likewise
    committee_size: int
    has_secretary: bool
    units: int
    committee_meetings: int = 0  # 支委会 held in the last COMMITTEE_EVIDENCE_DAYS


# A branch that held 支委会 lately has a committee, whatever the register of posts says (about two quarters).
COMMITTEE_EVIDENCE_DAYS = 183
# 预备期: one year from the 支部大会 vote; an extension adds at most one more (党章第七条, RULES.md R27).
PROBATION_YEARS, EXTENSION_YEARS = 1, 1


def term_years_for(org: PartyOrg, cfg: dict) -> int:
    return int(cfg["term_years_committee"] if org.kind in COMMITTEE_KINDS else cfg["term_years_branch"])


def evaluate(org: PartyOrg, facts: OrgFacts, cfg: dict, today: datetime.date) -> list[tuple[str, str]]:
    """(code, message) findings for one organisation."""
    if not org.is_active or org.kind == OrgKind.GROUP:
        return []
    found: list[tuple[str, str]] = []
    members = facts.members
    minimum = int(cfg["min_formal_members"])
    if org.kind in BRANCH_KINDS and facts.formal < minimum:
        found.append((WarningCode.FEW_FORMAL_MEMBERS, f"正式党员{facts.formal}人，少于{minimum}人（预备党员不计入）"))
    if org.kind in BRANCH_KINDS and members > int(cfg["branch_max_members"]):
        found.append((WarningCode.BRANCH_TOO_LARGE, f"党员{members}人，党支部一般不超过{cfg['branch_max_members']}人"))
    if org.kind in BRANCH_KINDS or org.kind == OrgKind.GENERAL_BRANCH:
        found += _committee_findings(facts, cfg)
    if org.kind == OrgKind.JOINT_BRANCH and facts.units > int(cfg["joint_branch_max_units"]):
        found.append(
            (
                WarningCode.JOINT_TOO_MANY_UNITS,
                f"联合党支部覆盖{facts.units}个单位，一般不超过{cfg['joint_branch_max_units']}个",
            )
        )
    found += _size_findings(org, members, cfg)
    found += _term_findings(org, cfg, today)
    return found


def _committee_findings(facts: OrgFacts, cfg: dict) -> list[tuple[str, str]]:
    found = []
    if not facts.has_secretary:
        found.append((WarningCode.NO_SECRETARY, "未配备书记"))
    if facts.formal >= int(cfg["committee_required_at"]):
        if facts.committee_size < 2 and facts.committee_meetings:
            found.append(
                (
                    WarningCode.COMMITTEE_NOT_RECORDED,
                    f"近半年召开支委会{facts.committee_meetings}次，但支委会委员未登记（请在人员职务中登记委员）",
                )
            )
        elif facts.committee_size < 2:
            found.append(
                (
                    WarningCode.NO_COMMITTEE,
                    f"正式党员{facts.formal}人，达到{cfg['committee_required_at']}人应设支部委员会",
                )
            )
        elif not int(cfg["committee_min_size"]) <= facts.committee_size <= int(cfg["committee_max_size"]):
            found.append(
                (
                    WarningCode.COMMITTEE_SIZE,
                    f"委员会{facts.committee_size}人，应为{cfg['committee_min_size']}–{cfg['committee_max_size']}人",
                )
            )
    return found


def _size_findings(org: PartyOrg, members: int, cfg: dict) -> list[tuple[str, str]]:
    if org.size_approved or org.is_functional:
        return []
    general, committee = int(cfg["general_branch_threshold"]), int(cfg["committee_threshold"])
    if org.kind in BRANCH_KINDS and members >= general and org.kind != OrgKind.JOINT_BRANCH:
        return [(WarningCode.SHOULD_BE_GENERAL_BRANCH, f"党员{members}人，达到{general}人可设党总支")]
    if org.kind == OrgKind.GENERAL_BRANCH and members >= committee:
        return [(WarningCode.SHOULD_BE_COMMITTEE, f"党员{members}人，达到{committee}人可设基层党委")]
    if org.kind == OrgKind.GENERAL_BRANCH and members < general:
        return [(WarningCode.BELOW_SIZE, f"党员{members}人，少于党总支设置标准{general}人（如经上级批准请勾选例外）")]
    if org.kind == OrgKind.COMMITTEE and members < committee:
        return [
            (WarningCode.BELOW_SIZE, f"党员{members}人，少于基层党委设置标准{committee}人（如经上级批准请勾选例外）")
        ]
    return []


def _term_findings(org: PartyOrg, cfg: dict, today: datetime.date) -> list[tuple[str, str]]:
    end = org.term_end(term_years_for(org, cfg))
    if end is None:
        return []
    if end < today:
        return [
            (WarningCode.TERM_EXPIRED, f"任期已于{end:%Y-%m-%d}届满，应按期换届（延期须经上级批准，一般不超过1年）")
        ]
    months = max(int(m) for m in cfg["term_reminder_months"]) if cfg["term_reminder_months"] else 0
    if (end - today).days <= months * 31:
        return [(WarningCode.TERM_ENDING, f"任期将于{end:%Y-%m-%d}届满，请提前做好换届准备")]
    return []


def add_years(day: datetime.date, years: int) -> datetime.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def probation_end(joined_on: datetime.date, extended: bool) -> datetime.date:
    """The last day a 预备党员 may stay one: after it the branch must have voted on 转正 (or cancelled)."""
    return add_years(joined_on, PROBATION_YEARS + (EXTENSION_YEARS if extended else 0))


def probation_message(name: str, joined_on: datetime.date, extended: bool, today: datetime.date) -> str:
    end = probation_end(joined_on, extended)
    overdue = (today - end).days
    late = f"{overdue // 365}年多" if overdue >= 365 else f"{overdue}天"
    extension = "（已延长）" if extended else ""
    return (
        f"预备党员{name}{extension}的预备期已于{end:%Y-%m-%d}届满，已过{late}：应由支部大会讨论转正、延长或取消"
        f"（入党日期{joined_on:%Y-%m-%d}）"
    )


def unit_without_org_message(formal: int) -> str:
    return f"该单位有正式党员{formal}人，已达到3人以上，尚未建立党组织（应建未建）"
