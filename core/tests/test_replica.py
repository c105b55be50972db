"""Against a real streaming replica (.ci/replica-pair: pg_basebackup, hot standby): the public site reads from
the replica and tolerates its lag, every other page and every write stays on the primary, and the user who just
saved reads from the primary, so that the page after a save shows it even while the replica lags behind."""

import datetime
import time

import pytest
from django.db import connections
from django.test import Client, TransactionTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.replica import REPLICA, replica_configured
from core.testing import Cast, ensure_reference_data, sign_in
from news import search
from news.models import Column, DocumentKind, SiteProfile

pytestmark = [
    pytest.mark.replica,
    pytest.mark.skipif(
        not replica_configured(),
        reason="needs DATABASE_REPLICA_URL: .ci/run starts a primary and its streaming replica for this test",
    ),
]


def on_replica(sql: str, *params):
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def wait_until_replayed(seconds: float = 15.0) -> None:
    """Until the replica has replayed everything the primary has written so far."""
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        target = cursor.fetchone()[0]
    deadline = time.monotonic() + seconds
    while on_replica("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", target)[0] is not True:
        if time.monotonic() > deadline:
            raise AssertionError("the replica did not catch up")
        time.sleep(0.05)


class ReplicaTest(TransactionTestCase):
    databases = {"default", REPLICA}

    def setUp(self):
        ensure_reference_data()
        self.cast = Cast()
        self.column = Column.objects.create(org=self.cast.org_a, name="党建动态")
        SiteProfile.objects.get_or_create(org=self.cast.org_a)
        wait_until_replayed()

    def tearDown(self):
        on_replica("SELECT pg_wal_replay_resume()")

    def column_page(self, client):
        """The column's Atom feed: a public page read whole on every request (the column's list page is cached,
        filled from the primary, see test_cached_public_lists_are_filled_from_the_primary)."""
        url = reverse("news:site-column-feed", args=[self.cast.org_a.pk, self.column.pk])
        with (
            CaptureQueriesContext(connections["default"]) as primary,
            CaptureQueriesContext(connections[REPLICA]) as replica,
        ):
            response = client.get(url)
        self.assertEqual(response.status_code, 200)
        return response.content.decode(), len(primary), len(replica)

    def test_the_replica_is_a_hot_standby_and_the_health_check_reports_its_lag(self):
        self.assertIs(on_replica("SELECT pg_is_in_recovery()")[0], True)
        client = Client()
        sign_in(client, self.cast.superuser)
        check = client.get(reverse("core:healthz-deep")).json()["checks"]["replica"]
        self.assertTrue(check["ok"], check)
        self.assertIn("落后", check["detail"])

    def test_the_public_site_reads_from_the_replica_and_the_editor_after_a_save_from_the_primary(self):
        public = Client()
        page, primary, replica = self.column_page(public)
        self.assertIn("党建动态", page)
        self.assertGreater(replica, 0)
        self.assertEqual(primary, 0)

        on_replica("SELECT pg_wal_replay_pause()")  # the replica falls behind from here on
        editor = Client()
        sign_in(editor, self.cast.users["unit_admin"])
        saved = editor.post(
            reverse("news:column-edit", args=[self.column.pk]),
            {"name": "红联共建动态", "parent_name": "", "sort_order": 100, "is_active": "on"},
        )
        self.assertEqual(saved.status_code, 302)
        self.assertEqual(Column.objects.get(pk=self.column.pk).name, "红联共建动态")  # written to the primary

        page, primary, replica = self.column_page(editor)  # the user who saved: read from the primary
        self.assertIn("红联共建动态", page)
        self.assertEqual(replica, 0)

        page, primary, replica = self.column_page(public)  # anyone else: the replica, a few seconds behind
        self.assertIn("党建动态", page)
        self.assertNotIn("红联共建动态", page)
        self.assertGreater(replica, 0)

        on_replica("SELECT pg_wal_replay_resume()")
        wait_until_replayed()
        page, _, _ = self.column_page(public)
        self.assertIn("红联共建动态", page)

    def test_cached_public_lists_are_filled_from_the_primary(self):
        """A list page is cached under versions that a save renews at once: filled from a replica that is behind,
        it would keep the old page under the new version for minutes."""
        url = reverse("news:site-column", args=[self.cast.org_a.pk, self.column.pk])
        public = Client()
        self.assertContains(public.get(url), "党建动态")
        on_replica("SELECT pg_wal_replay_pause()")
        editor = Client()
        sign_in(editor, self.cast.users["unit_admin"])
        saved = editor.post(reverse("news:column-edit", args=[self.column.pk]),
                            {"name": "红联共建动态", "parent_name": "", "sort_order": 100, "is_active": "on"})  # fmt: skip
        self.assertEqual(saved.status_code, 302)
        search = reverse("news:site-search", args=[self.cast.org_a.pk])
        self.assertContains(public.get(search, {"q": "义诊"}), "红联共建动态")  # its menu, read from the primary
        with CaptureQueriesContext(connections["default"]) as primary:
            self.assertContains(public.get(url), "红联共建动态")  # a visitor, with the replica still behind
        self.assertGreater(len(primary), 0)

    def test_the_public_site_search_reads_from_the_replica(self):
        def indexed(pk, title):
            search.index(DocumentKind.ARTICLE, pk, org_path=self.cast.org_a.path, is_public=True,
                         day=datetime.date(2026, 5, 1), title=title, text="党员志愿者为群众义诊。")  # fmt: skip

        indexed(900001, "博爱医院开展义诊活动")
        wait_until_replayed()
        url = reverse("news:site-search", args=[self.cast.org_a.pk])
        on_replica("SELECT pg_wal_replay_pause()")
        indexed(900002, "博爱医院再次开展义诊")  # on the primary only
        with CaptureQueriesContext(connections[REPLICA]) as replica:
            page = Client().get(url, {"q": "义诊"}).content.decode()
        self.assertIn("/a/900001/", page)
        self.assertNotIn("/a/900002/", page)  # a few seconds behind, as the public site may be
        self.assertTrue(any("news_searchdocument" in q["sql"] for q in replica.captured_queries))

    def test_pages_that_must_be_current_and_every_write_stay_on_the_primary(self):
        client = Client()
        sign_in(client, self.cast.users["unit_admin"])
        with CaptureQueriesContext(connections[REPLICA]) as replica:
            self.assertEqual(client.get(reverse("news:columns")).status_code, 200)
            self.assertEqual(client.get(reverse("people:list")).status_code, 200)
        self.assertEqual(len(replica), 0)
