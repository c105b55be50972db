"""With OBJECT_STORE_* set, every upload lives in an S3-compatible object store, so that a second app server sees
it: here moto's S3 server on this machine, spoken to over HTTP by django-storages as a real store would be.
Photos are uploaded and served through the gate from the store, an import's pending file is read back from it
on confirmation and then removed, and a backup carries the files to another installation's store."""

import io
import secrets
import tempfile
import uuid
from pathlib import Path

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import SimpleTestCase, override_settings
from django.urls import reverse
from moto.server import ThreadedMotoServer
from PIL import Image

from activities.models import ActivityPhoto
from activities.tests.base import ActivityTestCase
from core.testing import Installation
from imports.models import ImportJob, ImportStatus
from imports.tests.test_import_people import row, xlsx
from people.models import Person

ACCESS = {"aws_access_key_id": "gongjian", "aws_secret_access_key": "gongjian-secret", "region_name": "us-east-1"}


class S3Server:
    """moto's S3 API server in a thread of the test process, on a free port."""

    def __init__(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.url = f"http://{host}:{port}"
        self.client = boto3.client("s3", endpoint_url=self.url, **ACCESS)

    def new_bucket(self) -> str:
        name = f"gongjian-{uuid.uuid4().hex[:12]}"
        self.client.create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        return [o["Key"] for o in self.client.list_objects_v2(Bucket=bucket).get("Contents", [])]

    def read(self, bucket: str, key: str) -> bytes:
        return self.client.get_object(Bucket=bucket, Key=key)["Body"].read()

    def env(self, bucket: str) -> dict:
        """The settings a deployment sets (docs/deploy.md)."""
        return {"OBJECT_STORE_BUCKET": bucket, "OBJECT_STORE_URL": self.url,
                "OBJECT_STORE_ACCESS_KEY": ACCESS["aws_access_key_id"],
                "OBJECT_STORE_SECRET_KEY": ACCESS["aws_secret_access_key"]}  # fmt: skip

    def storages(self, bucket: str) -> dict:
        options = {"bucket_name": bucket, "endpoint_url": self.url, "access_key": ACCESS["aws_access_key_id"],
                   "secret_key": ACCESS["aws_secret_access_key"], "region_name": "us-east-1",
                   "addressing_style": "path", "default_acl": None, "file_overwrite": False}  # fmt: skip
        return {
            "default": {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options},
            "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        }

    def stop(self):
        self.server.stop()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(buffer, "JPEG")
    return buffer.getvalue()


class ObjectStoreUploadTest(ActivityTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.s3 = S3Server()
        cls.addClassCleanup(cls.s3.stop)

    def setUp(self):
        self.bucket = self.s3.new_bucket()
        self.disk = tempfile.TemporaryDirectory()
        self.addCleanup(self.disk.cleanup)
        store = override_settings(STORAGES=self.s3.storages(self.bucket), MEDIA_ROOT=self.disk.name)
        store.enable()
        self.addCleanup(store.disable)

    def test_a_photo_is_stored_in_the_object_store_and_served_through_the_gate(self):
        activity = self.record(self.branch_a1)
        self.login("secretary")
        upload = SimpleUploadedFile("合影.jpg", jpeg())
        self.client.post(reverse("activities:photo-upload", args=[activity.pk]), {"image": upload, "caption": "合影"})
        photo = ActivityPhoto.objects.get(activity=activity)
        self.assertEqual(self.s3.keys(self.bucket), [photo.image.name])
        self.assertEqual(list(Path(self.disk.name).rglob("*")), [])  # nothing on this server's disk

        served = self.client.get(reverse("activities:photo", args=[activity.pk, photo.pk]))
        self.assertEqual(served.status_code, 200)
        self.assertEqual(b"".join(served.streaming_content), self.s3.read(self.bucket, photo.image.name))
        self.login("outsider")
        self.assertEqual(self.client.get(reverse("activities:photo", args=[activity.pk, photo.pk])).status_code, 404)

    def test_an_import_reads_its_pending_file_back_from_the_store_and_removes_it(self):
        self.login("unit_admin")
        content = xlsx([row(name="钱小楠", id_number="11010519491231002X")])
        self.client.post(reverse("imports:start"), {"kind": "people", "file": SimpleUploadedFile("p.xlsx", content)})
        job = ImportJob.objects.get()
        self.assertEqual(job.status, ImportStatus.READY, job.errors)
        stored = self.s3.keys(self.bucket)
        self.assertEqual(stored, [job.file.name])
        self.assertNotIn(content[:64], self.s3.read(self.bucket, stored[0]))  # sealed: ID numbers are not in clear

        self.client.post(reverse("imports:confirm", args=[job.pk]))  # as another app server would: from the store
        job.refresh_from_db()
        self.assertEqual(job.status, ImportStatus.DONE, job.errors)
        self.assertTrue(Person.objects.filter(name="钱小楠").exists())
        self.assertEqual(self.s3.keys(self.bucket), [])

    def test_the_deep_health_check_writes_and_reads_back_through_the_store(self):
        self.login("root")
        checks = self.client.get(reverse("core:healthz-deep")).json()["checks"]
        self.assertEqual((checks["files"]["ok"], checks["files"]["detail"]), (True, "S3Storage"))
        self.assertEqual(self.s3.keys(self.bucket), [])  # the probe is removed


KEYS = {name: secrets.token_urlsafe(48) for name in ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY")}

PHOTO = """
    import io
    from django.core.files.base import ContentFile
    from django.utils import timezone
    from PIL import Image
    from activities.models import Activity, ActivityKind, ActivityPhoto
    from orgs.models import PartyOrg
    activity = Activity.objects.create(title="对象存储备份测试", kind=ActivityKind.objects.get(code="party_day"),
                                       lead_org=PartyOrg.objects.get(name="博爱医院第一党支部"), starts_at=timezone.now())
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "blue").save(buffer, "JPEG")
    photo = ActivityPhoto(activity=activity, caption="合影")
    photo.image.save("photo.jpg", ContentFile(buffer.getvalue()), save=True)
    print(photo.image.name)
"""


@pytest.mark.worker
class ObjectStoreBackupTest(SimpleTestCase):
    def test_a_backup_carries_the_stored_files_to_another_installations_store(self):
        s3 = S3Server()
        source_bucket, target_bucket = s3.new_bucket(), s3.new_bucket()
        source = Installation(**KEYS, **s3.env(source_bucket))
        target = Installation(cast=False, migrate=False, **KEYS, **s3.env(target_bucket))
        try:
            name = source.python(PHOTO)
            self.assertEqual(s3.keys(source_bucket), [name])
            backup = source.path / "nightly.gjb"
            source.manage("backup", "--output", str(backup))
            restored = target.manage("restore", str(backup))
            self.assertIn("行数与清单一致", restored.stdout)
            self.assertEqual(s3.keys(target_bucket), [name])
            self.assertEqual(s3.read(target_bucket, name), s3.read(source_bucket, name))
            self.assertFalse((target.path / "media").exists())  # the target's disk holds none of it
        finally:
            source.close()
            target.close()
            s3.stop()
