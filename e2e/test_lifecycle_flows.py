"""The member's lifecycle in a browser with the demo's logins: 第十党支部's secretary records a month's 党费 for the
whole branch in one step (on a phone), and takes an applicant from application to 正式党员 across the real
intervals (dates in the past), with 博爱医院's 党办 recording the 党委's approvals. Stored records are checked."""

import datetime

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick
from e2e.test_demo_journeys import demo, fits_phone, sign_in  # noqa: F401 - fixtures

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_secretary_records_the_months_dues_in_one_step_on_a_phone(sign_in, live_server):  # noqa: F811
    from django.utils import timezone

    from dues.models import DuesTotal, Payment
    from orgs.models import PartyOrg

    branch = PartyOrg.objects.get(name="中山市博爱医院第十党支部")
    month = timezone.localdate().replace(day=1)
    page = sign_in("secretary", phone=True)
    page.goto(live_server.url + "/dues/")
    expect(page.locator("h1")).to_contain_text(f"{month.year}年{month.month}月党费")
    boxes = page.locator("input[name=person]")
    count = boxes.count()
    assert count >= 10
    boxes.nth(0).uncheck()  # one member has not paid yet
    page.fill("#id_receipt", "DF-E2E")
    page.click("text=登记为已交 >> visible=true")
    expect(page.locator(".msg")).to_contain_text(f"已登记{count - 1}人")
    fits_phone(page)
    paid = Payment.objects.filter(month=month, org=branch)
    assert paid.count() == count - 1 and set(paid.values_list("receipt", flat=True)) == {"DF-E2E"}
    total = DuesTotal.objects.get(org=branch, month=month)
    assert total.payments == count - 1 and total.amount == sum(p.amount for p in paid)
    expect(page.locator("input[name=person]")).to_have_count(1)  # the one left unpaid can still be ticked


def test_an_applicant_becomes_a_formal_member_across_the_real_intervals(sign_in, live_server):  # noqa: F811
    from development.models import Applicant, Stage
    from people.models import Person

    secretary = sign_in("secretary")
    secretary.goto(live_server.url + "/development/new/")
    secretary.fill("#id_name", "林新苗")
    secretary.fill("#id_birth_date", "1998-04-01")
    pick(secretary, "id_org", "第十党支部", "中山市博爱医院第十党支部")
    secretary.fill("#id_applied_on", "2021-03-01")
    secretary.fill("#id_talked_on", "2021-03-18")
    secretary.click("main form button[type=submit]")
    expect(secretary.locator("h1")).to_contain_text("林新苗")
    applicant = Applicant.objects.get(person__name="林新苗")
    formal = Person.objects.filter(home_org__name="中山市博爱医院第十党支部", party_status="formal").order_by("id")
    first, second = formal[0], formal[1]

    def step(page, name, fields, pickers=()):
        box = page.locator(f"#step-{name}")
        if box.get_attribute("open") is None:
            box.locator("summary").click()
        for field, value in fields.items():
            page.fill(f"#id_{name}-{field}", value)
        for field, person in pickers:
            pick(page, f"id_{name}-{field}", person.name, person.name)
        page.locator(f"#step-{name} button[type=submit]").click()

    step(secretary, "activist", {"activist_on": "2021-04-20", "filed_on": "2021-04-25"}, [("contact_1", first)])
    expect(secretary.locator("h1")).to_contain_text("入党积极分子")
    step(secretary, "review", {"reviewed_on": "2021-10-20", "note": "表现良好"})
    step(secretary, "candidate", {"candidate_on": "2022-04-20"})  # a year to the day: too early (R27)
    expect(secretary.locator("main")).to_contain_text("最早2022-04-21")
    step(secretary, "candidate", {"candidate_on": "2022-04-21"})
    expect(secretary.locator("h1")).to_contain_text("发展对象")
    step(secretary, "admit", {"political_review_on": "2022-05-10", "training_hours": "24", "training_done_on": "2022-05-20",
                              "pre_review_on": "2022-05-25", "publicity_from": "2022-05-30", "publicity_to": "2022-06-03",
                              "admitted_on": "2022-06-10", "eligible_voters": "20", "votes_for": "18",
                              "votes_against": "0", "votes_abstain": "1"},
         [("introducer_1", first), ("introducer_2", second)])  # fmt: skip
    expect(secretary.locator("h1")).to_contain_text("预备党员")

    admin = sign_in("boai_admin")
    admin.goto(f"{live_server.url}/development/{applicant.pk}/")
    step(admin, "approve", {"approved_on": "2022-07-01"})
    expect(admin.locator("main")).to_contain_text("已登记上级党委审批")
    secretary.goto(f"{live_server.url}/development/{applicant.pk}/")
    step(secretary, "confirm", {"confirmation_voted_on": "2023-06-12"})
    admin.goto(f"{live_server.url}/development/{applicant.pk}/")
    step(admin, "approve", {"approved_on": "2023-06-20"})
    expect(admin.locator("h1")).to_contain_text("正式党员")

    applicant.refresh_from_db()
    person = applicant.person
    assert applicant.stage == Stage.FORMAL
    assert (person.party_status, person.joined_on, person.confirmed_on) == (
        "formal", datetime.date(2022, 6, 10), datetime.date(2023, 6, 10))  # fmt: skip
    assert person.memberships.get().org.name == "中山市博爱医院第十党支部"
    secretary.goto(f"{live_server.url}/people/{person.pk}/")
    expect(secretary.locator("main")).to_contain_text("党龄")
    expect(secretary.locator("main")).to_contain_text("2023-06-10")
