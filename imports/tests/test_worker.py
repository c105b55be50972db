"""A real worker (manage.py run_worker) on a database of its own: an upload checked and imported in the background;
the worker killed with SIGKILL in the middle of a 50k-row import writes nothing, the job is found and run again
to completion; other users keep saving while a large import writes (SQLite's one write lock)."""

import os
import signal
import subprocess
import time

import pytest
from django.test import SimpleTestCase

from core.testing import Installation

ROWS = 50_000

pytestmark = pytest.mark.worker


class WorkerInstallation(Installation):
    def start_worker(self) -> subprocess.Popen:
        return self.popen("manage.py", "run_worker")

    def job(self, pk: int) -> tuple[str, int]:
        """(status, rows written so far by the worker's progress) of an import job."""
        out = self.python(f"""
            from django.core.cache import cache
            from imports.models import ImportJob
            from imports.services import progress_key
            print(ImportJob.objects.get(pk={pk}).status, cache.get(progress_key({pk}), 0))
        """)
        status, done = out.split()
        return status, int(done)

    def wait_for(self, pk: int, statuses: set[str], timeout: float = 240) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            status, _ = self.job(pk)
            if status in statuses:
                if status in {"failed", "invalid"}:
                    print(
                        self.python(
                            f"from imports.models import ImportJob; print(ImportJob.objects.get(pk={pk}).errors)"
                        )
                    )
                return status
            time.sleep(0.5)
        raise AssertionError(f"job {pk} did not reach {statuses} (is {status})")


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


UPLOAD = """
    from django.contrib.auth import get_user_model
    from imports import services
    from imports.tests.test_import_people import xlsx, row
    rows = [row(name=f"{prefix}{{i:05d}}", id_number="", org="博爱医院第一党支部") for i in range({count})]
    user = get_user_model().objects.get(username="unit_admin")
    print(services.accept_upload(user, "people", "people.xlsx", xlsx(rows)).pk)
"""
COUNT = """
    from people.models import Person
    print(Person.objects.filter(name__startswith="{prefix}").count())
"""


class WorkerTest(SimpleTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.world = WorkerInstallation()

    @classmethod
    def tearDownClass(cls):
        cls.world.close()
        super().tearDownClass()

    def test_a_worker_checks_and_imports_an_upload(self):
        world = self.world
        worker = world.start_worker()
        try:
            pk = int(world.python(UPLOAD.format(prefix="后台", count=3)))
            self.assertEqual(world.wait_for(pk, {"ready", "invalid"}), "ready")
            world.python(f"from imports import services; from imports.models import ImportJob; "
                         f"services.confirm(ImportJob.objects.get(pk={pk}))")  # fmt: skip
            self.assertEqual(world.wait_for(pk, {"done", "failed", "invalid"}), "done")
            self.assertEqual(world.python(COUNT.format(prefix="后台")), "3")
        finally:
            stop(worker)

    def test_a_worker_killed_mid_import_writes_nothing_and_the_job_runs_again(self):
        world = self.world
        worker = world.start_worker()
        try:
            pk = int(world.python(UPLOAD.format(prefix="断电", count=ROWS)))
            self.assertEqual(world.wait_for(pk, {"ready", "invalid"}), "ready")
            world.python(f"from imports import services; from imports.models import ImportJob; "
                         f"services.confirm(ImportJob.objects.get(pk={pk}))")  # fmt: skip
            status = world.python(WAIT_FOR_WRITING.format(pk=pk))  # until rows are being written
            self.assertEqual(status, "running", "the import ended before it could be killed")
            os.killpg(worker.pid, signal.SIGKILL)
            worker.wait()
        finally:
            stop(worker)
        self.assertEqual(world.python(COUNT.format(prefix="断电")), "0")
        self.assertEqual(world.job(pk)[0], "running")  # until the upkeep finds it without its lock
        worker = world.start_worker()
        try:
            world.python("from imports.services import maintain_jobs; print(maintain_jobs())")
            writes = world.python(CONCURRENT_SAVES.format(pk=pk))  # other users save while the import runs again
            self.assertEqual(world.wait_for(pk, {"done", "failed", "invalid"}), "done")
        finally:
            stop(worker)
        self.assertEqual(world.python(COUNT.format(prefix="断电")), str(ROWS))
        saved, failed, longest, during = writes.split()
        print(
            f"\nconcurrent saves during the import: {saved} saved ({during} while the import ran), {failed} failed, "
            f"longest wait {longest} s"
        )
        self.assertEqual(int(failed), 0)
        self.assertGreater(int(during), 0, "no save overlapped the import")


WAIT_FOR_WRITING = """
    import time
    from django.core.cache import cache
    from imports.models import ImportJob
    from imports.services import progress_key
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status = ImportJob.objects.values_list("status", flat=True).get(pk={pk})
        if status != "running" and status not in ("ready", "queued"):
            break
        if status == "running" and cache.get(progress_key({pk}), 0) > 0:
            break
        time.sleep(0.02)
    print(status)
"""
# Another user saving a record every quarter second until the import has finished: every save must succeed.
CONCURRENT_SAVES = """
    import time
    from django.core.cache import cache
    from django.db import OperationalError, transaction
    from imports.models import ImportJob
    from imports.services import progress_key
    from people.models import Person
    from orgs.models import PartyOrg
    branch = PartyOrg.objects.get(name="博爱医院第二党支部")
    saved = failed = during = 0
    longest = 0.0
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        status = ImportJob.objects.values_list("status", flat=True).get(pk={pk})
        if status in ("done", "failed", "invalid"):
            break
        writing = status == "running"
        start = time.monotonic()
        try:
            with transaction.atomic():
                Person.objects.create(name=f"同时{{saved}}", home_org=branch)
            saved += 1
            during += writing
        except OperationalError:
            failed += 1
        longest = max(longest, time.monotonic() - start)
        time.sleep(0.25)
    print(saved, failed, round(longest, 2), during)
"""
