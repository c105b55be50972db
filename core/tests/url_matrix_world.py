"""The world of the URL × role matrix: the test cast plus one record of every kind, in hospital A (under the
sector), with a pairing to the partner's town committee. Built by core/tests/test_url_matrix.py."""

import datetime
import io
from decimal import Decimal
from types import SimpleNamespace

from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from activities import services as activity_services
from activities.models import Activity, ActivityKind, ActivityPhoto, LinkHeading
from alliances.models import Alliance, Referral
from core.models import ExportJob
from core.testing import sign_in
from coverage.models import SurveyRound, SurveyRow
from development import services as development_services
from development.models import Document as ApplicantDocument
from dues import services as dues_services
from honours.models import Assessment, AssessmentScheme, Honour, HonourKind, Nomination, NominationBatch
from imports import services as import_services
from imports.tests.test_import_people import row, xlsx
from news.models import Article, ArticlePhoto, Column, PageImport, SiteProfile
from orgs.models import Institution
from pairings.models import Commitment, Need, Pairing, PairingCategory, Project, Resource
from people.models import Person, Position
from transfers import services as transfer_services
from transfers.models import Transfer
from workbench.models import Kind, Notice


def jpeg() -> ContentFile:
    buffer = io.BytesIO()
    Image.new("RGB", (32, 24), "red").save(buffer, "JPEG")
    return ContentFile(buffer.getvalue(), name="photo.jpg")


# --- the world -------------------------------------------------------------------------------------------


def build_world(cast) -> SimpleNamespace:
    w = SimpleNamespace()
    now = timezone.now()
    unit_admin = Client()
    sign_in(unit_admin, cast.users["unit_admin"])
    sector_admin = Client()
    sign_in(sector_admin, cast.users["sector_admin"])
    secretary = Client()
    sign_in(secretary, cast.users["secretary"])

    w.activity = Activity(title="矩阵主题党日", kind=ActivityKind.objects.get(code="party_day"), lead_org=cast.branch_a1,
                          starts_at=now - datetime.timedelta(minutes=10))  # fmt: skip
    w.activity.save()
    activity_services.set_organisers(w.activity, [cast.branch_a1])
    activity_services.sync_roll(w.activity)
    w.activity_photo = ActivityPhoto.objects.create(activity=w.activity, image=jpeg(), caption="合影")
    w.position = Position.objects.get(person=cast.person_a1)

    unit_admin.post(reverse("pairings:create"), {
        "title": "矩阵联学共建", "category": PairingCategory.objects.get(name="公立+民营").pk, "mode": "1+1",
        "lead_org": cast.org_a.pk, "signed_on": "2024-05-22", "plaque_on": "", "starts_on": "2024-05-22",
        "ends_on": "", "plan": "五联共建", "outcomes": "", "partner_0": cast.partner_org.pk,
    })  # fmt: skip
    w.pairing = Pairing.objects.get(title="矩阵联学共建")
    w.lead_member = w.pairing.members.get(is_lead=True)
    w.partner_member = w.pairing.members.get(org=cast.partner_org)
    w.partner_member.accepted_at = now  # the town committee accepted: the pairing is in force
    w.partner_member.save()
    w.pairing.agreement.save("agreement.pdf", ContentFile(b"%PDF-1.4 matrix agreement"), save=False)
    w.pairing.status = "active"
    w.pairing.save()
    unit_admin.post(reverse("pairings:create"), {
        "title": "矩阵待确认共建", "category": PairingCategory.objects.get(name="公立+民营").pk, "mode": "1+1",
        "lead_org": cast.org_a.pk, "signed_on": "2024-05-22", "plaque_on": "", "starts_on": "2024-05-22",
        "ends_on": "", "plan": "", "outcomes": "", "partner_0": cast.org_b.pk,
    })  # fmt: skip
    w.pending_member = Pairing.objects.get(title="矩阵待确认共建").members.get(org=cast.org_b)
    heading = LinkHeading.objects.first()
    w.commitment = Commitment.objects.create(pairing=w.pairing, heading=heading, content="联学一次")
    w.need = Need.objects.create(pairing=w.pairing, member=w.lead_member, title="专科支持")
    w.resource = Resource.objects.create(pairing=w.pairing, member=w.lead_member, title="专家坐诊")
    w.project = Project.objects.create(pairing=w.pairing, need=w.need, resource=w.resource, title="坐诊项目")

    sector_admin.post(reverse("alliances:create"), {
        "name": "矩阵医联体", "kind": "trusteeship", "lead": cast.hospital_a.pk, "signed_on": "2024-06-20",
        "starts_on": "2024-06-20", "ends_on": "", "specialty": "", "note": "", "member_0": cast.hospital_b.pk,
    })  # fmt: skip
    w.alliance = Alliance.objects.get(name="矩阵医联体")
    w.alliance_member = w.alliance.members.get(institution=cast.hospital_b)
    unit_admin.post(reverse("alliances:referral-create"), {
        "alliance": w.alliance.pk, "pairing": "", "direction": "down", "from_institution": cast.hospital_a.pk,
        "to_institution": cast.hospital_b.pk, "patient_name": "张三", "patient_id": "442000198001010017",
        "reason": "康复期回基层",
    })  # fmt: skip
    w.referral = Referral.objects.get()

    w.column = Column.objects.create(org=cast.org_a, name="党建动态")
    secretary.post(reverse("news:create"), {
        "org": cast.branch_a1.pk, "column": w.column.pk, "title": "矩阵文章", "summary": "", "body_html": "<p>正文</p>",
        "source": "党办", "author": "林晓", "editor": "", "published_at": "",
    })  # fmt: skip
    w.article = Article.objects.get(title="矩阵文章")
    w.article_photo = ArticlePhoto.objects.create(article=w.article, image=jpeg(), caption="图")
    w.page_import = PageImport.objects.create(
        org=cast.org_a, batch="matrixbatch", file_name="page.txt", created_by=cast.users["unit_admin"],
        extracted={"title": "导入的网页", "body": "正文", "published_at": "2024-05-25 10:00"},
    )  # fmt: skip

    kind = HonourKind.objects.get(code="excellent_member")
    w.honour = Honour.objects.create(kind=kind, person=cast.person_a1, issuer="甲院党委", level="unit", year=2023)
    w.batch = NominationBatch.objects.create(kind=kind, title="矩阵评选", issuer_org=cast.sector, issuer="行业党委",
                                             level="county", year=2024, quota=3)  # fmt: skip
    secretary.post(reverse("honours:batch", args=[w.batch.pk]), {
        "nominating_org": cast.branch_a1.pk, "person": cast.member_person.pk, "org": "", "post_name": "", "reason": "突出",
    })  # fmt: skip
    w.nomination = Nomination.objects.get()
    w.scheme = AssessmentScheme.objects.create(name="矩阵星级", year=2024, issuer_org=cast.org_a,
                                               bands=[[90, 5], [0, 1]], satisfaction_weight="0.20",
                                               target_distribution={"5": 0.2})  # fmt: skip
    unit_admin.post(reverse("honours:scheme", args=[w.scheme.pk]),
                    {"action": "indicator", "code": "1", "name": "组织建设", "points": "100"})  # fmt: skip
    unit_admin.post(reverse("honours:scheme", args=[w.scheme.pk]), {"action": "open"})
    w.assessment = Assessment.objects.get(org=cast.branch_a1)
    w.draft_scheme = AssessmentScheme.objects.create(name="矩阵草稿", year=2025, issuer_org=cast.org_a, bands=[[0, 1]])

    w.clinic = Institution.objects.create(name="甲市仁和门诊部", ownership="private", kind="clinic",
                                          region_code="442000", managing_org=cast.org_a)  # fmt: skip
    sector_admin.post(reverse("coverage:create"),
                      {"sector": cast.sector.pk, "name": "矩阵摸排", "started_on": "2024-03-01", "closes_on": ""})  # fmt: skip
    w.survey = SurveyRound.objects.get(name="矩阵摸排")
    w.survey_row = SurveyRow.objects.get(round=w.survey, institution=w.clinic)

    w.import_job = import_services.accept_upload(cast.users["unit_admin"], "people", "p.xlsx", xlsx([row()]))
    w.export_job = ExportJob.objects.create(user=cast.users["unit_admin"], title="人员", url="/people/?export=xlsx")
    w.site = SiteProfile(org=cast.org_a, site_name="甲市博爱医院党建网")
    w.site.banner.save("banner.jpg", jpeg(), save=False)
    w.site.save()
    secretary.post(reverse("transfers:create") + f"?person={cast.person_a1.pk}", {
        "kind": "internal", "to_org": cast.org_b.pk, "reason": "job", "transfer_on": timezone.localdate().isoformat(),
    })  # fmt: skip
    w.transfer = Transfer.objects.get(person=cast.person_a1)
    w.letter = transfer_services.start(
        cast.users["secretary"], cast.member_person, kind="outgoing", outside_org="中共乙市某医院党支部", reason="job",
        transfer_on=timezone.localdate(),
    )  # fmt: skip
    month = timezone.localdate().replace(day=1)
    dues_services.set_base(cast.users["secretary"], cast.member_person, year=month.year, category="employed",
                           base=Decimal("6000"), starts_month=month)  # fmt: skip
    w.payment = dues_services.record_month(cast.users["secretary"], cast.branch_a1, [cast.member_person.pk], month,
                                           timezone.localdate())[0]  # fmt: skip
    newcomer = Person(name="矩阵申请人", birth_date=datetime.date(1995, 1, 1), home_org=cast.branch_a1)
    newcomer.save()
    w.applicant = development_services.start(cast.users["secretary"], newcomer, cast.branch_a1,
                                             datetime.date(2024, 1, 2), datetime.date(2024, 1, 20))  # fmt: skip
    w.document = ApplicantDocument.objects.create(applicant=w.applicant, stage="applicant", title="入党申请书",
                                                  file=ContentFile(b"application", name="apply.txt"))  # fmt: skip
    w.notice = Notice.objects.create(user=cast.users["unit_admin"], kind=Kind.REVIEW_REQUESTED, title="矩阵消息",
                                     url=reverse("news:list"), target_type="news.article", target_id=w.article.pk)  # fmt: skip
    return w
