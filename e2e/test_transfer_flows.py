"""组织关系转接 in a browser with the demo's logins: 博爱医院第十党支部's secretary sends a member to 大涌医院党支部 on a
laptop; 大涌's admin, on a phone, finds it on the 工作台, accepts it, and the member's page tells the story. The
stored memberships are checked afterwards."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick
from e2e.test_demo_journeys import demo, fits_phone, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_sends_a_member_and_the_other_hospital_accepts(sign_in, live_server):  # noqa: F811
    from django.utils import timezone

    from orgs.models import PartyOrg
    from people.models import PartyStatus, Person
    from transfers.models import Status, Transfer

    branch = PartyOrg.objects.get(name="中山市博爱医院第十党支部")
    target = PartyOrg.objects.get(name="中山市大涌医院党支部")
    busy = set(Transfer.objects.values_list("person_id", flat=True))
    member = (
        Person.objects.filter(memberships__org=branch, memberships__end_on__isnull=True, party_status=PartyStatus.FORMAL,
                              user__isnull=True)  # fmt: skip
        .exclude(pk__in=busy)
        .order_by("name_pinyin")
        .first()
    )
    secretary = sign_in("secretary")
    secretary.goto(f"{live_server.url}/people/{member.pk}/")
    secretary.click("main >> text=组织关系转接 >> visible=true")
    expect(secretary.locator("[data-show-when='kind=outgoing']")).to_be_hidden()  # only the platform's picker
    pick(secretary, "id_to_org", "大涌", "中山市大涌医院党支部")
    month = timezone.localdate().strftime("%Y-%m")
    secretary.fill("#id_dues_paid_until", month)
    secretary.fill("#id_note", "调往大涌医院工作")
    secretary.click("main form button[type=submit]")
    expect(secretary.locator("main")).to_contain_text("待接收")
    transfer = Transfer.objects.get(person=member)
    assert transfer.status == Status.SENT and transfer.to_org == target
    assert member.memberships.get(end_on__isnull=True).org == branch  # nothing moves before the other side accepts

    dayong = sign_in("dayong", phone=True)
    dayong.locator("a.stat", has=dayong.locator(".stat-label", has_text="组织关系待接收")).click()
    dayong.click(f"text={member.name}的组织关系 >> visible=true")
    expect(dayong.locator("h1")).to_contain_text(member.name)
    fits_phone(dayong)
    dayong.click("text=接收转入 >> visible=true")
    expect(dayong.locator("main")).to_contain_text("已转入")
    dayong.locator("main dl a", has_text=member.name).click()  # the member is now 大涌's to see
    expect(dayong.locator("main")).to_contain_text("中山市博爱医院第十党支部 → 中山市大涌医院党支部")
    fits_phone(dayong)

    transfer.refresh_from_db()
    assert transfer.status == Status.ACCEPTED and transfer.dues_paid_until.strftime("%Y-%m") == month
    current = member.memberships.get(end_on__isnull=True)
    assert current.org == target and current.start_on == transfer.moved_on
    assert member.memberships.get(org=branch).end_on == transfer.moved_on
