"""Fast bulk writes for imports: reserved primary keys and one executemany per table.

Django's bulk_create prepares every value of every row through the field machinery, which makes a 100k-row
import spend most of its time building SQL. Rows written this way are plain dicts keyed by column; the caller
is responsible for what save() would have derived (paths, normalised names, audit entries).
"""

import datetime
import gc
import queue
import threading
from contextlib import contextmanager
from itertools import islice
from operator import itemgetter

import orjson
from django.db import DEFAULT_DB_ALIAS, connection, connections


def _encode_json(value) -> str:
    """JSON text of a value, by orjson: a 100k-people import spent 0.8 s in the json module's encoder for its
    audit entries, 0.1 s here. Non-ASCII stays as it is; dict keys may be numbers, as with json.dumps."""
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


IN_CLAUSE_SIZE = 500  # ids per `IN (...)`: well under SQLite's parameter limit


def chunks(items, size: int = IN_CLAUSE_SIZE):
    """Consecutive slices of `size` items, for IN clauses and batched writes."""
    items = list(items)
    for i in range(0, len(items), size):
        yield items[i : i + size]


def batches(iterable, size: int):
    """Lists of `size` consecutive items (the last one shorter) from any iterable, consumed as they go."""
    iterator = iter(iterable)
    while batch := list(islice(iterator, size)):
        yield batch


def reserve_ids(model, count: int) -> list[int]:
    """Primary keys for `count` new rows. Call inside the transaction that inserts them."""
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the write transaction (BEGIN IMMEDIATE) holds the only write lock, so MAX(id) is stable.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def insert_rows(model, rows: list[dict], batch_size: int = 5000) -> None:
    """INSERT rows that all have the same keys (column names); COPY on PostgreSQL."""
    if not rows:
        return
    columns = list(rows[0])
    quote = connection.ops.quote_name
    if connection.vendor == "postgresql":
        _copy_rows(model, rows, columns)
        return
    converters = _converters(model, columns)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(c) for c in columns),
        ", ".join(_placeholder(model, c) for c in columns),
    )
    _execute_many(sql, rows, columns, converters, batch_size)


def _copy_rows(model, rows: list[dict], columns: list[str], db=connection) -> None:
    """COPY … FROM STDIN: several times faster than a batched INSERT on PostgreSQL."""
    quote = db.ops.quote_name
    converters = [_encode_json if _field(model, c).get_internal_type() == "JSONField" else None for c in columns]
    sql = "COPY {} ({}) FROM STDIN".format(quote(model._meta.db_table), ", ".join(quote(c) for c in columns))
    with db.wrap_database_errors, db.cursor() as cursor, cursor.cursor.copy(sql) as copy:  # Django's error types
        for values in _row_values(rows, columns, converters):
            copy.write_row(values)


@contextmanager
def existing_objects_frozen():
    """Keep Python's cycle collector off every object that exists now (a read sheet: millions of cells, the
    look-up tables) until the block ends; objects made inside the block are collected as usual. Its full
    collections walk all live objects: 17 of them took 2.1 s of a 100k-row import."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@contextmanager
def reused_plans(db=connection):
    """Let PostgreSQL reuse query plans (its default, `auto`) for the rest of a bulk write's transaction block.

    The settings force a fresh plan for every execution (see DATABASES in settings.py) for the sake of list
    pages. That applies to the foreign-key check PostgreSQL runs for each inserted row as well, which then
    plans every check anew: the membership and audit COPYs of a 100k-people import took 11.7 s, 4.8 s with this.
    Must run inside a transaction; a failure rolls the setting back with everything else."""
    if db.vendor != "postgresql":
        yield
        return
    with db.cursor() as cursor:
        cursor.execute("SELECT current_setting('plan_cache_mode'), set_config('plan_cache_mode', 'auto', true)")
        previous = cursor.fetchone()[0]
    yield
    with db.cursor() as cursor:
        cursor.execute("SELECT set_config('plan_cache_mode', %s, true)", [previous])


@contextmanager
def foreign_keys_checked_at_end(models, db=connection):
    """Drop the foreign keys of `models`' tables for a bulk load and add them back as it ends (PostgreSQL).

    Django's foreign keys are deferred, so every row a COPY writes queues a check that PostgreSQL runs at
    COMMIT, one row at a time, each locking the row it points to: generating the province spent 20+ minutes in
    its COMMIT on them. Adding a key back checks the whole table in one join instead. The drop and the add run
    in the caller's transaction, so a failure anywhere (a row pointing nowhere included) rolls both back.
    The tables are locked against every other session until the transaction ends: for generators and
    maintenance, not for imports on a live site."""
    if db.vendor != "postgresql":
        yield
        return
    if not db.in_atomic_block:
        raise RuntimeError("foreign_keys_checked_at_end() must run inside a transaction")
    tables = sorted({model._meta.db_table for model in models if model._meta.managed and not model._meta.proxy})
    quote = db.ops.quote_name
    with db.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        keys = cursor.fetchall()
        for table, name, _ in keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {quote(name)}")
    yield
    with db.cursor() as cursor:
        for table, name, definition in keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quote(name)} {definition}")


class BackgroundWriter:
    """insert_rows() for a sequence of batches, overlapped with building the next batch on PostgreSQL.

    A PostgreSQL import otherwise spends a third of its time waiting: for each COPY to be inserted and
    indexed, then at COMMIT for the deferred foreign-key checks of every row. Here a worker thread runs the
    COPYs, in order, on the caller's connection and transaction, with constraints checked as each COPY ends,
    while the caller builds the next batch. The caller must not use the connection inside the `with` block.
    On SQLite every insert runs inline: its work is done in this process, mostly holding the GIL, so a thread
    would only add hand-offs.

        with BackgroundWriter() as writer:
            writer.insert(Person, rows)
    """

    def __init__(self, depth: int = 3):
        self.db = connections[DEFAULT_DB_ALIAS]  # this thread's wrapper: the worker must use the same one
        self.threaded = self.db.vendor == "postgresql"
        self.jobs: queue.Queue = queue.Queue(maxsize=depth)  # bounded: at most `depth` batches held in memory
        self.error: BaseException | None = None
        self.cancelled = False

    def __enter__(self):
        if self.threaded:
            with self.db.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.db.inc_thread_sharing()
            self.thread = threading.Thread(target=self._work, name="bulk-writer", daemon=True)
            self.thread.start()
        return self

    def insert(self, model, rows: list[dict]) -> None:
        if not rows:
            return
        if not self.threaded:
            insert_rows(model, rows)
            return
        if self.error is not None:
            raise self.error
        self.jobs.put((model, rows))

    def _work(self) -> None:
        while (job := self.jobs.get()) is not None:
            if self.error is None and not self.cancelled:
                model, rows = job
                try:
                    _copy_rows(model, rows, list(rows[0]), self.db)
                except BaseException as error:  # handed to the caller, whose transaction then rolls back
                    self.error = error

    def __exit__(self, exc_type, exc, tb):
        if not self.threaded:
            return False
        self.cancelled = exc_type is not None
        self.jobs.put(None)
        self.thread.join()
        self.db.dec_thread_sharing()
        if self.error is None and exc_type is None:
            with self.db.cursor() as cursor:
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are deferred by default
        if self.error is not None and exc_type is None:
            raise self.error
        return False


def update_rows(model, rows: list[dict], batch_size: int = 5000) -> None:
    """UPDATE … WHERE id = row["id"] for rows that all have the same keys."""
    if not rows:
        return
    columns = [c for c in rows[0] if c != "id"]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE id = %s".format(
        quote(model._meta.db_table), ", ".join(f"{quote(c)} = {_placeholder(model, c)}" for c in columns)
    )
    _execute_many(sql, rows, [*columns, "id"], _converters(model, [*columns, "id"]), batch_size)


def _execute_many(sql, rows, columns, converters, batch_size) -> None:
    with connection.cursor() as cursor:
        for i in range(0, len(rows), batch_size):
            cursor.executemany(sql, _row_values(rows[i : i + batch_size], columns, converters))


def _row_values(rows: list[dict], columns: list[str], converters: list) -> list:
    """Each row's values in column order, converted where a column has a converter (None stays None).

    Values are taken as immutable: an object met again in the same column is not converted again."""
    get = itemgetter(*columns) if len(columns) > 1 else (lambda r: (r[columns[0]],))
    converted = [(i, convert) for i, convert in enumerate(converters) if convert is not None]
    if not converted:
        return [get(r) for r in rows]
    # A batch often repeats one object in a column (the same timestamp, the same note): converted once. Aware
    # datetimes are slow to hash, so an lru_cache would not do.
    last: dict[int, tuple] = {i: (None, None) for i, _ in converted}
    result = []
    for r in rows:
        values = list(get(r))
        for i, convert in converted:
            value = values[i]
            if value is not None:
                seen, done = last[i]
                if value is not seen:
                    done = convert(value)
                    last[i] = (value, done)
                values[i] = done
        result.append(values)
    return result


def _field(model, column):
    return next(f for f in model._meta.concrete_fields if f.column == column)


def _placeholder(model, column: str) -> str:
    is_json = _field(model, column).get_internal_type() == "JSONField"
    return "%s::jsonb" if is_json and connection.vendor == "postgresql" else "%s"


def _sqlite_datetime(value: datetime.datetime) -> str:
    """UTC text as Django stores it."""
    return value.astimezone(datetime.UTC).replace(tzinfo=None).isoformat(sep=" ")


def _converters(model, columns: list[str]) -> list:
    """One converter per column (None: pass the value as it is), chosen once per statement, not per value."""
    sqlite = connection.vendor == "sqlite"
    result = []
    for column in columns:
        kind = _field(model, column).get_internal_type()
        if kind == "JSONField":
            result.append(_encode_json)
        elif sqlite and kind == "DateTimeField":
            result.append(_sqlite_datetime)
        else:  # dates included: Django registers an sqlite3 adapter for them, called from C
            result.append(None)
    return result
