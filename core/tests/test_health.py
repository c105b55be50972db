"""/healthz stays trivial; /healthz/deep tells a monitor which part of the system is down."""

import datetime
from unittest import mock

from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from core.testing import CastTestCase


class DeepHealthTest(CastTestCase):
    url = "/healthz/deep"

    def test_it_is_for_superusers_and_the_monitoring_token_only(self):
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.login("sector_admin")
        self.assertEqual(self.client.get(self.url).status_code, 403)
        self.client.logout()
        with override_settings(HEALTH_CHECK_TOKEN="monitor-" + "x" * 40):
            self.assertEqual(self.client.get(self.url, HTTP_X_HEALTH_TOKEN="wrong").status_code, 403)
            response = self.client.get(self.url, HTTP_X_HEALTH_TOKEN="monitor-" + "x" * 40)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(set(response.json()["checks"]), {"database", "cache", "queue", "disk", "keys", "files", "replica"})
        self.assertEqual(self.client.get(reverse("core:healthz")).content, b"ok")

    def test_a_stalled_queue_and_a_full_disk_answer_503_with_the_reason(self):
        from django_q.models import OrmQ

        OrmQ.objects.create(key="gongjian", payload="x", lock=timezone.now() - datetime.timedelta(minutes=30))
        self.login("root")
        with mock.patch("shutil.disk_usage", return_value=mock.Mock(free=10 * 1024 * 1024)):
            response = self.client.get(self.url)
        self.assertEqual(response.status_code, 503)
        checks = response.json()["checks"]
        self.assertFalse(checks["queue"]["ok"])
        self.assertIn("后台任务进程可能没有运行", checks["queue"]["detail"])
        self.assertFalse(checks["disk"]["ok"])
        self.assertTrue(checks["database"]["ok"] and checks["keys"]["ok"])
        self.assertEqual((checks["files"]["ok"], checks["files"]["detail"]), (True, "FileSystemStorage"))
