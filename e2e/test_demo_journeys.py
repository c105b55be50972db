"""Each role and each seed scenario played end to end with the demo's own logins (`make run` prints them), on a
laptop and on a phone, checking the stored records afterwards and not only the page."""

import pytest
from playwright.sync_api import expect

from e2e.helpers import pick

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def demo(transactional_db):
    import io

    from django.core.management import call_command

    from core.testing import ensure_reference_data

    ensure_reference_data()
    call_command("load_demo", stdout=io.StringIO())


@pytest.fixture
def sign_in(browser, live_server, demo):
    """A page signed in as a demo login, with the authenticator code an administrator's phone would show."""
    from core.demo_data import DEMO_PASSWORD

    contexts = []

    def login(username, phone=False):
        from django_otp.oath import totp
        from django_otp.plugins.otp_totp.models import TOTPDevice

        context = browser.new_context(viewport=PHONE if phone else {"width": 1280, "height": 900}, locale="zh-CN",
                                      is_mobile=phone)  # fmt: skip
        contexts.append(context)
        page = context.new_page()
        page.goto(live_server.url + "/accounts/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        if "/accounts/otp/" in page.url:
            device = TOTPDevice.objects.get(user__username=username, confirmed=True)
            page.fill("#id_code", f"{totp(device.bin_key, step=device.step, digits=device.digits):06d}")
            page.click("#otp-submit")
        page.wait_for_url(live_server.url + "/")
        return page

    yield login
    for context in contexts:
        context.close()


def fits_phone(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} scrolls sideways on a phone ({width}px)"


def test_dongguan_public_and_private_hospital_record_a_joint_party_day(sign_in, live_server):
    """东莞: 七院 records the 主题党日 it promised 南栅 under their pairing; 南栅 sees it on a phone."""
    from activities.models import Activity
    from pairings.models import Pairing

    pairing = Pairing.objects.get(title__contains="东莞七院—虎门南栅医院")
    admin = sign_in("dg7_admin")
    admin.goto(f"{live_server.url}/pairings/{pairing.pk}/")
    admin.click("text=登记联合活动 >> visible=true")
    admin.select_option("#id_kind", label="主题党日")
    admin.fill("#id_title", "庆祝建党103周年主题党日（七院文创园）")
    expect(admin.locator("#id_lead_org")).not_to_have_value("")  # the admin's own committee comes chosen
    admin.fill("#id_starts_at", "2024-07-01T09:00")
    admin.fill("#id_place", "东莞市第七人民医院文创园")
    admin.click("main form button[type=submit]")
    expect(admin.locator("h1")).to_contain_text("庆祝建党103周年主题党日")
    activity = Activity.objects.get(title="庆祝建党103周年主题党日（七院文创园）")
    assert activity.pairing_id == pairing.pk
    sides = set(activity.organisers.values_list("org__name", flat=True))
    assert {"中共东莞市第七人民医院委员会", "东莞市虎门南栅医院党支部"} <= sides, sides

    partner = sign_in("nanzha", phone=True)
    partner.goto(f"{live_server.url}/pairings/{pairing.pk}/")
    expect(partner.locator("main")).to_contain_text("庆祝建党103周年主题党日")
    partner.click("text=庆祝建党103周年主题党日（七院文创园） >> visible=true")
    expect(partner.locator("h1")).to_contain_text("庆祝建党103周年主题党日")
    fits_phone(partner)


def test_baiyun_one_plus_n_partners_and_the_sector_network(sign_in, live_server):
    """白云: a health centre on the 1+N pairing finds it on a phone; the sector committee sees the network."""
    taihe = sign_in("taihe", phone=True)
    taihe.goto(live_server.url + "/pairings/")
    taihe.click("text=精康龙归院区“1+N”红联共建 >> visible=true")
    expect(taihe.locator("main")).to_contain_text("太和镇卫生院党支部")
    fits_phone(taihe)

    sector = sign_in("sector")
    sector.goto(live_server.url + "/pairings/network/")
    sector.wait_for_selector("#network[data-rendered]")
    names = sector.evaluate(
        "echarts.getInstanceByDom(document.getElementById('network')).getOption().series[0].data.map(n => n.name)"
    )
    assert "太和镇卫生院党支部" in names and "广州精康医疗集团党委龙归院区党支部" in names, names


def test_zhongshan_secretary_meeting_member_checks_in_and_unit_publishes(sign_in, live_server):
    """中山 博爱: the secretary shows today's QR code, the member checks in on a phone, the secretary drafts the
    report, the unit's 党办 publishes it and it is on the hospital's public site."""
    from django.contrib.auth import get_user_model

    from activities.models import Activity, Attendance
    from news.models import Article, Column
    from orgs.models import PartyOrg

    secretary = sign_in("secretary")
    meeting = Activity.objects.get(title__contains="可扫码签到")
    secretary.goto(f"{live_server.url}/activities/{meeting.pk}/")
    secretary.click("text=签到二维码 >> visible=true")
    checkin_url = secretary.locator("#qr a").get_attribute("href")

    member = sign_in("member", phone=True)
    member.goto(checkin_url)
    member.click("text=确认签到 >> visible=true")
    expect(member.locator("main")).to_contain_text("签到成功")
    fits_phone(member)
    person = get_user_model().objects.get(username="member").person
    assert Attendance.objects.get(activity=meeting, person=person).status == "present"

    secretary.goto(f"{live_server.url}/news/new/")
    secretary.fill("#id_title", "第十党支部开展主题党日活动")
    secretary.select_option("#id_column", index=1)
    secretary.locator(".rich-body [contenteditable=true]").click()
    secretary.keyboard.type("第十党支部全体党员重温入党誓词。")
    secretary.click("main form button[type=submit]")
    secretary.click("button:has-text('提交审核')")
    article = Article.objects.get(title="第十党支部开展主题党日活动")
    assert article.status == "review"

    unit = sign_in("boai_admin")
    unit.goto(f"{live_server.url}/news/{article.pk}/")
    unit.click("button:has-text('发布')")
    expect(unit.locator("main")).to_contain_text("已发布")
    boai = PartyOrg.objects.get(name="中共中山市博爱医院委员会")
    column = Column.objects.get(pk=Article.objects.get(pk=article.pk).column_id)
    reader = sign_in("veteran", phone=True)  # any reader: the site needs no login
    reader.goto(f"{live_server.url}/news/site/{boai.pk}/c/{column.pk}/")
    reader.click("text=第十党支部开展主题党日活动 >> visible=true")
    expect(reader.locator(".article-body")).to_contain_text("重温入党誓词")
    fits_phone(reader)


def test_dayong_refers_a_patient_up_to_boai_and_boai_accepts(sign_in, live_server):
    """中山 大涌: the entrusted hospital refers a patient up on a phone; 博爱 accepts at its desk."""
    from alliances.models import Referral

    dayong = sign_in("dayong", phone=True)
    dayong.goto(live_server.url + "/alliances/referrals/new/")
    dayong.select_option("#id_alliance", label="博爱医院托管大涌医院")
    dayong.select_option("#id_direction", "up")
    expect(dayong.locator("#id_from_institution")).not_to_have_value("")  # their one hospital comes chosen
    pick(dayong, "id_to_institution", "博爱", "中山市博爱医院")
    dayong.fill("#id_patient_name", "张三")
    dayong.fill("#id_reason", "急性胸痛，需行冠脉介入")
    dayong.click("main form button[type=submit]")
    expect(dayong.locator("h1")).to_contain_text("上转")
    fits_phone(dayong)
    referral = Referral.objects.get(patient_name="张三")

    boai = sign_in("boai_admin")
    boai.goto(f"{live_server.url}/alliances/referrals/{referral.pk}/")
    boai.click("button[value=accepted]")
    referral.refresh_from_db()
    assert referral.status == "accepted"


def test_mengyin_and_the_sector_see_their_records(sign_in, live_server):
    """临沂 蒙阴: the hospital sees its 示范点 title; 中山's sector committee drills its compliance down."""
    mengyin = sign_in("mengyin", phone=True)
    mengyin.goto(live_server.url + "/honours/")
    mengyin.select_option("select[name=kind]", label="党建工作示范点")
    mengyin.click("text=查询 >> visible=true")
    expect(mengyin.locator("main tbody")).to_contain_text("中共临沂市委组织部")
    fits_phone(mengyin)

    sector = sign_in("zs_sector")
    sector.goto(live_server.url + "/activities/compliance/")
    expect(sector.locator("h1")).to_contain_text("组织生活开展情况")
    sector.click("text=中共中山市博爱医院委员会 >> visible=true")
    rows = sector.locator("main tbody tr td:first-child").all_inner_texts()
    branches = [r for r in rows if r.startswith("中山市博爱医院第")]
    assert branches[:3] == ["中山市博爱医院第一党支部", "中山市博爱医院第二党支部", "中山市博爱医院第三党支部"], rows


def test_partner_contact_sees_only_the_pairing_it_takes_part_in(sign_in, live_server):
    """港口镇党委's contact (partner role) on a phone: its pairing with 博爱 and nothing of the hospital's registry."""
    partner = sign_in("partner", phone=True)
    partner.goto(live_server.url + "/pairings/")
    expect(partner.locator("main")).to_contain_text("博爱医院—港口镇党委党建共建")
    expect(partner.locator("main")).not_to_contain_text("精康龙归院区")
    partner.click("text=博爱医院—港口镇党委党建共建 >> visible=true")
    expect(partner.locator("main")).to_contain_text("中共中山市港口镇委员会")
    fits_phone(partner)
    partner.goto(live_server.url + "/people/?q=李永川")
    expect(partner.locator("main tbody")).not_to_contain_text("李永川")  # the hospital's registry stays closed
