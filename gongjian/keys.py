"""Where the secrets come from: the operator's environment, or (local demo and development only) a file of
random keys generated once in the data directory.

Nothing that protects data may be derivable from the repository: a production start (not GONGJIAN_LOCAL, DEBUG
off) refuses to run unless SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY are set, and set to values of
its own. `make run`, `make test` and the benchmark set GONGJIAN_LOCAL=1 and get keys generated on this machine.
"""

import json
import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

NAMES = ("SECRET_KEY", "FIELD_ENCRYPTION_KEYS", "BLIND_INDEX_KEY")
LOCAL_KEYS_FILE = "local-keys.json"
# Values that were ever defaults in this repository (or are obviously placeholders): never accepted in production.
KNOWN_DEFAULTS = frozenset(
    {
        "dev-only-insecure-key-change-me-in-production-0123456789",
        "change-me",
        "changeme",
        "secret",
        "insecure",
    }
)
MIN_SECRET_LENGTH = {"SECRET_KEY": 50}  # Django's own deploy check asks 50 for SECRET_KEY
MIN_KEY_LENGTH = 32


def is_local() -> bool:
    return os.environ.get("GONGJIAN_LOCAL") == "1" or os.environ.get("DEBUG") == "1"


def load(data_dir: Path, local: bool) -> dict[str, str]:
    """The three secrets by name. Environment first; locally, a generated file fills what it lacks."""
    values = {name: os.environ.get(name, "").strip() for name in NAMES}
    missing = [name for name, value in values.items() if not value]
    if missing and local:
        generated = _local_keys(data_dir)
        for name in missing:
            values[name] = generated[name]
        values["_local_file"] = str(data_dir / LOCAL_KEYS_FILE)
    elif missing:
        raise ImproperlyConfigured(
            "生产环境启动被拒绝：必须在环境变量中设置 " + "、".join(missing) + "（每个至少 50 个随机字符，"
            "只有运维人员持有；本地演示请用 make run）。Refusing to start without " + ", ".join(missing) + "."
        )
    if not local:
        weak = [name for name in NAMES if problems(name, values[name], values)]
        if weak:
            raise ImproperlyConfigured(
                "生产环境启动被拒绝：" + "；".join(p for name in weak for p in problems(name, values[name], values))
            )
    return values


def problems(name: str, value: str, values: dict[str, str]) -> list[str]:
    """What is wrong with a secret for production use (empty list: nothing)."""
    found = []
    parts = [p for p in value.split(",") if p] if name == "FIELD_ENCRYPTION_KEYS" else [value]
    for part in parts:
        if part in KNOWN_DEFAULTS or part.startswith(("dev-only", "django-insecure")):
            found.append(f"{name} 使用了代码库中的默认值")
        elif len(part) < MIN_SECRET_LENGTH.get(name, MIN_KEY_LENGTH) or len(set(part)) < 10:
            found.append(f"{name} 太短或重复字符太多（至少 {MIN_SECRET_LENGTH.get(name, MIN_KEY_LENGTH)} 个随机字符）")
    if name != "SECRET_KEY" and value and any(p == values.get("SECRET_KEY") for p in parts):
        found.append(f"{name} 不能与 SECRET_KEY 相同（各自独立，分开保管）")
    return found


def _local_keys(data_dir: Path) -> dict[str, str]:
    """Random keys for this machine's demo data, created once (mode 0600) and kept with that data."""
    path = data_dir / LOCAL_KEYS_FILE
    if path.exists():
        return json.loads(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    keys = {name: secrets.token_urlsafe(48) for name in NAMES}
    temporary = data_dir / f".{LOCAL_KEYS_FILE}.{os.getpid()}"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(keys, handle)
    try:
        os.link(temporary, path)  # atomic: the first process to get here sets the keys for everyone
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return json.loads(path.read_text())
