"""Demo records that wait for someone, so that each demo login's 工作台 has something to do: a branch's article
submitted for review, a pairing proposed to a hospital that has not yet confirmed it, and a member of that branch
whose 组织关系 is on its way to 大涌医院党支部."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from news import services as news_services
from news.models import Article, Column, Status
from orgs.models import PartyOrg
from pairings import services as pairing_services
from pairings.models import Pairing, PairingCategory

ARTICLE_TITLE = "第十党支部开展“学条例、守规矩”主题党日活动"
PAIRING_TITLE = "博爱医院—大涌医院党支部党建联学共建"


def load_demo_waiting() -> int:
    users = {u.username: u for u in get_user_model().objects.filter(username__in=["secretary", "boai_admin"])}
    written = load_demo_transfer(users.get("secretary"))
    branch = PartyOrg.objects.filter(name="中山市博爱医院第十党支部").first()
    column = Column.objects.filter(org__name="中共中山市博爱医院委员会").order_by("id").first()
    if branch and column and "secretary" in users and not Article.objects.filter(title=ARTICLE_TITLE).exists():
        article = Article(org=branch, column=column, title=ARTICLE_TITLE, created_by=users["secretary"],
                          body_html=news_services.paragraphs_to_html([
                              "本月主题党日，第十党支部组织党员集中学习《中国共产党支部工作条例（试行）》，"
                              "对照条例逐条检查支部三会一课记录。",
                              "支部书记带领大家重温入党誓词，党员结合岗位谈体会，并就规范病历书写提出改进措施。",
                          ]))  # fmt: skip
        news_services.save_article(article)
        news_services.move(users["secretary"], article.pk, Status.REVIEW)
        written += 1
    lead = PartyOrg.objects.filter(name="中共中山市博爱医院委员会").first()
    partner = PartyOrg.objects.filter(name="中山市大涌医院党支部").first()
    category = (
        PairingCategory.objects.filter(name="医联体共建").first() or PairingCategory.objects.order_by("id").first()
    )
    if (
        lead
        and partner
        and category
        and "boai_admin" in users
        and not Pairing.objects.filter(title=PAIRING_TITLE).exists()
    ):
        today = timezone.localdate()
        pairing = Pairing(title=PAIRING_TITLE, category=category, lead_org=lead, starts_on=today,
                          ends_on=today + datetime.timedelta(days=3 * 365),
                          plan="两院党支部结对，开展专家下沉坐诊、业务培训和联合义诊。")  # fmt: skip
        pairing_services.propose(users["boai_admin"], pairing, [partner])  # waits for 大涌's admin to confirm
        written += 1
    return written


def load_demo_transfer(secretary) -> int:
    """A member of the secretary's branch moving to 大涌医院党支部 for work, waiting for 大涌's admin to accept."""
    from people.models import PartyStatus, Person
    from transfers import services as transfer_services
    from transfers.models import Reason, Transfer

    branch = PartyOrg.objects.filter(name="中山市博爱医院第十党支部").first()
    target = PartyOrg.objects.filter(name="中山市大涌医院党支部").first()
    if not (secretary and branch and target) or Transfer.objects.filter(to_org=target).exists():
        return 0
    member = (
        Person.objects.filter(memberships__org=branch, memberships__end_on__isnull=True, party_status=PartyStatus.FORMAL,
                              user__isnull=True, positions__isnull=True)  # fmt: skip
        .order_by("id")
        .first()
    )
    if member is None:
        return 0
    transfer_services.start(
        secretary, member, kind="internal", to_org=target, reason=Reason.JOB, transfer_on=timezone.localdate(),
        note="调往大涌医院工作", dues_paid_until=timezone.localdate().replace(day=1),
    )  # fmt: skip
    return 1
