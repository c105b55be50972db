"""Loaded by pytest before Django's settings (`-p gongjian.pytest_local` in pyproject.toml): tests run as a local
machine, with keys generated in the data directory instead of the operator's (gongjian/keys.py)."""

import os

os.environ.setdefault("GONGJIAN_LOCAL", "1")
os.environ.setdefault("GONGJIAN_TASKS_SYNC", "1")  # tasks run where they are queued; the worker test starts its own
