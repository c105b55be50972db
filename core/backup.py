"""Backups that restore: the database (SQLite's online backup, or pg_dump of one snapshot), the media files and a
manifest of row counts and checksums, in one file encrypted in chunks (AES-256-GCM) under a key derived from the
first FIELD_ENCRYPTION_KEYS key. Restoring needs that key anyway: the personal data inside stays encrypted by it.

File layout: b"GJB1", key id (4 ASCII), nonce prefix (8 bytes), then chunks of [length (4 bytes), last flag (1),
ciphertext]. Each chunk's nonce is the prefix and its number, and its number and flag are authenticated, so a
reordered, truncated or altered file is refused.
"""

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import connection

from core import crypto
from core.files import stored_files

MAGIC = b"GJB1"
CHUNK = 4 * 1024 * 1024
FORMAT_VERSION = 1


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, in Chinese."""


# --- encryption -------------------------------------------------------------------------------------------


def _backup_key(secret: str) -> AESGCM:
    return AESGCM(hashlib.sha256(("backup:" + secret).encode()).digest())


class EncryptingWriter(io.RawIOBase):
    """A write-only stream that encrypts what it is given in authenticated chunks."""

    def __init__(self, target):
        secret = settings.FIELD_ENCRYPTION_KEYS[0]
        self.target, self.cipher = target, _backup_key(secret)
        self.prefix, self.number, self.buffer = os.urandom(8), 0, bytearray()
        target.write(MAGIC + crypto.key_id_of(secret).encode() + self.prefix)

    def writable(self):
        return True

    def write(self, data):
        self.buffer += data
        while len(self.buffer) > CHUNK:
            self._emit(bytes(self.buffer[:CHUNK]), last=False)
            del self.buffer[:CHUNK]
        return len(data)

    def close(self):
        if not self.closed:
            self._emit(bytes(self.buffer), last=True)
        super().close()

    def _emit(self, chunk: bytes, last: bool):
        flag = b"\x01" if last else b"\x00"
        nonce = self.prefix + self.number.to_bytes(4, "big")
        sealed = self.cipher.encrypt(nonce, chunk, MAGIC + self.number.to_bytes(4, "big") + flag)
        self.target.write(len(sealed).to_bytes(4, "big") + flag + sealed)
        self.number += 1


def decrypted_chunks(source):
    """The plain bytes of an encrypted backup, chunk by chunk; BackupError when it is not whole and authentic."""
    header = source.read(16)
    if len(header) < 16 or header[:4] != MAGIC:
        raise BackupError("这不是共建的备份文件（文件头不符）")
    key_id, prefix = header[4:8].decode(errors="replace"), header[8:16]
    secret = next((s for s in settings.FIELD_ENCRYPTION_KEYS if crypto.key_id_of(s) == key_id), None)
    if secret is None:
        raise BackupError(f"备份由密钥 {key_id} 加密，当前 FIELD_ENCRYPTION_KEYS 中没有该密钥")
    cipher, number = _backup_key(secret), 0
    while True:
        head = source.read(5)
        if len(head) < 5:
            raise BackupError("备份文件不完整（在结尾之前中断），无法恢复")
        length, flag = int.from_bytes(head[:4], "big"), head[4:5]
        sealed = source.read(length)
        if len(sealed) < length:
            raise BackupError("备份文件不完整（在结尾之前中断），无法恢复")
        nonce = prefix + number.to_bytes(4, "big")
        try:
            yield cipher.decrypt(nonce, sealed, MAGIC + number.to_bytes(4, "big") + flag)
        except InvalidTag:
            raise BackupError(f"备份文件第 {number + 1} 块校验失败（已损坏或被改动），无法恢复") from None
        number += 1
        if flag == b"\x01":
            return


class _ChunkReader(io.RawIOBase):
    def __init__(self, chunks):
        self.chunks, self.pending = chunks, b""

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self.pending:
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


# --- making a backup --------------------------------------------------------------------------------------


def make_backup(output: Path) -> dict:
    """Write an encrypted backup to `output`; returns its manifest."""
    with tempfile.TemporaryDirectory() as work:
        dump, counts = _dump_database(Path(work))
        manifest = {
            "format": FORMAT_VERSION,
            "created_at": datetime.datetime.now(datetime.UTC).isoformat(),
            "engine": connection.vendor,
            "database_file": dump.name,
            "tables": counts,
            "files": {},
        }
        partial = output.with_name(output.name + ".partial")
        with open(partial, "wb") as raw:
            writer = EncryptingWriter(raw)
            with tarfile.open(fileobj=writer, mode="w|") as archive:
                manifest["files"][dump.name] = _add(archive, dump, dump.name)
                for stored in stored_files():  # through the storage API: this disk or the object store
                    name = "media/" + stored
                    manifest["files"][name] = _add_stored(archive, stored, name)
                body = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo("manifest.json")
                info.size = len(body)
                archive.addfile(info, io.BytesIO(body))
            writer.close()
        partial.replace(output)  # a half-written backup never carries the final name
    return manifest


def _add(archive: tarfile.TarFile, path: Path, name: str) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    archive.add(str(path), arcname=name, recursive=False)
    return digest.hexdigest()


class _HashingReader:
    def __init__(self, handle):
        self.handle, self.digest = handle, hashlib.sha256()

    def read(self, size=-1):
        data = self.handle.read(size)
        self.digest.update(data)
        return data


def _add_stored(archive: tarfile.TarFile, stored: str, name: str) -> str:
    info = tarfile.TarInfo(name)
    info.size = default_storage.size(stored)
    info.mtime = int(time.time())
    with default_storage.open(stored, "rb") as handle:
        reader = _HashingReader(handle)
        archive.addfile(info, reader)
    return reader.digest.hexdigest()


def _dump_database(work: Path) -> tuple[Path, dict[str, int]]:
    if connection.vendor == "sqlite":
        target = work / "database.sqlite3"
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"])
        copy = sqlite3.connect(target)
        with copy:
            source.backup(copy)  # SQLite's online backup: a consistent copy while others keep writing
        source.close()
        counts = _counts(lambda sql: copy.execute(sql).fetchone()[0], _sqlite_tables(copy))
        copy.close()
        return target, counts
    if connection.vendor == "postgresql":
        return _pg_dump(work)
    raise BackupError(f"不支持的数据库：{connection.vendor}")


def _sqlite_tables(db) -> list[str]:
    rows = db.execute("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    return [row[0] for row in rows]


def _counts(count, tables) -> dict[str, int]:
    return {table: count(f'SELECT COUNT(*) FROM "{table}"') for table in tables}


def _pg_dump(work: Path) -> tuple[Path, dict[str, int]]:
    """pg_dump of an exported snapshot, counted in that same snapshot: the counts describe exactly the dump."""
    import psycopg

    target = work / "database.dump"
    url = _pg_url()
    with psycopg.connect(url, autocommit=False) as snapshot_connection:
        snapshot_connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        snapshot = snapshot_connection.execute("SELECT pg_export_snapshot()").fetchone()[0]
        tables = [row[0] for row in snapshot_connection.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]  # fmt: skip
        counts = _counts(lambda sql: snapshot_connection.execute(sql).fetchone()[0], tables)
        command = [shutil.which("pg_dump") or "pg_dump", "--format=custom", "--no-owner", "--no-privileges",
                   f"--snapshot={snapshot}", f"--file={target}", url]  # fmt: skip
        result = subprocess.run(command, capture_output=True, text=True)
        if result.returncode:
            raise BackupError(f"pg_dump 失败：{result.stderr.strip()[-500:]}")
    return target, counts


def _pg_url() -> str:
    conf = settings.DATABASES["default"]
    password = f":{conf['PASSWORD']}" if conf.get("PASSWORD") else ""
    host = conf.get("HOST") or "127.0.0.1"
    return f"postgresql://{conf['USER']}{password}@{host}:{conf.get('PORT') or 5432}/{conf['NAME']}"


# --- restoring --------------------------------------------------------------------------------------------


def restore_backup(source_path: Path) -> dict:
    """Restore into this installation's (empty) database and media folder; verify checksums and row counts."""
    _require_empty_target()
    with tempfile.TemporaryDirectory() as work, open(source_path, "rb") as source:
        work = Path(work)
        digests, manifest = {}, None
        with tarfile.open(fileobj=_ChunkReader(decrypted_chunks(source)), mode="r|") as archive:
            for member in archive:
                if member.name == "manifest.json":
                    manifest = json.loads(archive.extractfile(member).read())
                    continue
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(f"备份中有异常的条目：{member.name}")
                digests[member.name] = _extract(archive, member, work / member.name)
        if manifest is None:
            raise BackupError("备份中没有清单（manifest.json），无法核对")
        _verify(manifest, digests)
        _load_database(manifest, work / manifest["database_file"])
        if (work / "media").exists():
            _restore_files(work / "media")
    counts = table_counts()
    wrong = {t: (n, counts.get(t)) for t, n in manifest["tables"].items() if counts.get(t) != n}
    if wrong:
        raise BackupError("恢复后行数与清单不符：" + "；".join(f"{t} 应为 {a} 实为 {b}" for t, (a, b) in wrong.items()))
    return manifest


def _restore_files(folder: Path) -> None:
    """Every file of the backup back under its own name in the storage (this disk or the object store)."""
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if default_storage.exists(name):
            default_storage.delete(name)
        with open(path, "rb") as handle:
            saved = default_storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"文件恢复后名称不符：{name} 存为 {saved}")


def _safe_name(name: str) -> bool:
    path = Path(name)
    return not path.is_absolute() and ".." not in path.parts


def _extract(archive, member, target: Path) -> str:
    target.parent.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256()
    with archive.extractfile(member) as handle, open(target, "wb") as out:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
            out.write(block)
    return digest.hexdigest()


def _verify(manifest: dict, digests: dict[str, str]) -> None:
    if manifest.get("format") != FORMAT_VERSION:
        raise BackupError(f"备份格式版本 {manifest.get('format')} 不受支持")
    if manifest["engine"] != connection.vendor:
        raise BackupError(
            f"备份来自 {manifest['engine']} 数据库，当前配置的是 {connection.vendor}，请配置同类数据库后恢复"
        )
    missing = set(manifest["files"]) - set(digests)
    altered = [n for n, d in manifest["files"].items() if n in digests and digests[n] != d]
    if missing or altered:
        raise BackupError(f"备份文件校验失败：缺少 {len(missing)} 个文件，{len(altered)} 个文件校验和不符")


def _require_empty_target() -> None:
    tables = [t for t in connection.introspection.table_names() if not t.startswith("sqlite_")]
    if tables:
        raise BackupError(
            f"目标数据库不是空的（已有 {len(tables)} 张表）：请恢复到一个新建的空数据库，以免覆盖现有数据"
        )


def _load_database(manifest: dict, dump: Path) -> None:
    if connection.vendor == "sqlite":
        connection.close()
        target = Path(settings.DATABASES["default"]["NAME"])
        for suffix in ("", "-wal", "-shm"):
            Path(str(target) + suffix).unlink(missing_ok=True)
        shutil.copyfile(dump, target)
        return
    connection.close()
    command = [shutil.which("pg_restore") or "pg_restore", "--no-owner", "--no-privileges", "--exit-on-error",
               f"--dbname={_pg_url()}", str(dump)]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()[-500:]}")


def table_counts() -> dict[str, int]:
    tables = sorted(t for t in connection.introspection.table_names() if not t.startswith("sqlite_"))
    with connection.cursor() as cursor:

        def count(sql):
            cursor.execute(sql)
            return cursor.fetchone()[0]

        return _counts(count, tables)


# --- the periodic backup ---------------------------------------------------------------------------------


def scheduled_backup() -> str:
    """Daily task: a backup into BACKUP_DIR (when the operator set one), keeping the newest BACKUP_KEEP."""
    folder = settings.BACKUP_DIR
    if not folder:
        return "BACKUP_DIR 未设置，跳过"
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    make_backup(folder / f"gongjian-{stamp}.gjb")
    backups = sorted(folder.glob("gongjian-*.gjb"))
    for old in backups[: max(len(backups) - settings.BACKUP_KEEP, 0)]:
        old.unlink()
    return f"gongjian-{stamp}.gjb"
