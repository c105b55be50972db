"""Settings that protect data: checked in a fresh interpreter, as a deployment would load them."""

import os
import subprocess
import sys
from pathlib import Path

from django.test import SimpleTestCase

ROOT = Path(__file__).resolve().parents[2]


def cache_prefix(database_url: str) -> str:
    code = "import django; django.setup(); from django.conf import settings; print(settings.CACHES['default']['KEY_PREFIX'])"
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="gongjian.settings", DATABASE_URL=database_url)
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True,
                          text=True).stdout.strip()  # fmt: skip


class CacheNamespaceTest(SimpleTestCase):
    def test_two_databases_never_share_cache_entries(self):
        production = cache_prefix("postgres://gongjian@db.example/gongjian")
        staging = cache_prefix("postgres://gongjian@db.example/gongjian_staging")
        self.assertTrue(production and staging)
        self.assertNotEqual(production, staging)
        self.assertEqual(production, cache_prefix("postgres://gongjian@db.example/gongjian"))
