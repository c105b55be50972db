"""A backup restores: taken from one installation, restored into a fresh one, every table holds the same rows
(microseconds and all) and photos are served again; a damaged or foreign file is refused before anything is
written."""

import secrets

import pytest
from django.test import SimpleTestCase

from core.testing import Installation

pytestmark = pytest.mark.worker

KEYS = {
    "SECRET_KEY": secrets.token_urlsafe(48),
    "FIELD_ENCRYPTION_KEYS": secrets.token_urlsafe(48),
    "BLIND_INDEX_KEY": secrets.token_urlsafe(48),
}

# Every table's row count and a digest of its rows in a stable order: equal digests, equal contents.
FINGERPRINTS = """
    import hashlib
    from django.db import connection
    tables = sorted(t for t in connection.introspection.table_names() if not t.startswith("sqlite_"))
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}"')
            rows = sorted(repr(row) for row in cursor.fetchall())
            print(table, len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()[:16])
"""

CONTENT = """
    import datetime, io
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image
    from activities.models import Activity, ActivityKind, ActivityPhoto
    from orgs.models import PartyOrg
    branch = PartyOrg.objects.get(name="博爱医院第一党支部")
    activity = Activity(title="备份测试的主题党日", kind=ActivityKind.objects.get(code="party_day"), lead_org=branch,
                        starts_at=timezone.now().replace(microsecond=123456))
    activity.save()
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, "JPEG")
    photo = ActivityPhoto(activity=activity, caption="合影")
    photo.image.save("photo.jpg", ContentFile(buffer.getvalue()), save=True)
    print(activity.pk, photo.pk)
"""


class BackupRestoreTest(SimpleTestCase):
    def test_a_backup_restores_every_table_and_file_into_a_fresh_installation(self):
        source = Installation(**KEYS)
        target = Installation(cast=False, migrate=False, **KEYS)
        try:
            activity, photo = source.python(CONTENT).split()
            before = source.python(FINGERPRINTS)
            backup = source.path / "nightly.gjb"
            made = source.manage("backup", "--output", str(backup))
            self.assertIn("已备份到", made.stdout)
            raw = backup.read_bytes()
            self.assertNotIn("备份测试".encode(), raw)  # encrypted
            self.assertNotIn(b"SQLite format", raw)

            restored = target.manage("restore", str(backup))
            self.assertIn("行数与清单一致", restored.stdout)
            self.assertEqual(target.python(FINGERPRINTS), before)
            served = target.python(f"""
                from activities.models import ActivityPhoto
                photo = ActivityPhoto.objects.get(pk={photo})
                with photo.image.open("rb") as handle:
                    print(len(handle.read()) > 100)
            """)
            self.assertEqual(served, "True")

            again = target.manage("restore", str(backup), check=False)  # never over existing data
            self.assertNotEqual(again.returncode, 0)
            self.assertIn("目标数据库不是空的", again.stderr)
        finally:
            source.close()
            target.close()

    def test_a_damaged_or_foreign_backup_is_refused(self):
        source = Installation(cast=False, **KEYS)
        try:
            backup = source.path / "b.gjb"
            source.manage("backup", "--output", str(backup))
            data = bytearray(backup.read_bytes())
            damaged = source.path / "damaged.gjb"
            data[len(data) // 2] ^= 0xFF
            damaged.write_bytes(bytes(data))
            truncated = source.path / "truncated.gjb"
            truncated.write_bytes(backup.read_bytes()[: len(data) // 2])
            other_keys = {**KEYS, "FIELD_ENCRYPTION_KEYS": secrets.token_urlsafe(48)}
            fresh = Installation(cast=False, migrate=False, **other_keys)
            try:
                wrong_key = fresh.manage("restore", str(backup), check=False)
            finally:
                fresh.close()
            self.assertIn("FIELD_ENCRYPTION_KEYS 中没有该密钥", wrong_key.stderr)
            for path, message in ((damaged, "校验失败"), (truncated, "不完整")):
                fresh = Installation(cast=False, migrate=False, **KEYS)
                try:
                    result = fresh.manage("restore", str(path), check=False)
                    self.assertIn(message, result.stderr)
                    tables = fresh.python(
                        "from django.db import connection; print(len(connection.introspection.table_names()))"
                    )
                    self.assertEqual(tables, "0")  # nothing written
                finally:
                    fresh.close()
        finally:
            source.close()
