"""The 工作台: for each role the user holds, the counts of what waits, each linking to the list it counts.

Every count is bounded (LIMIT 1000, shown as 999+) and runs on an index of its own table, so the page costs the
same for a branch and for a province. What waits for the person themself comes from their messages (kept in
step with the records by workbench.waiting); what the sector oversees comes from the records."""

import datetime
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from core.access import Role, granted_roots, grants_of, highest_role, own_person, scope_q

from .models import Kind, Notice

BOUND = 1000


@dataclass
class Figure:
    label: str
    count: int
    url: str
    tone: str = ""  # "red" when something is late, "warn" when it needs doing, "" for information

    @property
    def css(self) -> str:
        """The tone only where there is something to do: a zero is never red."""
        return self.tone if self.count else ""

    @property
    def shown(self) -> str:
        return f"{BOUND - 1}+" if self.count >= BOUND else str(self.count)


@dataclass
class Panel:
    title: str
    figures: list[Figure] = field(default_factory=list)
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # (text, url, note)
    actions: list[tuple[str, str]] = field(default_factory=list)
    empty: str = "暂无待办"


def bounded(qs) -> int:
    return qs[:BOUND].count()


def link(name: str, *args, **query) -> str:
    url = reverse(name, args=args)
    return f"{url}?{urlencode(query)}" if query else url


def titled(kind: str, title: str) -> str:
    """“主题党日：重温入党誓词”, not “主题党日：主题党日：重温入党誓词” when the title already names its kind."""
    return title if title.startswith(kind) else f"{kind}：{title}"


def waiting_counts(user) -> dict[str, int]:
    rows = Notice.objects.filter(user=user, read_at__isnull=True).values("kind").annotate(n=Count("id"))
    return {row["kind"]: row["n"] for row in rows}


def waiting_figure(waiting: dict, kind: str, label: str, tone: str = "warn") -> Figure:
    return Figure(label, waiting.get(kind, 0), link("workbench:notices", kind=kind), tone if waiting.get(kind) else "")


def top_root(user, role: int):
    """The highest organisation the user holds `role` on (the one the workbench speaks for)."""
    from orgs.models import PartyOrg

    roots = granted_roots(user, role)
    return PartyOrg.objects.filter(path=min(roots, key=len)).first() if roots else None


RECORD_SECONDS = 60


def cached(key: str, build):
    """Counts taken from the records, kept a minute per scope: they change with other people's work, and a page of
    a dozen bounded counts costs more in the ORM than the rest of the page. What waits for the person themself comes
    from their messages and is always live."""
    value = cache.get(key)
    if value is None:
        value = build()
        cache.set(key, value, RECORD_SECONDS)
    return value


def scope_key(user, role: int) -> str:
    return "|".join(sorted(granted_roots(user, role))) or ("*" if user.is_superuser else "-")


# --- per role -------------------------------------------------------------------------------------------------
def sector_panel(user, waiting) -> Panel:
    counts = oversight_counts(user)
    org = {"org": counts["root"]} if counts["root"] else {}
    panel = Panel("行业党委")
    panel.figures = [
        waiting_figure(waiting, Kind.PAIRING_TO_CONFIRM, "共建关系待确认"),
        waiting_figure(waiting, Kind.NOMINATION_TO_REVIEW, "推荐待审核"),
        Figure("应建未建单位", counts["unit_without_org"], link("orgs:warnings", code="unit_without_org", **org), "red"),
        Figure("规则提示", counts["warnings"], link("orgs:warnings", **org), "warn"),
        Figure("任期届满未换届", counts["term_expired"], link("orgs:warnings", code="term_expired", **org), "warn"),
        Figure("30天无活动的党支部", counts["idle"], link("activities:compliance-list", check="idle", state="red", **org),
               "red"),
        Figure("逾期转诊", counts["overdue_referrals"], link("alliances:referrals", overdue=1), "red"),
        Figure("组织关系转接超期未办结", counts["overdue_transfers"], link("transfers:list", overdue=1), "red"),
        Figure("进行中的两个覆盖摸排", counts["open_surveys"], link("coverage:list")),
    ]  # fmt: skip
    return panel


def oversight_counts(user) -> dict[str, int]:
    """The sector's oversight figures, cached a minute per scope: they change with other people's work, and a
    province's eight bounded counts cost more than the rest of the page."""
    from alliances.services import timers
    from coverage.models import RoundStatus, SurveyRound
    from orgs.models import OrgWarning, WarningCode

    def build():
        scope = scope_q(user, Role.SECTOR_ADMIN) or Q()
        warnings = OrgWarning.objects.filter(scope)
        root = top_root(user, Role.SECTOR_ADMIN)
        return {
            "root": root.pk if root else None,
            "unit_without_org": bounded(warnings.filter(code=WarningCode.UNIT_WITHOUT_ORG)),
            "warnings": bounded(warnings),
            "term_expired": bounded(warnings.filter(code=WarningCode.TERM_EXPIRED)),
            "idle": idle_branches(scope),
            "overdue_referrals": overdue_referrals(user, timers()),
            "open_surveys": SurveyRound.objects.filter(scope, status=RoundStatus.OPEN).count(),
            "overdue_transfers": overdue_transfers(scope),
        }

    return cached(f"workbench:oversight:{scope_key(user, Role.SECTOR_ADMIN)}", build)


def overdue_transfers(scope) -> int:
    """Open transfers started in scope longer ago than the CONFIG days (the partial transfer_open_since index)."""
    from transfers.models import Transfer
    from transfers.services import overdue_q, settings

    return bounded(Transfer.objects.filter(scope, overdue_q(settings()["open_days"], timezone.localdate())))


def idle_branches(scope) -> int:
    from activities.models import IDLE, BranchCompliance, ComplianceState

    return bounded(BranchCompliance.objects.filter(scope, state=ComplianceState.RED, check_code=IDLE))


def overdue_referrals(user, cfg: dict) -> int:
    """Referrals the receiving side in scope has let wait past the CONFIG limits: two counts, each on a partial
    index that holds only open referrals."""
    from alliances.models import Referral
    from alliances.services import late_answer_q, late_follow_up_q

    now = timezone.now()
    scoped = Referral.objects.filter(scope_q(user, Role.SECRETARY, "to_path") or Q())
    answer, follow_up = late_answer_q(cfg, now), late_follow_up_q(cfg, now)
    return min(bounded(scoped.filter(answer)) + bounded(scoped.filter(follow_up)), BOUND)


def unit_panel(user, waiting) -> Panel:
    from imports.models import ImportJob, ImportStatus

    imports = ImportJob.objects.filter(user=user, status=ImportStatus.READY).count()
    title, figures = cached(f"workbench:unit:{scope_key(user, Role.UNIT_ADMIN)}", lambda: unit_figures(user))
    panel = Panel(title)
    panel.figures = [
        waiting_figure(waiting, Kind.REVIEW_REQUESTED, "稿件待审核"),
        waiting_figure(waiting, Kind.PAIRING_TO_CONFIRM, "共建关系待确认"),
        waiting_figure(waiting, Kind.NOMINATION_TO_REVIEW, "推荐待审核"),
        waiting_figure(waiting, Kind.SURVEY_TO_FILL, "摸排待填报"),
        waiting_figure(waiting, Kind.TRANSFER_TO_ACCEPT, "组织关系待接收"),
        Figure("导入待确认", imports, link("imports:start"), "warn"),
        *figures,
    ]
    return panel


def unit_figures(user) -> tuple[str, list[Figure]]:
    from activities.models import OVERALL, ComplianceSummary
    from news.models import PageImport, PageImportStatus
    from people.models import PartyStatus, Person

    root = top_root(user, Role.UNIT_ADMIN)
    scope = scope_q(user, Role.UNIT_ADMIN) or Q()
    no_login = Person.objects.filter(scope, party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY],
                                     is_active=True, user__isnull=True)  # fmt: skip
    pages = PageImport.objects.filter(scope, status=PageImportStatus.PENDING)
    from dues.models import DuesAccount
    from dues.services import LAPSE_MONTHS, arrears_q

    figures = [
        Figure("网页导入待审核", bounded(pages), link("news:import"), "warn"),
        Figure("连续6个月未交党费", bounded(DuesAccount.objects.filter(scope, arrears_q(LAPSE_MONTHS))),
               link("dues:arrears", months=LAPSE_MONTHS), "red"),
        Figure("党员未开通账号", bounded(no_login), link("people:list", status="members", account="none")),
    ]
    summary = ComplianceSummary.objects.filter(org=root, check_code=OVERALL).first() if root else None
    if summary is not None:
        for label, count, state, tone in (("红", summary.red, "red", "red"), ("黄", summary.yellow, "yellow", "warn"),
                                          ("绿", summary.green, "green", "ok")):  # fmt: skip
            figures.append(Figure(f"组织生活落实（{label}）", count,
                                  link("activities:compliance-list", org=root.pk, state=state), tone))  # fmt: skip
    return ("单位党办" if root is None else root.name), figures


def secretary_panel(user, waiting) -> Panel:
    from activities.compliance import undone
    from activities.models import Activity

    scope = scope_q(user, Role.SECRETARY) or Q()
    today = timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(today, datetime.time.min))
    meetings = Activity.objects.filter(scope, starts_at__gte=start, starts_at__lt=start + datetime.timedelta(days=1),
                                       is_cancelled=False).order_by("starts_at")  # fmt: skip
    panel = Panel("支部工作")
    panel.figures = [
        Figure(
            "本期三会一课待开展",
            cached(f"workbench:undone:{scope_key(user, Role.SECRETARY)}:{today}", lambda: bounded(undone(user))),
            link("activities:todo"),
            "warn",
        ),
        waiting_figure(waiting, Kind.ARTICLE_RETURNED, "稿件被退回", "red"),
        waiting_figure(waiting, Kind.PROBATION_ENDING, "预备期将满或已满"),
        waiting_figure(waiting, Kind.TERM_ENDING, "任期届满提醒"),
        waiting_figure(waiting, Kind.REFERRAL_TO_RECEIVE, "转诊待接收"),
        waiting_figure(waiting, Kind.REFERRAL_FOLLOW_UP, "下转患者待随访"),
        waiting_figure(waiting, Kind.TRANSFER_RETURNED, "组织关系转接被退回", "red"),
        waiting_figure(waiting, Kind.TRANSFER_RECEIPT, "介绍信回执待登记"),
        *cached(f"workbench:dues:{scope_key(user, Role.SECRETARY)}:{today}", lambda: dues_figures(user, today)),
        cached(f"workbench:development:{scope_key(user, Role.SECRETARY)}:{today}", lambda: development_figure(user, today)),
    ]
    for pk, starts_at, kind, title in meetings.values_list("pk", "starts_at", "kind__name", "title")[:5]:
        panel.rows.append((f"今天 {timezone.localtime(starts_at):%H:%M} {titled(kind, title)}",
                           reverse("activities:detail", args=[pk]), reverse("activities:qr", args=[pk])))  # fmt: skip
    panel.actions = [("登记活动", reverse("activities:create")), ("写稿", reverse("news:create"))]
    return panel


def development_figure(user, today) -> Figure:
    """发展党员 steps due by the end of this month (谈话, 考察, 审批, 转正), overdue ones included."""
    from development.models import OPEN_STAGES, Applicant

    end = (today.replace(day=28) + datetime.timedelta(days=4)).replace(day=1) - datetime.timedelta(days=1)
    due = Applicant.objects.filter(scope_q(user, Role.SECRETARY) or Q(), next_due__lte=end, stage__in=OPEN_STAGES)
    return Figure("发展党员本月到期事项", bounded(due), link("development:list", due="month"), "warn")


def dues_figures(user, today) -> list[Figure]:
    """This month's dues not yet recorded, and members behind by the CONFIG months (R24), in the user's scope."""
    from django.db.models import Exists, OuterRef

    from dues import services as dues
    from dues.models import DuesAccount, Payment, month_start
    from orgs.forms import sole_scope_root

    month = month_start(today)
    accounts = DuesAccount.objects.filter(scope_q(user, Role.SECRETARY) or Q())
    paid = Payment.objects.filter(person_id=OuterRef("person_id"), month=month)
    due = accounts.filter(exempt=False, due_from__lte=month).exclude(Exists(paid))
    warn = dues.settings()["warn_months"]
    branch = sole_scope_root(user, Role.SECRETARY) if highest_role(user) == Role.SECRETARY else None
    month_link = link("dues:month", branch.pk, month.year, month.month) if branch else link("dues:index")
    return [
        Figure("本月党费未登记", bounded(due), month_link, "warn"),
        Figure(f"连续{warn}个月以上未交党费", bounded(accounts.filter(dues.arrears_q(warn, today))),
               link("dues:arrears", months=warn), "red"),
    ]  # fmt: skip


def member_panel(user, waiting) -> Panel:
    from activities.models import Attendance, AttendanceStatus
    from honours.models import Honour

    person_id = own_person(user)[0]
    now = timezone.now()
    mine = Attendance.objects.filter(person_id=person_id)
    upcoming = mine.filter(starts_at__gte=now - datetime.timedelta(hours=3), activity__is_cancelled=False)
    year_start = timezone.make_aware(datetime.datetime(timezone.localdate().year, 1, 1))

    def build():
        this_year = mine.filter(starts_at__gte=year_start, starts_at__lt=now, expected=True)
        counts = dict(this_year.values("status").annotate(n=Count("id")).values_list("status", "n"))
        return [
            Figure("今年应参加", sum(counts.values()), link("activities:mine")),
            Figure("已出席", counts.get(AttendanceStatus.PRESENT, 0), link("activities:mine"), "ok"),
            Figure("请假", counts.get(AttendanceStatus.LEAVE, 0), link("activities:mine")),
            Figure("我的荣誉", Honour.objects.filter(person_id=person_id).count(), link("honours:list", mine=1)),
        ]

    panel = Panel("我的组织生活")
    panel.figures = cached(f"workbench:member:{person_id}", build)
    soonest = upcoming.order_by("starts_at").values_list(
        "starts_at", "checked_in_at", "activity__kind__name", "activity__title"
    )[:3]  # values, not three models of 45 columns: half the query's cost in the ORM
    for starts_at, checked_in_at, kind, title in soonest:
        note = "已签到" if checked_in_at else "到会后扫会场二维码签到"
        panel.rows.append((f"{timezone.localtime(starts_at):%m-%d %H:%M} {titled(kind, title)}",
                           reverse("activities:mine"), note))  # fmt: skip
    panel.empty = "近期没有安排您参加的活动"
    return panel


def partner_panel(user, waiting) -> Panel:
    from activities.models import Activity
    from pairings.models import Commitment, CommitmentStatus, Pairing

    pairings = Pairing.objects.visible_to(user)
    ids = list(pairings.order_by("-id").values_list("id", flat=True)[:200])
    soon = timezone.localdate() + datetime.timedelta(days=30)
    due = Commitment.objects.filter(pairing_id__in=ids, due_on__lte=soon).exclude(
        status__in=[CommitmentStatus.DONE, CommitmentStatus.DROPPED]
    )
    panel = Panel("联学共建")
    panel.figures = [
        Figure("参与的共建关系", len(ids), link("pairings:list")),
        Figure("30天内到期的承诺", due.count(), link("pairings:list"), "warn" if due.exists() else ""),
    ]
    for activity in Activity.objects.filter(pairing_id__in=ids).select_related("kind").order_by("-starts_at")[:5]:
        when = timezone.localtime(activity.starts_at)
        panel.rows.append((f"{when:%Y-%m-%d} {activity.title}", reverse("pairings:detail", args=[activity.pairing_id]),
                           "联合活动"))  # fmt: skip
    panel.empty = "暂无联合活动记录"
    return panel


def panels_for(user) -> list[Panel]:
    """The panels of every role the user holds, highest first, and the member's own if they have a record."""
    roles = {role for _, role in grants_of(user)}
    if user.is_superuser:
        roles.add(Role.SECTOR_ADMIN)
    waiting = waiting_counts(user)
    panels = []
    if Role.SECTOR_ADMIN in roles:
        panels.append(sector_panel(user, waiting))
    if Role.UNIT_ADMIN in roles:
        panels.append(unit_panel(user, waiting))
    if roles & {Role.SECRETARY, Role.UNIT_ADMIN}:
        panels.append(secretary_panel(user, waiting))
    if Role.PARTNER in roles:
        panels.append(partner_panel(user, waiting))
    if own_person(user):
        panels.append(member_panel(user, waiting))
    return panels
