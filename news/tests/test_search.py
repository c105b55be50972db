"""Search order is exact: date order whatever order documents were written in, relevance as title tiers, pages
that join up across tiers, and the same scope and publication rules as every other read."""

import datetime

from django.test import TestCase
from django.urls import reverse

from core.testing import CastTestCase, Installation
from news import search
from news.models import DocumentKind, SearchDocument

DAY = datetime.date(2025, 3, 1)


class SearchOrderTest(CastTestCase):
    def put(self, object_id, title, body="", *, days_ago=0, org=None, public=True, kind=DocumentKind.ARTICLE):
        org = org or self.org_a
        day = DAY - datetime.timedelta(days=days_ago)
        search.index(kind, object_id, org_path=org.path, is_public=public, day=day, title=title, text=body)
        return object_id

    def ids(self, query, **options):
        options.setdefault("user", self.superuser)
        return [hit.object_id for hit in search.search(query, limit=100, **options)]

    def test_date_order_is_exact_whatever_order_documents_were_written_in(self):
        # an old page imported last, and a newer document written first: the day decides, not the row's age
        self.put(1, "医院党委召开会议", days_ago=5)
        self.put(2, "医院志愿服务", days_ago=1)
        self.put(3, "医院义诊活动", days_ago=400)
        self.put(4, "医院支部学习", days_ago=1)
        self.put(5, "学习会", "医院全体党员参加", days_ago=0)
        self.put(6, "没有关系的标题", days_ago=0)
        self.assertEqual(self.ids("医院", order="date"), [5, 4, 2, 1, 3])

    def test_a_changed_day_moves_the_document(self):
        self.put(1, "医院新闻一", days_ago=3)
        self.put(2, "医院新闻二", days_ago=2)
        self.put(1, "医院新闻一", days_ago=0)
        self.assertEqual(self.ids("医院", order="date"), [1, 2])
        self.assertEqual(SearchDocument.objects.count(), 2)

    def test_relevance_puts_title_matches_first_then_newest(self):
        self.put(1, "全院职工大会", "会上医院党委书记讲话", days_ago=0)
        self.put(2, "医院召开党建工作会议", days_ago=30)
        self.put(3, "医院开展义诊", days_ago=10)
        self.put(4, "义诊", "医院党员下乡", days_ago=5)
        self.assertEqual(self.ids("医院"), [3, 2, 1, 4])

    def test_two_words_rank_both_in_title_then_one_then_none(self):
        self.put(1, "医院党建工作推进会", days_ago=20)  # both in the title
        self.put(2, "医院召开大会", "会议部署党建工作", days_ago=1)  # one
        self.put(3, "党建引领发展", "医院全体党员", days_ago=3)  # one
        self.put(4, "通知", "医院党建工作要点", days_ago=0)  # none
        self.put(5, "医院党建品牌发布", days_ago=40)  # both
        self.put(6, "医院新闻", days_ago=0)  # only one word anywhere: no match
        self.assertEqual(self.ids("医院 党建"), [1, 5, 2, 3, 4])

    def test_pages_join_up_across_tiers_with_nothing_lost_or_repeated(self):
        for i in range(1, 46):
            title = "医院党建动态" if i % 3 == 0 else ("医院新闻" if i % 3 == 1 else "工作简报")
            self.put(i, title, "本院医院党建工作情况", days_ago=i % 17)
        whole = self.ids("医院 党建")
        pages = []
        for offset in range(0, 60, 20):
            pages += [h.object_id for h in search.search("医院 党建", user=self.superuser, offset=offset)]
        self.assertEqual(pages, whole)
        self.assertEqual(sorted(whole), list(range(1, 46)))
        tier = {i: (0 if i % 3 == 0 else 1 if i % 3 == 1 else 2) for i in range(1, 46)}
        expected = sorted(whole, key=lambda i: (tier[i], i % 17, -i))
        self.assertEqual(whole, expected)

    def test_matches_spread_over_years_and_undated_come_back_in_exact_order(self):
        dated = {}
        for i in range(1, 61):
            title = "医院党建动态" if i % 3 == 0 else "工作简报"
            body = "本院医院工作情况" if i % 3 != 2 else "工作情况"
            if i % 13 == 0:
                search.index(
                    DocumentKind.ARTICLE, i, org_path=self.org_a.path, is_public=True, day=None, title=title, text=body
                )
            else:
                dated[i] = (i * i * 37) % 1500  # days ago, from today to four years back, in no order
                self.put(i, title, body, days_ago=dated[i])
        matching = [i for i in range(1, 61) if i % 3 != 2]
        by_date = sorted(matching, key=lambda i: (i not in dated, dated.get(i, 0), -i))  # undated last
        self.assertEqual(self.ids("医院", order="date"), by_date)
        self.assertEqual(self.ids("医院"), [i for i in by_date if i % 3 == 0] + [i for i in by_date if i % 3 == 1])
        pages = []
        for offset in range(0, 60, 20):
            pages += [h.object_id for h in search.search("医院", user=self.superuser, order="date", offset=offset)]
        self.assertEqual(pages, by_date)

    def test_paging_stops_at_the_result_cap(self):
        self.put(1, "医院")
        self.assertEqual(search.search("医院", user=self.superuser, offset=search.MAX_RESULTS), [])

    def test_public_search_sees_published_articles_under_the_site_only(self):
        self.put(1, "医院新闻", org=self.branch_a1)
        self.put(2, "医院草稿", public=False)
        self.put(3, "医院活动", kind=DocumentKind.ACTIVITY)
        self.put(4, "医院新闻", org=self.org_b)
        self.assertEqual(self.ids("医院", user=None, public_only=True, org_path=self.org_a.path), [1])
        self.assertEqual(self.ids("醫院", user=None, public_only=True, org_path=self.org_a.path, order="date"), [1])

    def test_the_public_index_follows_publication_edits_and_removal(self):
        public = {"user": None, "public_only": True, "org_path": self.org_a.path}
        self.put(1, "医院义诊")
        self.put(2, "医院新闻")
        self.put(1, "医院义诊", public=False)  # withdrawn
        self.assertEqual(self.ids("医院", **public), [2])
        self.put(2, "社区健康讲座")  # retitled
        self.assertEqual(self.ids("医院", **public), [])
        self.assertEqual(self.ids("健康讲座", **public), [2])
        self.put(1, "医院义诊")  # published again
        self.assertEqual(self.ids("医院", **public), [1])
        search.remove(DocumentKind.ARTICLE, 1)
        self.assertEqual(self.ids("医院", **public), [])
        self.assertEqual(self.ids("医院"), [])

    def test_a_secretary_sees_their_branch_only(self):
        self.put(1, "医院新闻", org=self.branch_a1)
        self.put(2, "医院新闻", org=self.branch_a2, public=False)
        self.put(3, "医院活动", org=self.group_a11, kind=DocumentKind.ACTIVITY)
        self.put(4, "医院新闻", org=self.org_b)
        for order in ("relevance", "date"):
            self.assertEqual(self.ids("医院", user=self.users["secretary"], order=order), [3, 1])
            self.assertEqual(self.ids("医院", user=self.users["unit_admin"], order=order), [3, 2, 1])

    def test_a_long_name_matches_through_its_pairs_in_title_and_body(self):
        self.put(1, "雷继敏作专题党课", days_ago=3)
        self.put(2, "专题党课", "主讲人雷继敏作报告", days_ago=0)
        self.assertEqual(self.ids("雷继敏"), [1, 2])

    def test_the_search_page_lists_hits_in_order_and_links_the_next_page(self):
        for i in range(1, 26):
            self.put(i, f"医院新闻第{i}期", days_ago=i)
        self.login("unit_admin")
        page = self.client.get(reverse("news:search"), {"q": "医院", "order": "date"}).content.decode()
        self.assertLess(page.index("医院</mark>新闻第1期"), page.index("医院</mark>新闻第2期"))
        self.assertIn("offset=20", page)
        page = self.client.get(reverse("news:search"), {"q": "医院", "order": "date", "offset": "20"}).content.decode()
        self.assertIn("新闻第25期", page)
        self.assertNotIn("新闻第20期", page)
        self.assertIn("上一页", page)
        self.client.logout()
        site = reverse("news:site-search", args=[self.org_a.pk])
        page = self.client.get(site, {"q": "医院", "order": "date", "offset": "20"}).content.decode()
        self.assertIn("新闻第21期", page)
        self.assertNotIn("新闻第19期", page)
        page = self.client.get(site, {"q": "医院", "offset": "99999999999"}).content.decode()
        self.assertIn("新闻第1期", page)  # a forged offset is the first page
        page = self.client.get(site, {"q": "医院", "offset": "980"}).content.decode()
        self.assertNotIn("下一页", page)


class SearchMigrationTest(TestCase):
    """Migration 0007 turns an index written before it into one searched in date order, title words included."""

    def test_documents_indexed_before_the_migration_are_found_in_order(self):
        site = Installation(cast=False, migrate=False)
        self.addCleanup(site.close)  # its PostgreSQL database and data directory
        site.manage("migrate", "news", "0006", "-v0")
        rows = [(1, "2024-05-01", "医院党建会议", "医院 党建 会议 zparticle"), (2, "2025-01-09", "义诊", "医院 义诊"),
                (3, "2023-02-02", "医院新闻", "医院 新闻")]  # fmt: skip
        site.python(f"""
            from django.db import connection
            with connection.cursor() as cursor:
                for pk, day, title, tokens in {rows!r}:
                    cursor.execute(
                        "INSERT INTO news_searchdocument (kind, object_id, org_path, is_public, day, title, text, tokens)"
                        " VALUES ('article', %s, '0001', false, %s, %s, '', %s)", [pk, day, title, tokens])
        """)
        site.manage("migrate", "-v0")
        out = site.python("""
            from news import search
            from django.contrib.auth import get_user_model
            root = get_user_model()(is_superuser=True)
            for order in ("date", "relevance"):
                print(order, [h.object_id for h in search.search("医院", user=root, order=order)])
        """)
        self.assertIn("date [2, 1, 3]", out)
        self.assertIn("relevance [1, 3, 2]", out)
        site.python("""
            from news import search
            search.index("article", 4, org_path="0001", is_public=False, day=None, title="医院", text="")
            search.remove("article", 1)
        """)
        out = site.python("""
            from news import search
            from django.contrib.auth import get_user_model
            print([h.object_id for h in search.search("医院", user=get_user_model()(is_superuser=True), order="date")])
        """)
        self.assertIn("[2, 3, 4]", out)

    def test_documents_indexed_before_title_bands_get_them_from_their_title(self):
        site = Installation(cast=False, migrate=False)
        self.addCleanup(site.close)
        site.manage("migrate", "news", "0012", "-v0")
        site.python("""
            import datetime
            from django.db import connection
            from news import search
            search.index("article", 1, org_path="0001", is_public=True, day=datetime.date(2025, 3, 1),
                         title="医院党建", text="正文")
            old = [t for t in search.SearchDocument.objects.get().tokens.split() if not (t.startswith("zt") and "b4x" in t)]
            with connection.cursor() as cursor:  # as the code of 0012 wrote it: no title bands
                cursor.execute("UPDATE news_searchdocument SET tokens = %s", [" ".join(old)])
        """)
        site.manage("migrate", "-v0")
        out = site.python("""
            import datetime
            from news import search
            band = search.title_band(datetime.date(2025, 3, 1).toordinal() >> search.TITLE_BAND_LEVEL)
            tokens = search.SearchDocument.objects.get().tokens.split()
            print("banded", sorted(t for t in tokens if t.startswith("zt") and t.endswith(band)))
        """)
        from django.db import connection

        if connection.vendor == "postgresql":
            band = search.title_band(datetime.date(2025, 3, 1).toordinal() >> search.TITLE_BAND_LEVEL)
            self.assertIn(f"'zt医院{band}'", out)
            self.assertIn(f"'zt党建{band}'", out)
            self.assertNotIn(f"'zt正文{band}'", out)  # a body word is not a title word
        else:
            self.assertIn("banded []", out)  # FTS5 reads in date order: no title bands on SQLite


class PostgresWalkTest(SearchOrderTest):
    """On PostgreSQL, common words are searched by walking the newest documents (news.search._postgres): the same
    answers as collecting the matches through the index. Here every word counts as common, so every tier walks."""

    def setUp(self):
        from unittest import mock

        from django.db import connection

        if connection.vendor != "postgresql":
            self.skipTest("the walk is PostgreSQL's: SQLite's FTS5 index is already in date order")
        everything = mock.patch.object(search, "estimated_matches", return_value=self.estimate)
        everything.start()
        self.addCleanup(everything.stop)
        for name, value in self.walk:
            short_walk = mock.patch.object(search, name, value)
            short_walk.start()
            self.addCleanup(short_walk.stop)

    walk = (("WALK", 25), ("WALK_PER_ROW", 1))  # walks that fill some pages and not others
    estimate = (float("inf"), float("inf"))  # (likely, at most) matches of every tier

    def test_a_sites_own_walk_finds_only_its_documents_and_restores_the_planner(self):
        from django.db import connection

        self.assertIn(len(self.org_a.path), search.SITE_LEVELS)  # the site walks its own stream (decision 0014)
        for i in range(30):  # another unit's newer documents fill the whole public stream's walk
            self.put(100 + i, "医院新闻", org=self.org_b, days_ago=0)
        self.put(1, "医院义诊", org=self.org_a, days_ago=9)
        self.put(2, "医院党课", org=self.org_a, days_ago=3)
        self.put(3, "医院会议", org=self.org_a, days_ago=5, public=False)
        self.assertEqual(self.ids("医院", public_only=True, org_path=self.org_a.path), [2, 1])
        with connection.cursor() as cursor:
            cursor.execute("SHOW enable_sort")
            self.assertEqual(cursor.fetchone()[0], "on")


class PostgresStatisticsTest(TestCase):
    def setUp(self):
        from django.db import connection

        if connection.vendor != "postgresql":
            self.skipTest("planner statistics are PostgreSQL's")

    def test_the_planner_keeps_a_fine_histogram_of_the_documents_paths(self):
        from django.db import connection

        with connection.cursor() as cursor:  # a city's documents are not "a few" to it at national size (0014)
            cursor.execute(
                "SELECT attstattarget FROM pg_attribute "
                "WHERE attrelid = 'news_searchdocument'::regclass AND attname = 'org_path'"
            )
            self.assertGreaterEqual(cursor.fetchone()[0], 1000)

    def test_a_long_document_s_words_are_compressed_with_lz4_where_the_server_has_it(self):
        from django.db import connection

        body = " ".join(f"词{i}" for i in range(3000))  # a tsvector far over the 2 kB at which PostgreSQL compresses
        search.index(DocumentKind.ARTICLE, 1, org_path="000001", is_public=True, day=DAY, title="长文", text=body)
        with connection.cursor() as cursor:
            cursor.execute("SELECT 'lz4' = ANY(enumvals) FROM pg_settings WHERE name = 'default_toast_compression'")
            expected = "lz4" if cursor.fetchone()[0] else "pglz"
            cursor.execute("SELECT pg_column_compression(tsv) FROM news_searchdocument WHERE object_id = 1")
            self.assertEqual(cursor.fetchone()[0], expected)  # a walk decompresses each document it tests (0015)


class PostgresBandTest(PostgresWalkTest):
    """The walk reads one document, so every tier is read back through the date bands (news.search._by_bands)."""

    walk = (("WALK", 1), ("WALK_PER_ROW", 0))


class PostgresWalkThenCollectTest(PostgresWalkTest):
    """The words' shares say a tier's matches are few but may be many: it walks, then collects what lies beyond."""

    walk = (("WALK", 2), ("WALK_PER_ROW", 0))
    estimate = (0.0, float("inf"))
