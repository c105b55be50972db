"""Keys that protect personal data: never from the repository, checked against the stored data, rotatable."""

import io
import os
import secrets
import subprocess
import sys
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import SimpleTestCase, TestCase, override_settings

from alliances.models import Referral
from core import crypto
from core.models import KeyCheck, KeyRotation
from core.testing import Cast
from core.validators import id_check_digit
from people.models import Person

ROOT = Path(__file__).resolve().parents[2]
OLD_DEFAULT = "dev-only-insecure-key-change-me-in-production-0123456789"


def production_env(**extra) -> dict:
    dropped = ("GONGJIAN_LOCAL", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE", *extra)  # the last is the browser tests'
    env = {k: v for k, v in os.environ.items() if k not in dropped}
    env.update(DJANGO_SETTINGS_MODULE="gongjian.settings", ALLOWED_HOSTS="party.example.cn")
    env.update(extra)
    return env


def strong() -> str:
    return secrets.token_urlsafe(48)


def run(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


class ProductionStartTest(SimpleTestCase):
    def test_a_production_start_without_its_own_keys_is_refused(self):
        result = run("import django; django.setup()", production_env())
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("生产环境启动被拒绝", result.stderr)
        self.assertIn("FIELD_ENCRYPTION_KEYS", result.stderr)

    def test_the_old_repository_default_is_refused(self):
        env = production_env(SECRET_KEY=OLD_DEFAULT, FIELD_ENCRYPTION_KEYS=strong(), BLIND_INDEX_KEY=strong())
        result = run("import django; django.setup()", env)
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("SECRET_KEY 使用了代码库中的默认值", result.stderr)

    def test_an_encryption_key_equal_to_the_secret_key_is_refused(self):
        key = strong() + "abc"
        env = production_env(SECRET_KEY=key, FIELD_ENCRYPTION_KEYS=key, BLIND_INDEX_KEY=strong())
        result = run("import django; django.setup()", env)
        self.assertIn("不能与 SECRET_KEY 相同", result.stderr)

    def test_check_deploy_is_clean_with_the_operators_keys(self):
        with tempfile.TemporaryDirectory() as data_dir:
            env = production_env(
                SECRET_KEY=strong(),
                FIELD_ENCRYPTION_KEYS=strong(),
                BLIND_INDEX_KEY=strong(),
                GONGJIAN_DATA_DIR=data_dir,
            )
            result = subprocess.run(
                [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                cwd=ROOT, env=env, capture_output=True, text=True,
            )  # fmt: skip
        self.assertEqual(result.returncode, 0, result.stderr + result.stdout)
        self.assertIn("no issues", result.stdout)

    def test_check_deploy_flags_the_generated_demo_keys(self):
        with tempfile.TemporaryDirectory() as data_dir:
            env = dict(production_env(GONGJIAN_DATA_DIR=data_dir), GONGJIAN_LOCAL="1")
            result = subprocess.run(
                [sys.executable, "manage.py", "check", "--deploy"], cwd=ROOT, env=env, capture_output=True, text=True
            )
            self.assertTrue((Path(data_dir) / "local-keys.json").exists())
            self.assertEqual(oct((Path(data_dir) / "local-keys.json").stat().st_mode & 0o777), "0o600")
        self.assertNotEqual(result.returncode, 0)
        self.assertIn("gongjian.E001", result.stderr)

    def test_production_sends_cookies_over_https_only(self):
        env = production_env(SECRET_KEY=strong(), FIELD_ENCRYPTION_KEYS=strong(), BLIND_INDEX_KEY=strong())
        code = (
            "import django; django.setup(); from django.conf import settings as s;"
            "print(s.SECURE_SSL_REDIRECT, s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_HSTS_SECONDS > 0)"
        )
        self.assertEqual(run(code, env).stdout.split(), ["True", "True", "True", "True"])


class KeyMismatchAtStartTest(SimpleTestCase):
    """Data written with one key; the server started with another refuses to start, naming the reason."""

    def test_the_wsgi_application_refuses_keys_that_do_not_open_the_data(self):
        with tempfile.TemporaryDirectory() as data_dir:
            first = dict(
                production_env(SECRET_KEY=strong(), FIELD_ENCRYPTION_KEYS=strong(), BLIND_INDEX_KEY=strong()),
                GONGJIAN_DATA_DIR=data_dir, SECURE_SSL_REDIRECT="0",
            )  # fmt: skip
            subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=first, check=True)
            write = (
                "import django; django.setup(); from core.testing import Cast; Cast();"
                "from people.models import Person; print(Person.objects.exclude(id_number_enc='').count())"
            )
            self.assertEqual(run(write, first).stdout.strip(), "1")
            self.assertEqual(run("import gongjian.wsgi", first).returncode, 0)
            wrong = dict(first, FIELD_ENCRYPTION_KEYS=strong())
            result = run("import gongjian.wsgi", wrong)
            self.assertNotEqual(result.returncode, 0)
            self.assertIn("KeyMismatch", result.stderr)
            self.assertIn("FIELD_ENCRYPTION_KEYS 中没有该密钥", result.stderr)
            wrong_blind = dict(first, BLIND_INDEX_KEY=strong())
            self.assertIn("BLIND_INDEX_KEY", run("import gongjian.wsgi", wrong_blind).stderr)


class KeyRotationTest(TestCase):
    @classmethod
    def setUpTestData(cls):
        crypto.reset_caches()
        cls.cast = Cast()
        cls.people = []
        for i in range(5):
            person = Person.objects.get(pk=cls.cast.person_a1.pk) if i == 0 else Person(
                name=f"测试{i}", home_org=cls.cast.branch_a1
            )  # fmt: skip
            if i:
                person.set_id_number(f"1101011990030700{i}" + id_check_digit(f"1101011990030700{i}"))
                person.set_phone(f"1390000000{i}")
                person.save()
            cls.people.append(person)

    def tearDown(self):
        crypto.reset_caches()

    def clear_values(self):
        return {p.pk: (p.get_id_number(), p.get_phone()) for p in Person.objects.exclude(id_number_enc="")}

    def test_rotation_re_encrypts_everything_and_rebuilds_the_index(self):
        from django.conf import settings

        before = self.clear_values()
        old_key, new_key, new_blind = settings.FIELD_ENCRYPTION_KEYS[0], strong(), strong()
        with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key], BLIND_INDEX_KEY=new_blind):
            crypto.reset_caches()
            with self.assertRaises(crypto.KeyMismatch):  # the blind key changed: refused until a rotation runs
                crypto.verify_keys()
            call_command("rotate_keys", batch_size=2, stdout=io.StringIO())
        with override_settings(FIELD_ENCRYPTION_KEYS=[new_key], BLIND_INDEX_KEY=new_blind):
            crypto.reset_caches()
            crypto.verify_keys()
            self.assertEqual(self.clear_values(), before)
            new_id = crypto.key_id_of(new_key)
            for person in Person.objects.exclude(id_number_enc=""):
                self.assertTrue(person.id_number_enc.startswith(new_id + "."))
                self.assertEqual(person.id_number_hash, crypto.blind_index(person.get_id_number(), "id_number"))
            self.assertEqual(Person.objects.search(before[self.people[1].pk][0]).get().pk, self.people[1].pk)
            self.assertEqual(set(KeyCheck.objects.filter(kind="field").values_list("key_id", flat=True)), {new_id})
            self.assertFalse(KeyRotation.objects.exists())

    def test_an_interrupted_rotation_goes_on_where_it_stopped(self):
        from django.conf import settings

        old_key, new_key = settings.FIELD_ENCRYPTION_KEYS[0], strong()
        with override_settings(FIELD_ENCRYPTION_KEYS=[new_key, old_key]):
            crypto.reset_caches()
            queryset_class = type(Person.objects.all())
            real = queryset_class.bulk_update
            calls = []

            def fail_second_batch(self, *args, **kwargs):
                calls.append(1)
                if len(calls) == 2:
                    raise KeyboardInterrupt  # as a kill or Ctrl-C would stop it
                return real(self, *args, **kwargs)

            with (
                mock.patch.object(queryset_class, "bulk_update", fail_second_batch),
                self.assertRaises(KeyboardInterrupt),
            ):
                call_command("rotate_keys", batch_size=2, stdout=io.StringIO())
            progress = KeyRotation.objects.get().progress
            self.assertEqual(progress["people.Person"], Person.objects.order_by("pk")[1].pk)
            call_command("rotate_keys", batch_size=2, stdout=io.StringIO())
            left = Person.objects.exclude(id_number_enc="").exclude(id_number_enc__startswith=crypto.key_id_of(new_key))
            self.assertEqual(left.count(), 0)

    def test_rotation_stops_on_a_value_no_key_opens(self):
        from django.conf import settings

        Person.objects.filter(pk=self.people[2].pk).update(id_number_enc="ffff.AAAA")
        with override_settings(FIELD_ENCRYPTION_KEYS=[strong(), settings.FIELD_ENCRYPTION_KEYS[0]]):
            crypto.reset_caches()
            with self.assertRaisesMessage(CommandError, f"#{self.people[2].pk}"):
                call_command("rotate_keys", stdout=io.StringIO())

    def test_referral_patient_ids_are_rotated_too(self):
        self.assertIn(("alliances", "Referral", "patient_id_enc", "patient_id_hash"), crypto.ENCRYPTED_COLUMNS)
        self.assertTrue(hasattr(Referral, "patient_id_enc"))
