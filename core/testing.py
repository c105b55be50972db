"""The fixed cast of the tests (STYLE.md): one small world and a user for every role.

sector (行业党委)              <- sector_admin
├── hospital A 党委            <- unit_admin
│   ├── branch A1              <- secretary; member (person linked to user "member")
│   │   └── group A1-1
│   └── branch A2
└── hospital B 党委            <- outsider (unit admin of B)
partner org (a town 党委)      <- partner
"""

import datetime
import re
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.test import TestCase

from accounts.models import RoleGrant
from core.access import Role
from orgs import services
from orgs.models import Institution, OrgKind, PartyOrg
from people.models import Membership, PartyStatus, Person, Position

PASSWORD = "test-password-1"


def make_person(name, org, status=PartyStatus.FORMAL, institution=None, **extra) -> Person:
    person = Person(name=name, home_org=org, party_status=status, institution=institution, **extra)
    if status in (PartyStatus.FORMAL, PartyStatus.PROBATIONARY):
        person.joined_on = extra.get("joined_on", datetime.date(2010, 3, 1))
    if status == PartyStatus.FORMAL:
        person.confirmed_on = extra.get("confirmed_on", datetime.date(2011, 3, 1))
    person.save()
    if person.is_member:
        Membership(person=person, org=org, start_on=person.joined_on).save()
    return person


REFERENCE_DATA = [
    "activities.migrations.0002_default_kinds_and_rules",
    "pairings.migrations.0002_default_categories",
    "honours.migrations.0002_default_kinds",
    "dues.migrations.0002_rate_tables_2008",
]


def ensure_reference_data() -> None:
    """The rows data migrations load (activity kinds, rules, categories): a transactional test's flush empties
    them, so browser tests put them back before building the cast."""
    import importlib

    from django.apps import apps

    from activities.models import ActivityKind

    if ActivityKind.objects.exists():
        return
    for name in REFERENCE_DATA:
        importlib.import_module(name).load(apps, None)


class Cast:
    """The records and users of the test world; built once per test class (or per browser test)."""

    def __init__(self):
        cls = self
        User = get_user_model()
        placeholder = PartyOrg(name="placeholder", kind=OrgKind.COMMITTEE)
        placeholder.save()
        cls.sector = PartyOrg.objects.create(
            name="测试区民营医疗行业党委", kind=OrgKind.SECTOR_COMMITTEE, is_functional=True
        )
        cls.hospital_a = Institution.objects.create(
            name="甲市博爱医院", kind="hospital", region_code="442000", managing_org=placeholder
        )
        cls.hospital_b = Institution.objects.create(
            name="乙市人民医院", kind="hospital", region_code="441900", managing_org=placeholder
        )
        cls.org_a = PartyOrg.objects.create(
            name="中共甲市博爱医院委员会", kind=OrgKind.COMMITTEE, parent=cls.sector, institution=cls.hospital_a
        )
        cls.branch_a1 = PartyOrg.objects.create(
            name="博爱医院第一党支部", kind=OrgKind.BRANCH, parent=cls.org_a, institution=cls.hospital_a
        )
        cls.group_a11 = PartyOrg.objects.create(name="第一党小组", kind=OrgKind.GROUP, parent=cls.branch_a1)
        cls.branch_a2 = PartyOrg.objects.create(
            name="博爱医院第二党支部", kind=OrgKind.BRANCH, parent=cls.org_a, institution=cls.hospital_a
        )
        cls.org_b = PartyOrg.objects.create(
            name="中共乙市人民医院委员会", kind=OrgKind.COMMITTEE, parent=cls.sector, institution=cls.hospital_b
        )
        cls.partner_org = PartyOrg.objects.create(name="中共某镇委员会", kind=OrgKind.COMMITTEE)
        for inst, org in ((cls.hospital_a, cls.org_a), (cls.hospital_b, cls.org_b)):
            inst.managing_org = org
            inst.save()
        placeholder.delete()

        cls.person_a1 = make_person("雷继敏", cls.branch_a1, institution=cls.hospital_a)
        cls.person_a1.set_id_number("442000198001010017")
        cls.person_a1.set_phone("13800138000")
        cls.person_a1.save()
        Position.objects.create(person=cls.person_a1, kind="party", title="书记", org=cls.branch_a1)
        cls.member_person = make_person("李永川", cls.branch_a1, institution=cls.hospital_a)
        cls.person_b = make_person("高建慧", cls.org_b, institution=cls.hospital_b)

        cls.users = {}
        for username, org, role in (
            ("sector_admin", cls.sector, Role.SECTOR_ADMIN),
            ("unit_admin", cls.org_a, Role.UNIT_ADMIN),
            ("secretary", cls.branch_a1, Role.SECRETARY),
            ("member", cls.branch_a1, Role.MEMBER),
            ("partner", cls.partner_org, Role.PARTNER),
            ("outsider", cls.org_b, Role.UNIT_ADMIN),
        ):
            user = User.objects.create_user(username, password=PASSWORD)
            RoleGrant(user=user, org=org, role=role).save()
            cls.users[username] = user
        cls.member_person.user = cls.users["member"]
        cls.member_person.save()
        cls.superuser = User.objects.create_superuser("root", password=PASSWORD)
        for admin in (cls.users["sector_admin"], cls.users["unit_admin"], cls.users["outsider"], cls.superuser):
            second_factor_device(admin)  # administrators sign in with a code from this authenticator
        services.refresh_orgs()
        services.refresh_institutions()


TOTP_KEY = "3132333435363738393031323334353637383930"  # the RFC 6238 test key: browser tests compute its codes


def second_factor_device(user):
    """The user's confirmed authenticator (administrators must have one to get past sign-in), with the test key."""
    from accounts.security import bind_authenticator

    return bind_authenticator(user, TOTP_KEY)


def sign_in(client, user) -> None:
    """force_login, with the second factor passed for users who need one (as the sign-in pages would leave it)."""
    from accounts.security import OTP_SESSION_KEY, needs_second_factor

    client.force_login(user)
    from core.access import user_with_access_facts

    if needs_second_factor(user_with_access_facts("u.id = %s", user.pk)):
        session = client.session
        session[OTP_SESSION_KEY] = second_factor_device(user).persistent_id
        session.save()


def totp_code(key_hex: str = TOTP_KEY) -> str:
    from django_otp.oath import totp

    return f"{totp(bytes.fromhex(key_hex)):06d}"


class CastTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.cast = Cast()
        for name, value in vars(cls.cast).items():
            setattr(cls, name, value)

    def login(self, username: str):
        user = self.superuser if username == "root" else self.users[username]
        sign_in(self.client, user)
        return user

    def history_of(self, page):
        """The change history a page loads when it scrolls into view, fetched as HTMX would."""
        match = re.search(r'<section id="history" hx-get="([^"]+)"', page.content.decode())
        self.assertIsNotNone(match, "the page has no history section")
        return self.client.get(match.group(1), headers={"HX-Request": "true"})


class Installation:
    """A whole installation of its own for tests that run real processes (workers, backup and restore): a data
    directory and a database (a temporary PostgreSQL database when the suite runs on PostgreSQL), migrated, with
    the test cast. Commands run in subprocesses with its environment."""

    ROOT = Path(__file__).resolve().parents[1]

    def __init__(self, cast: bool = True, migrate: bool = True, **env):
        import os
        import tempfile

        self.tmp = tempfile.TemporaryDirectory()
        self.env = {**os.environ, "DJANGO_SETTINGS_MODULE": "gongjian.settings", "GONGJIAN_LOCAL": "1",
                    "GONGJIAN_TASKS_SYNC": "0", "GONGJIAN_DATA_DIR": self.tmp.name, "QUEUE_WORKERS": "1", **env}  # fmt: skip
        self.pg_name = None
        from django.conf import settings

        if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
            self.pg_name = f"gongjian_it_{uuid.uuid4().hex[:8]}"
            self._admin_sql(f"CREATE DATABASE {self.pg_name}")
            conf = settings.DATABASES["default"]
            host, port = conf["HOST"] or "127.0.0.1", conf["PORT"] or 5432
            self.env["DATABASE_URL"] = f"postgres://{conf['USER']}@{host}:{port}/{self.pg_name}"
        else:
            self.env["DATABASE_URL"] = f"sqlite:///{self.tmp.name}/installation.sqlite3"
        if migrate:
            self.manage("migrate", "-v0")
        if cast:
            self.python("from core.testing import Cast, ensure_reference_data; ensure_reference_data(); Cast()")

    @property
    def path(self) -> Path:
        return Path(self.tmp.name)

    def _admin_sql(self, sql: str) -> None:
        import psycopg
        from django.conf import settings

        conf = settings.DATABASES["default"]
        with psycopg.connect(host=conf["HOST"] or "127.0.0.1", port=conf["PORT"] or 5432, user=conf["USER"],
                             dbname="postgres", autocommit=True) as connection:  # fmt: skip
            connection.execute(sql)

    def close(self) -> None:
        if self.pg_name:
            self._admin_sql(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")
        self.tmp.cleanup()

    def manage(self, *args, check: bool = True):
        import subprocess
        import sys

        result = subprocess.run([sys.executable, "manage.py", *args], cwd=self.ROOT, env=self.env, capture_output=True,
                                text=True)  # fmt: skip
        if check and result.returncode:
            raise AssertionError(result.stderr[-3000:])
        return result

    def python(self, code: str) -> str:
        import subprocess
        import sys
        import textwrap

        script = "import django; django.setup()\n" + textwrap.dedent(code)
        result = subprocess.run([sys.executable, "-c", script], cwd=self.ROOT, env=self.env, capture_output=True,
                                text=True)  # fmt: skip
        if result.returncode:
            raise AssertionError(result.stderr[-3000:])
        return result.stdout.strip()

    def popen(self, *args):
        import subprocess
        import sys

        return subprocess.Popen([sys.executable, *args], cwd=self.ROOT, env=self.env, start_new_session=True,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
