import io
import zipfile
from pathlib import Path

from django.urls import reverse

from activities.models import Activity, GuestGroup
from activities.tests.base import ActivityTestCase, at
from news import services
from news.models import Article, ArticleHit, Column, PageImport, PageImportStatus, Status

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
HOSTILE_BODY = (
    '<p onclick="steal()">正文<script>alert(1)</script><iframe src="http://x"></iframe>'
    '<a href="javascript:alert(2)">链接</a><img src="x.jpg" onerror="alert(3)"></p><style>p{}</style>'
)


class NewsTestCase(ActivityTestCase):
    def setUp(self):
        self.column = Column.objects.create(org=self.org_a, name="党建动态", parent_name="新闻中心")
        self.column_b = Column.objects.create(org=self.org_b, name="党建动态")

    def write(self, username="secretary", **overrides):
        self.login(username)
        data = {"org": (self.branch_a1 if username == "secretary" else self.org_a).pk, "column": self.column.pk, "title": "第一党支部开展主题党日活动", "summary": "", "body_html": "<p>医院党员参加活动。</p>",
                "source": "党办", "author": "林晓", "editor": "", "published_at": ""}  # fmt: skip
        data.update(overrides)
        return self.client.post(reverse("news:create"), data)

    def publish(self, article):
        self.login("unit_admin")
        return self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.PUBLISHED})


class ArticleFlowTest(NewsTestCase):
    def test_secretary_drafts_submits_and_unit_admin_publishes(self):
        response = self.write(body_html=HOSTILE_BODY)
        article = Article.objects.get()
        self.assertRedirects(response, reverse("news:detail", args=[article.pk]))
        for forbidden in ("script", "onclick", "iframe", "javascript:", "onerror", "<style"):
            self.assertNotIn(forbidden, article.body_html)
        self.assertIn("正文", article.body_html)
        self.assertEqual(
            (article.status, article.org, article.created_by.username), (Status.DRAFT, self.branch_a1, "secretary")
        )

        self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.REVIEW})
        response = self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.PUBLISHED})
        self.assertEqual(response.status_code, 403)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)

        self.login("unit_admin")
        response = self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.RETURNED, "reason": ""})
        article.refresh_from_db()
        self.assertEqual(article.status, Status.REVIEW)  # a return needs a reason
        self.client.post(reverse("news:step", args=[article.pk]), {"to": Status.RETURNED, "reason": "补充照片"})
        article.refresh_from_db()
        self.assertEqual((article.status, article.return_reason), (Status.RETURNED, "补充照片"))
        self.publish(article)
        article.refresh_from_db()
        self.assertEqual(article.status, Status.PUBLISHED)
        self.assertIsNotNone(article.published_at)
        self.assertEqual(article.reviewed_by.username, "unit_admin")

    def test_scope_roles_and_forged_columns(self):
        self.write()
        article = Article.objects.get()
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("news:detail", args=[article.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("news:step", args=[article.pk]), {"to": "review"}).status_code, 404)
        self.login("member")
        self.assertEqual(self.client.get(reverse("news:create")).status_code, 403)
        self.assertEqual(self.client.get(reverse("news:detail", args=[article.pk])).status_code, 404)
        response = self.write(column=self.column_b.pk, title="伪造栏目")
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Article.objects.filter(title="伪造栏目").exists())
        self.login("sector_admin")
        rows = self.client.get(reverse("news:list")).content.decode()
        self.assertIn(article.title, rows)
        self.login("outsider")
        self.assertNotIn(article.title, self.client.get(reverse("news:list")).content.decode())
        export = self.client.get(reverse("news:list") + "?export=xlsx")
        self.assertEqual(export.status_code, 200)

    def test_draft_from_activity_fills_title_body_and_links(self):
        activity = self.record(self.branch_a1, "party_day", when=at(2024, 5, 22), title="五月主题党日", place="院史馆",
                               summary="重温入党誓词。")  # fmt: skip
        self.login("secretary")
        response = self.client.post(reverse("news:from-activity", args=[activity.pk]), {"column": self.column.pk})
        article = Article.objects.get()
        self.assertRedirects(response, reverse("news:edit", args=[article.pk]))
        self.assertEqual((article.title, article.activity, article.status), ("五月主题党日", activity, Status.DRAFT))
        self.assertIn("5月22日", article.body_text)
        self.assertIn("重温入党誓词", article.body_text)
        self.login("outsider")
        response = self.client.post(reverse("news:from-activity", args=[activity.pk]), {"column": self.column_b.pk})
        self.assertEqual(response.status_code, 404)


class PublicSiteTest(NewsTestCase):
    def published(self, title="博爱医院召开党建工作总结大会", body="<p>醫院党委书记雷继敏作报告。</p>"):
        self.write(title=title, body_html=body)
        article = Article.objects.get(title=title)
        self.publish(article)
        self.client.logout()
        return Article.objects.get(pk=article.pk)

    def test_article_page_is_public_cacheable_and_complete(self):
        older = self.published(title="较早的一篇")
        article = self.published()
        url = reverse("news:site-article", args=[self.org_a.pk, article.pk])
        response = self.client.get(url)
        html = response.content.decode()
        self.assertEqual(response.status_code, 200)
        self.assertIn("public", response["Cache-Control"])
        for expected in (
            article.title,
            "发布时间",
            "本文来源：党办",
            "扫一扫 手机端浏览",
            "<svg",
            "新闻中心",
            "党建动态",
            'property="og:title"',
            older.title,
            "上一篇",
        ):
            self.assertIn(expected, html)
        older_url = reverse("news:site-article", args=[self.org_a.pk, older.pk])
        self.assertIn(f'上一篇：<a href="{older_url}">{older.title}</a>', html)
        self.assertNotIn("csrfmiddlewaretoken", html)
        self.assertNotIn("13800138000", html)
        Article.objects.filter(pk=article.pk).update(title="改过的标题")
        self.assertNotIn("改过的标题", self.client.get(url).content.decode())  # served from the page cache
        article.refresh_from_db()
        services.save_article(article)  # any service write clears it
        self.assertIn("改过的标题", self.client.get(url).content.decode())

    def test_unpublished_and_other_units_articles_are_not_public(self):
        self.write(title="草稿文章")
        draft = Article.objects.get(title="草稿文章")
        self.client.logout()
        self.assertEqual(self.client.get(reverse("news:site-article", args=[self.org_a.pk, draft.pk])).status_code, 404)
        article = self.published()
        self.assertEqual(
            self.client.get(reverse("news:site-article", args=[self.org_b.pk, article.pk])).status_code, 404
        )
        home = self.client.get(reverse("news:site-home", args=[self.org_a.pk])).content.decode()
        self.assertIn(article.title, home)
        self.assertNotIn("草稿文章", home)
        feed = self.client.get(reverse("news:site-feed", args=[self.org_a.pk]))
        self.assertEqual(feed["Content-Type"], "application/atom+xml; charset=utf-8")
        self.assertIn(article.title, feed.content.decode())
        self.assertNotIn("草稿文章", feed.content.decode())

    def test_the_feed_declares_summaries_as_plain_text(self):
        from xml.etree import ElementTree

        article = self.published()
        Article.objects.filter(pk=article.pk).update(summary="<img src=x onerror=alert(1)> 摘要")
        self.client.logout()
        feed = self.client.get(reverse("news:site-feed", args=[self.org_a.pk])).content
        summary = ElementTree.fromstring(feed).find(
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}summary"
        )
        self.assertEqual((summary.get("type"), summary.text), ("text", "<img src=x onerror=alert(1)> 摘要"))

    def test_views_count_once_per_visitor_per_day_and_not_for_bots(self):
        article = self.published()
        hit = reverse("news:site-hit", args=[article.pk])
        browser = {"HTTP_USER_AGENT": "Mozilla/5.0 (iPhone) Mobile Safari"}
        for _ in range(3):
            self.assertEqual(self.client.post(hit, **browser).json(), {"views": 1})  # a refresh is not a view
        self.client.post(hit, HTTP_USER_AGENT="Mozilla/5.0 (compatible; Baiduspider/2.0)")
        # a reader sees the count go up at once, before any folding
        self.assertEqual(self.client.post(hit, REMOTE_ADDR="10.0.0.9", **browser).json(), {"views": 2})
        self.assertEqual(self.client.get(hit).status_code, 405)
        self.assertEqual(ArticleHit.objects.count(), 2)
        self.login("unit_admin")
        self.assertContains(self.client.get(reverse("news:list")), '<td data-label="浏览">2</td>', html=False)
        self.assertContains(self.client.get(reverse("news:detail", args=[article.pk])), "浏览 2")
        from django.utils import timezone

        self.assertEqual(services.fold_views(timezone.localdate()), 0)  # the schedule keeps today's hits apart
        self.assertEqual(self.client.post(hit, **browser).json(), {"views": 2})
        self.assertEqual(services.fold_views(), 2)
        article.refresh_from_db()
        self.assertEqual((article.views, ArticleHit.objects.count()), (2, 0))

    def test_public_search_finds_published_articles_across_scripts_only(self):
        article = self.published()
        self.write(title="博爱医院草稿不应被搜到", body_html="<p>医院</p>")
        search = reverse("news:site-search", args=[self.org_a.pk])
        html = self.client.get(search, {"q": "醫院 雷繼敏"}).content.decode()
        self.assertIn(article.title.replace("医院", "<mark>医院</mark>"), html)
        self.assertIn("<mark>雷继敏</mark>", html)
        self.client.logout()
        self.assertNotIn("草稿", self.client.get(search, {"q": "博爱"}).content.decode())
        self.assertNotIn(article.title, self.client.get(reverse("news:site-search", args=[self.org_b.pk]), {"q": "博爱"})
                         .content.decode())  # fmt: skip

    def test_signed_in_search_covers_articles_and_activities_in_scope(self):
        article = self.published()
        self.record(self.branch_a1, "party_day", when=at(2024, 5, 22), title="博爱医院五月主题党日")
        self.login("secretary")
        html = self.client.get(reverse("news:search"), {"q": "博爱"}).content.decode()
        self.assertIn("五月主题党日", html)
        self.assertIn("党建工作总结大会", html)
        self.login("outsider")
        html = self.client.get(reverse("news:search"), {"q": "博爱"}).content.decode()
        self.assertNotIn("五月主题党日", html)
        self.assertNotIn(article.title, html)
        self.login("member")
        self.assertEqual(self.client.get(reverse("news:search"), {"q": "博爱"}).status_code, 403)


class PageImportTest(NewsTestCase):
    def upload(self, name, data, username="unit_admin"):
        self.login(username)
        return self.client.post(reverse("news:import"), {"org": self.org_a.pk, "file": _named(name, data)})

    def test_a_traditional_page_with_two_events_is_stored_simplified_with_an_activity_each_and_flagged_when_repeated(
        self,
    ):
        page = (
            "【黨建聯建】醫院黨支部與兩家單位結對共建\n發布時間:2024-08-21\n"
            "8月19日,醫院皮膚科黨支部與某商會黨支部簽署共建協議,雙方約定每季度開展一次聯合活動。\n"
            "3月15日,醫院皮膚科黨支部與某集團有限公司黨支部舉行黨建共建簽約,開展健康講座。"
        ).encode()
        self.upload("p.txt", page)
        item = PageImport.objects.get()
        url = reverse("news:import-review", args=[item.pk])
        review = self.client.get(url).content.decode()
        self.assertIn("转为简体字", review)
        self.assertIn("2024-08-19", review)  # offered as a second event
        form = {"column": self.column.pk, "title": item.extracted["title"], "published_at": "2024-08-21T09:00",
                "source": "", "author": "", "editor": "", "body": item.extracted["body"], "simplified": "on",
                "create_activity": "on", "event_date": "2024-03-15", "more_dates": ["2024-08-19"],
                "event_kind": self.kind("joint_study").pk}  # fmt: skip
        self.client.post(url, form)
        article = Article.objects.get()
        self.assertEqual(article.title, "【党建联建】医院党支部与两家单位结对共建")
        self.assertIn("皮肤科党支部", article.body_text or article.body_html)
        self.assertEqual(item.__class__.objects.get(pk=item.pk).extracted["title"], item.extracted["title"])  # kept
        days = sorted(a.starts_at.date().isoformat() for a in Activity.objects.filter(title=article.title))
        self.assertEqual(days, ["2024-03-15", "2024-08-19"])
        self.upload("again.txt", page)  # the same story, uploaded again
        second = PageImport.objects.exclude(pk=item.pk).get()
        warning = self.client.get(reverse("news:import-review", args=[second.pk])).content.decode()
        self.assertIn("可能已经导入过", warning)
        self.assertIn(reverse("news:detail", args=[article.pk]), warning)

    def test_a_seed_page_is_reviewed_then_imported_with_its_activity(self):
        seed = next(SEEDS.glob("002_*.txt"), None) if SEEDS.is_dir() else None
        if seed is None:
            self.skipTest(f"seed pages not beside the clone ({SEEDS})")
        response = self.upload("002.txt", seed.read_bytes())
        item = PageImport.objects.get()
        self.assertRedirects(response, reverse("news:import-batch", args=[item.batch]))
        self.assertEqual(Article.objects.count(), 0)
        review = self.client.get(reverse("news:import-review", args=[item.pk])).content.decode()
        for expected in ("欧阳刚劲", "中山市体育运动学校", "2023-07-04", "总结大会"):
            self.assertIn(expected, review)
        form = {"column": self.column.pk, "title": item.extracted["title"], "published_at": "2023-07-06T07:51",
                "source": "党办", "author": "", "editor": "", "body": item.extracted["body"], "publish": "on",
                "create_activity": "on", "event_date": "2023-07-04",
                "event_kind": self.kind("commendation").pk}  # fmt: skip
        response = self.client.post(reverse("news:import-review", args=[item.pk]), form)
        article = Article.objects.get()
        self.assertRedirects(response, reverse("news:detail", args=[article.pk]))
        self.assertEqual(article.status, Status.PUBLISHED)
        self.assertEqual(article.activity.starts_at.date().isoformat(), "2023-07-04")
        self.assertIn(
            "中山市体育运动学校",
            GuestGroup.objects.filter(activity=article.activity).values_list("unit_name", flat=True),
        )
        item.refresh_from_db()
        self.assertEqual(item.status, PageImportStatus.CONFIRMED)
        again = self.client.post(reverse("news:import-review", args=[item.pk]), form)
        self.assertEqual((again.status_code, Article.objects.count()), (302, 1))
        self.client.logout()
        page = self.client.get(reverse("news:site-article", args=[self.org_a.pk, article.pk])).content.decode()
        self.assertIn("光荣在党50年", page)

    def test_bad_archives_are_refused_entry_by_entry_and_nothing_else_is_written(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("../../etc/evil.html", "<p>x</p>")
            archive.writestr("bomb.html", b"<p>" + b"0" * (4 * 1024 * 1024))
            archive.writestr("photo.html", b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(300))
            archive.writestr(
                "ok.txt", "首页 > 党建\n一篇正常的页面标题\n发布时间:2024-05-25\n5月22日,医院党委开展活动。\n"
            )
        self.upload("pages.zip", buffer.getvalue())
        errors = dict(PageImport.objects.values_list("file_name", "error"))
        self.assertIn("../", errors["../../etc/evil.html"])
        self.assertIn("压缩", errors["bomb.html"])
        self.assertIn("二进制", errors["photo.html"])
        self.assertEqual(errors["ok.txt"], "")
        self.assertEqual((Article.objects.count(), Activity.objects.count()), (0, 0))
        response = self.upload("broken.zip", b"PK\x03\x04garbage")
        self.assertContains(self.client.get(response["Location"]), "压缩包已损坏")
        empty = io.BytesIO()
        zipfile.ZipFile(empty, "w").close()
        response = self.upload("empty.zip", empty.getvalue())
        self.assertContains(self.client.get(response["Location"]), "压缩包里没有文件")
        self.assertEqual(self.upload("x.txt", b"a", username="secretary").status_code, 403)

    def pairing(self, title, sides, starts_on, signed_on=None):
        import datetime

        from pairings.models import Pairing, PairingCategory, PairingMember

        pairing = Pairing.objects.create(title=title, category=PairingCategory.objects.first(), lead_org=sides[0][0],
                                         status="active", starts_on=starts_on, signed_on=signed_on)  # fmt: skip
        for org, inst in sides:
            PairingMember.objects.create(pairing=pairing, org=org, org_path=org.path, institution=inst,
                                         is_lead=org == sides[0][0], joined_on=starts_on,
                                         accepted_at=datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC))  # fmt: skip
        return pairing

    def test_a_page_naming_two_sides_of_a_pairing_is_linked_to_it(self):
        import datetime

        pairing = self.pairing("甲乙联学共建", [(self.org_a, self.hospital_a), (self.org_b, self.hospital_b)],
                               datetime.date(2024, 1, 1))  # fmt: skip
        late = self.pairing("甲乙续签共建", [(self.org_a, self.hospital_a), (self.org_b, self.hospital_b)],
                            datetime.date(2024, 6, 1), signed_on=datetime.date(2024, 6, 1))  # fmt: skip
        foreign = self.pairing("乙院与某镇共建", [(self.org_b, self.hospital_b), (self.partner_org, None)],
                               datetime.date(2024, 1, 1))  # fmt: skip
        page = (
            "首页 > 党建\n两院开展联学共建\n发布时间:2024-05-25\n文稿撰写 | 林晓  周明\n"
            "5月22日,甲市博爱医院、乙市人民医院与中共某镇委员会开展联学共建活动。\n"
        )
        self.upload("pair.txt", page.encode())
        item = PageImport.objects.get()
        review = self.client.get(reverse("news:import-review", args=[item.pk])).content.decode()
        self.assertIn("甲乙联学共建", review)
        self.assertNotIn("甲乙续签共建", review)  # signed after the event
        self.assertNotIn("乙院与某镇共建", review)  # not the importer's pairing, nor in their scope
        self.assertIn('name="author" value="林晓、周明"', review)
        form = {"column": self.column.pk, "title": "两院开展联学共建", "published_at": "2024-05-25T09:00", "source": "",
                "author": "", "editor": "", "body": item.extracted["body"], "pairing": late.pk,
                "create_activity": "on", "event_date": "2024-05-22", "event_kind": self.kind("joint_study").pk}  # fmt: skip
        refused = self.client.post(reverse("news:import-review", args=[item.pk]), form)
        self.assertEqual((refused.status_code, Article.objects.count()), (200, 0))
        form["pairing"] = foreign.pk
        self.client.post(reverse("news:import-review", args=[item.pk]), form)
        self.assertEqual(Article.objects.count(), 0)
        form["pairing"] = pairing.pk
        self.client.post(reverse("news:import-review", args=[item.pk]), form)
        article = Article.objects.get()
        self.assertEqual((article.pairing, article.activity.pairing), (pairing, pairing))

    def test_a_page_imported_by_the_command_is_reviewed_in_the_browser(self):
        """import_pages has no uploader: the admin who reviews the page is the one whose scope counts."""
        import tempfile

        from django.core.management import call_command

        with tempfile.TemporaryDirectory() as tmp:
            Path(tmp, "a.txt").write_text(
                "首页 > 党建\n医院党委召开会议\n发布时间:2024-05-25\n5月22日,医院党委书记雷继敏主持会议并讲话。\n"
            )
            call_command(
                "import_pages", tmp, org=str(self.org_a.pk), report=str(Path(tmp, "r.csv")), stdout=io.StringIO()
            )
        item = PageImport.objects.get()
        self.assertIsNone(item.created_by)
        self.login("unit_admin")
        review = self.client.get(reverse("news:import-review", args=[item.pk]))
        self.assertContains(review, "雷继敏")
        self.assertContains(review, '雷继敏：医院党委书记 <span class="badge ok">已在登记库</span>', html=False)

    def test_confirm_all_takes_the_unambiguous_pages_and_leaves_the_rest(self):
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            archive.writestr(
                "clear.txt",
                "首页 > 党建\n医院党委开展主题党日活动\n发布时间:2024-05-25\n5月22日,医院党委开展主题党日活动。\n",
            )
            archive.writestr("meeting.txt", "首页 > 党建\n医院召开会议\n发布时间:2024-05-25\n5月21日,医院召开会议。\n")
            archive.writestr(
                "plain.txt", "首页 > 党建\n医院开展读书活动\n发布时间:2024-04-02\n医院党员开展读书分享。\n"
            )
            archive.writestr(
                "two_days.txt", "首页 > 党建\n两次义诊\n发布时间:2024-05-25\n5月10日和5月20日,医院党员开展义诊。\n"
            )
            archive.writestr("undated.txt", "首页 > 党建\n没有发布时间的页面\n医院党员开展活动。\n")
        self.upload("pages.zip", buffer.getvalue())
        batch = PageImport.objects.first().batch
        page = self.client.get(reverse("news:import-batch", args=[batch])).content.decode()
        self.assertIn("全部确认（2 页）", page)
        response = self.client.post(reverse("news:import-confirm-all", args=[batch]))
        self.assertRedirects(response, reverse("news:import-batch", args=[batch]))
        statuses = dict(PageImport.objects.values_list("file_name", "status"))
        self.assertEqual(statuses, {"clear.txt": "confirmed", "plain.txt": "confirmed", "two_days.txt": "pending",
                                    "undated.txt": "pending", "meeting.txt": "pending"})  # fmt: skip
        articles = {a.title: a for a in Article.objects.select_related("activity", "activity__kind")}
        self.assertEqual(set(articles), {"医院党委开展主题党日活动", "医院开展读书活动"})
        self.assertTrue(all(a.status == Status.DRAFT for a in articles.values()))  # reviewed before they are public
        activity = articles["医院党委开展主题党日活动"].activity
        self.assertEqual((activity.starts_at.date().isoformat(), activity.kind.code), ("2024-05-22", "party_day"))
        self.assertIsNone(articles["医院开展读书活动"].activity)
        self.login("outsider")
        self.assertEqual(self.client.post(reverse("news:import-confirm-all", args=[batch])).status_code, 404)

    def test_another_units_import_is_out_of_reach(self):
        self.upload("ok.txt", "标题一篇\n发布时间:2024-05-25\n正文内容很长很长,医院党委开展活动。\n".encode())
        item = PageImport.objects.get()
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("news:import-review", args=[item.pk])).status_code, 404)
        self.assertEqual(self.client.post(reverse("news:import-reject", args=[item.pk])).status_code, 404)


def _named(name: str, data: bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data)


class CommandsTest(NewsTestCase):
    def test_import_pages_reads_a_directory_and_reports_each_file(self):
        import csv
        import tempfile

        from django.core.management import call_command

        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            (root / "a.txt").write_text(
                "首页 > 党建\n医院党委召开党建工作会议\n发布时间:2024-05-25\n5月22日,医院党委召开会议。\n"
            )
            (root / "b.html").write_bytes(b"\x00\x01binary")
            (root / "skip.pdf").write_bytes(b"%PDF")
            report = root / "report.csv"
            out = io.StringIO()
            call_command("import_pages", str(root), org=str(self.org_a.pk), report=str(report), stdout=out)
            rows = list(csv.reader(report.open(encoding="utf-8-sig")))
        self.assertEqual([r[0] for r in rows[1:]], ["a.txt", "b.html"])
        self.assertEqual(rows[1][2:5], ["医院党委召开党建工作会议", "2024-05-25", "2024-05-22"])
        self.assertIn("二进制", rows[2][8])
        self.assertEqual(Article.objects.count(), 0)
        self.assertIn("1 页待核对", out.getvalue())

    def test_rebuild_search_index_covers_bulk_loaded_records(self):
        from django.core.management import call_command

        from news.models import SearchDocument
        from news.search import search

        activity = self.record(self.branch_a1, "party_day", when=at(2024, 5, 22), title="博爱医院五月主题党日")
        SearchDocument.objects.all().delete()
        call_command("rebuild_search_index", stdout=io.StringIO())
        self.assertEqual([h.object_id for h in search("主题党日", user=self.users["secretary"])], [activity.pk])


class PhotoTest(NewsTestCase):
    def jpeg(self):
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
        return _named("p.jpg", buffer.getvalue())

    def test_photos_follow_the_article_draft_private_published_public(self):
        activity = self.record(self.branch_a1, "party_day", when=at(2024, 5, 22), title="五月主题党日")
        self.login("secretary")
        self.client.post(
            reverse("activities:photo-upload", args=[activity.pk]), {"image": self.jpeg(), "caption": "宣誓"}
        )
        self.assertContains(self.client.get(reverse("activities:detail", args=[activity.pk])), "生成新闻稿")
        self.client.post(reverse("news:from-activity", args=[activity.pk]), {"column": self.column.pk})
        article = Article.objects.get()
        photo = article.photos.get()
        self.assertEqual((photo.caption, photo.is_cover), ("宣誓", True))
        self.assertNotEqual(photo.image.name, activity.photos.get().image.name)
        url = reverse("news:photo", args=[photo.pk])
        self.assertEqual(self.client.get(url)["Cache-Control"], "private, max-age=600")
        self.client.logout()
        self.assertEqual(self.client.get(url).status_code, 404)
        self.publish(article)
        self.client.logout()
        response = self.client.get(url)
        self.assertEqual((response.status_code, response["Content-Type"]), (200, "image/jpeg"))
        page = self.client.get(reverse("news:site-article", args=[self.org_a.pk, article.pk])).content.decode()
        self.assertIn(url, page)
        self.assertIn('property="og:image"', page)

    def test_an_image_placed_in_the_editor_stays_where_the_author_put_it(self):
        self.write(body_html="<p>第一段。</p>")
        article = Article.objects.get()
        form = self.client.get(reverse("news:edit", args=[article.pk])).content.decode()
        upload = reverse("news:editor-image", args=[article.pk])
        self.assertIn(f'data-upload="{upload}"', form)
        self.assertIn("wangeditor.min.js", form)
        answer = self.client.post(upload, {"image": self.jpeg()}).json()
        photo = article.photos.get()
        self.assertEqual(
            answer, {"errno": 0, "data": {"url": reverse("news:photo", args=[photo.pk]), "alt": "", "href": ""}}
        )
        refused = self.client.post(upload, {"image": _named("x.jpg", b"not an image")}).json()
        self.assertEqual(refused["errno"], 1)
        self.assertIn("不是可识别的图片文件", refused["message"])
        # what the editor sends after a paste from Word: office markup and styles go, the picture stays in place
        pasted = (
            '<p class="MsoNormal" style="mso-line-height:150%"><span style="font-family:仿宋">第一段。</span><o:p></o:p></p>'
            f'<p><img src="{answer["data"]["url"]}" alt="" style="width:50%" onerror="x()"></p><!--[if gte mso 9]>x<![endif]-->'
            "<p>第二段。</p>"
        )
        data = {"column": self.column.pk, "title": "图文稿", "summary": "", "body_html": pasted, "source": "",
                "author": "", "editor": "", "published_at": ""}  # fmt: skip
        self.client.post(reverse("news:edit", args=[article.pk]), data)
        article.refresh_from_db()
        self.assertEqual(
            article.body_html,
            f'<p><span>第一段。</span></p><p><img src="{answer["data"]["url"]}" alt=""></p><p>第二段。</p>',
        )
        self.publish(article)
        self.client.logout()
        page = self.client.get(reverse("news:site-article", args=[self.org_a.pk, article.pk])).content.decode()
        image = f'<img src="{answer["data"]["url"]}"'
        self.assertEqual(page.count(image), 1)  # in the body, not again below it
        page = page[page.index('<div class="article-body">') :]
        self.assertLess(page.index("第一段"), page.index(image))
        self.assertLess(page.index(image), page.index("第二段"))
