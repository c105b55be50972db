"""python manage.py serve: the web server (gunicorn) and a background worker in one command, stopped together
(`make run`). Production starts them separately (docs/deploy.md)."""

import signal
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from core.tasks import ensure_schedules


class Command(BaseCommand):
    help = "本机演示：同时启动网页服务和后台任务进程（Ctrl-C 一起停止）"

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--web-workers", type=int, default=2)

    def handle(self, *args, port, web_workers, **options):
        ensure_schedules()
        bin_dir = Path(sys.executable).parent
        manage = str(Path(settings.BASE_DIR) / "manage.py")
        worker = subprocess.Popen([sys.executable, manage, "qcluster"])
        web = subprocess.Popen([
            str(bin_dir / "gunicorn"), "gongjian.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(web_workers),
            "--access-logfile", "-", "--log-level", "warning",
        ])  # fmt: skip
        children = [web, worker]
        signal.signal(signal.SIGTERM, lambda *_: _stop(children))
        try:
            while all(child.poll() is None for child in children):
                time.sleep(1)
        except KeyboardInterrupt:
            pass
        finally:
            _stop(children)
        failed = [c for c in children if c.returncode not in (0, -signal.SIGTERM, -signal.SIGINT, None)]
        if failed:
            sys.exit(1)


def _stop(children) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=20)
        except subprocess.TimeoutExpired:
            child.kill()
