"""Script from data never runs: a corpus of injection vectors is stored in the free-text fields of every kind of
record (and read in through the page importer), then every page that shows them, charts and their tooltips
included, is opened in chromium as an administrator. Any dialog, any request to an outside host or to a probe
URL, and any Content-Security-Policy violation (markup that reached the page unescaped, even if blocked) fails.
"""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VECTORS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(2)>",
    "<svg onload=alert(3)>",
    '"><script>alert(4)</script>',
    "'><img src=x onerror=alert(5)>",
    "javascript:alert(6)",
    '<a href="javascript:alert(7)">链接</a>',
    '<iframe src="javascript:alert(8)"></iframe>',
    "<body onload=alert(9)>",
    "<details open ontoggle=alert(10)>",
    "<input autofocus onfocus=alert(11)>",
    '" onmouseover="alert(12)" x="',
    "' onfocus='alert(13)' autofocus='",
    "</textarea><script>alert(14)</script>",
    "</title><script>alert(15)</script>",
    "<style>@import 'http://xss.invalid/16.css';</style>",
    "<link rel=stylesheet href=http://xss.invalid/17.css>",
    '<img src="http://xss.invalid/18.png">',
    "{{7*7}}{{ ''.__class__.__mro__ }}",
    "{% debug %}{{ request.user }}",
    "${alert(21)}",
    '<div hx-get="/xss-probe-22" hx-trigger="load">x</div>',
    '<button hx-post="/xss-probe-23" hx-trigger="load">x</button>',
    '<div hx-on:htmx:load="alert(24)" hx-get="/xss-probe-24" hx-trigger="load">x</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(25)>",
    '<object data="javascript:alert(26)">',
    '<embed src="http://xss.invalid/27.swf">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(28)">',
    '<base href="http://xss.invalid/29/">',
    "<svg><animate onbegin=alert(30) attributeName=x dur=1s>",
    "\u2028\u2029</script><script>alert(31)</script>",
    "<img src=x:alert(32) onerror=eval(src)>",
    '"-alert(33)-"',
    "</script><svg onload=alert(34)>",
]

WATCH = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__violations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def vector(i: int) -> str:
    return VECTORS[i % len(VECTORS)]


def poison(cast, world) -> None:
    """Every free-text field of every kind of record gets a vector (each vector lands in several fields)."""
    from activities.models import Activity
    from alliances.models import Alliance, Referral
    from coverage.models import SurveyRound, SurveyRow
    from honours.models import AssessmentScheme, Honour, NominationBatch
    from news.models import Article, Column
    from orgs.models import Institution, PartyOrg
    from pairings.models import Commitment, Need, Pairing, Project, Resource
    from people.models import Person

    fields = [
        (Institution, cast.hospital_b.pk, ["name", "short_name"]),
        (Institution, world.clinic.pk, ["name"]),
        (PartyOrg, cast.branch_a2.pk, ["name"]),
        (PartyOrg, cast.org_b.pk, ["name"]),
        (PartyOrg, cast.partner_org.pk, ["name"]),
        (Person, cast.person_a1.pk, ["department", "job_title", "note", "ethnicity"]),
        (Person, cast.member_person.pk, ["name", "department"]),
        (Activity, world.activity.pk, ["title", "place", "summary", "agenda", "minutes", "decisions"]),
        (Pairing, world.pairing.pk, ["title", "plan", "outcomes"]),
        (Commitment, world.commitment.pk, ["content", "target"]),
        (Need, world.need.pk, ["title", "detail"]),
        (Resource, world.resource.pk, ["title", "detail", "capacity"]),
        (Project, world.project.pk, ["title", "owners"]),
        (Alliance, world.alliance.pk, ["name", "specialty", "note"]),
        (Referral, world.referral.pk, ["patient_name", "reason"]),
        (Column, world.column.pk, ["name", "parent_name"]),
        (Article, world.article.pk, ["title", "summary", "source", "author", "editor"]),
        (Honour, world.honour.pk, ["issuer", "note", "post_name"]),
        (NominationBatch, world.batch.pk, ["title", "issuer"]),
        (AssessmentScheme, world.scheme.pk, ["name"]),
        (SurveyRound, world.survey.pk, ["name"]),
        (SurveyRow, world.survey_row.pk, ["instructor", "note"]),
    ]  # fmt: skip
    from activities.models import GuestGroup, Outcome, Speaker, SpeakerRole

    Speaker.objects.create(activity=world.activity, name=VECTORS[0][:40], role=SpeakerRole.values[0],
                           post=VECTORS[1][:80], topic=VECTORS[2][:120])  # fmt: skip
    GuestGroup.objects.create(activity=world.activity, unit_name=VECTORS[3][:100], count=3, note=VECTORS[4][:100])
    Outcome.objects.create(activity=world.activity, label=VECTORS[5][:40], value=1, unit=VECTORS[6][:10])
    i = 0
    for model, pk, names in fields:
        values = {}
        for name in names:
            limit = model._meta.get_field(name).max_length
            values[name] = vector(i)[:limit] if limit else vector(i)
            i += 1
        model.objects.filter(pk=pk).update(**values)
    from orgs import services

    services.refresh_orgs()  # paths and cached names


def imported_page(cast) -> str:
    """A saved news page whose title, source, people and body carry vectors, staged by the page importer."""
    from news import importer

    body = "".join(f"<p>{v}</p>" for v in VECTORS)
    page = (
        f"<html><head><title>{VECTORS[14]}</title></head><body><div class='crumbs'>首页 > 党建动态</div>"
        f"<h1>{VECTORS[3]}联学共建活动</h1><div>发布时间：2024-05-25 来源：{VECTORS[1]} 作者：{VECTORS[11]}</div>"
        f"<div class='content'>{body}<p>5月22日，{VECTORS[2]}医院与{VECTORS[4]}卫生院开展联学共建。</p></div></body></html>"
    )
    return importer.stage(cast.users["unit_admin"], cast.org_a, "hostile.html", page.encode())


def test_no_vector_runs_anywhere(page_as, live_server, cast, browser):
    from core.tests.test_url_matrix import build_world
    from news.models import PageImport

    world = build_world(cast)
    poison(cast, world)
    batch = imported_page(cast)
    item = PageImport.objects.get(batch=batch)

    executed, outside = [], []
    page = page_as("sector_admin")
    page.context.add_init_script(WATCH)
    page.on("dialog", lambda dialog: (executed.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith(live_server.url) or "xss" in request.url else None)  # fmt: skip
    pages = [
        "/", "/orgs/", f"/orgs/{cast.org_a.pk}/", f"/orgs/{cast.branch_a2.pk}/", "/orgs/list/", "/orgs/institutions/",
        f"/orgs/institutions/{cast.hospital_b.pk}/", "/orgs/warnings/", "/people/", f"/people/{cast.person_a1.pk}/",
        f"/people/{cast.member_person.pk}/", "/activities/", f"/activities/{world.activity.pk}/",
        f"/activities/{world.activity.pk}/attendance/", f"/activities/{world.activity.pk}/signin-sheet/",
        f"/activities/org/{cast.branch_a1.pk}/calendar/", "/activities/compliance/", "/pairings/",
        f"/pairings/{world.pairing.pk}/", "/alliances/", f"/alliances/{world.alliance.pk}/", "/alliances/referrals/",
        f"/alliances/referrals/{world.referral.pk}/", "/news/", f"/news/{world.article.pk}/", "/news/columns/",
        f"/news/import/batch/{batch}/", f"/news/import/{item.pk}/", "/honours/", f"/honours/batches/{world.batch.pk}/",
        f"/honours/nominations/{world.nomination.pk}/", "/honours/schemes/", f"/honours/schemes/{world.scheme.pk}/",
        f"/honours/schemes/{world.scheme.pk}/results/", f"/honours/assessments/{world.assessment.pk}/",
        "/coverage/", f"/coverage/{world.survey.pk}/", f"/coverage/{world.survey.pk}/compare/",
        f"/news/site/{cast.org_a.pk}/", "/honours/golden/", "/accounts/grants/",
    ]  # fmt: skip
    violations = {}
    for path in pages:
        response = page.goto(live_server.url + path)
        assert response.status == 200, f"{path}: {response.status}"
        page.wait_for_load_state("networkidle")
        if found := page.evaluate("window.__violations"):
            violations[path] = found

    # charts: every tooltip shown, on the co-construction network and the sector's dashboard
    for path, ids in (("/pairings/network/", ["network"]),
                      ("/dashboards/", ["chart-members", "chart-ages", "chart-education", "chart-activities",
                                        "chart-honours"])):  # fmt: skip
        page.goto(live_server.url + path)
        shown = 0
        for chart_id in ids:
            page.wait_for_selector(f"#{chart_id}[data-rendered]")
            shown += page.evaluate(
                """(id) => { const chart = echarts.getInstanceByDom(document.getElementById(id));
                    if (!chart) return 0;  // 暂无数据
                    const option = chart.getOption(); let shown = 0;
                    option.series.forEach((series, s) => (series.data || []).forEach((_, i) => {
                      chart.dispatchAction({type: "showTip", seriesIndex: s, dataIndex: i}); shown++; }));
                    return shown; }""",
                chart_id,
            )
        assert shown > 0, f"{path}: no chart had data to show"
        page.wait_for_timeout(300)
        if found := page.evaluate("window.__violations"):
            violations[path] = found

    assert executed == [], f"script ran: {executed}"
    assert outside == [], f"requests to outside hosts or probes: {outside}"
    assert violations == {}, f"markup reached pages unescaped (blocked by the CSP): {violations}"
