"""Fast inserts for the demo generator: precomputed ids and one executemany per chunk.

Building a model instance per row and going through bulk_create costs ~100 µs a row on
SQLite (Django caps a batch at 999 parameters, so a 30-column table inserts 33 rows per
statement). A 100,000-student district has a few million rows, so the generator writes
plain tuples instead: the id is assigned here, values are prepared column by column with
the field's own get_db_prep_save (cached for dates, times and decimals, which repeat), and
columns the caller leaves out get the field's default, prepared once. The database still
checks every constraint.
"""

from __future__ import annotations

import datetime as dt
import queue
import threading
from decimal import Decimal
from itertools import repeat

from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

CHUNK = 20_000

# Field types whose Python values need the backend's adapter (str on SQLite, native on
# PostgreSQL). Everything else (ints, strings, booleans, foreign keys) goes in as it is.
_PREPARED_TYPES = {"DateField", "DateTimeField", "TimeField", "DecimalField", "JSONField"}
_CACHED_TYPES = {"DateField", "DateTimeField", "TimeField", "DecimalField"}


class _Prepared(dict):
    """value → prepared value for one column, computed on first sight."""

    __slots__ = ("prepare",)

    def __init__(self, prepare):
        super().__init__()
        self.prepare = prepare

    def __missing__(self, value):
        out = self[value] = self.prepare(value)
        return out


class Table:
    """Rows for one model: `add(*values)` in the order of `fields`, returns the new id."""

    def __init__(self, writer: Writer, model, fields: list[str]):
        self.writer = writer
        self.model = model
        opts = model._meta
        conn = writer.connection
        by_name = {}
        for f in opts.concrete_fields:
            by_name[f.name] = f
            by_name[f.attname] = f
        self.fields = [by_name[name] for name in fields]
        pk = opts.pk
        given = {f.attname for f in self.fields}
        defaults = [f for f in opts.concrete_fields if f is not pk and f.attname not in given]
        self.defaults = tuple(writer.prepare(f, writer.default_for(f)) for f in defaults)
        columns = [pk, *self.fields, *defaults]
        quote = conn.ops.quote_name
        # Identifiers come from model metadata, quoted; values are always bound parameters.
        self.sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
            quote(opts.db_table),
            ", ".join(quote(f.column) for f in columns),
            ", ".join(["%s"] * len(columns)),
        )
        self.preparers = []
        for i, f in enumerate(self.fields, start=1):
            kind = f.get_internal_type()
            if kind in _CACHED_TYPES:
                self.preparers.append((i, _Prepared(lambda v, f=f: writer.prepare(f, v)), None))
            elif kind in _PREPARED_TYPES:
                self.preparers.append((i, None, lambda v, f=f: writer.prepare(f, v)))
        self.raw_sql = self.sql.replace("%s", "?")  # sqlite3's own parameter style
        # PostgreSQL: COPY is several times faster than executemany for the same rows.
        self.copy_sql = "COPY {} ({}) FROM STDIN".format(
            quote(opts.db_table), ", ".join(quote(f.column) for f in columns)
        )
        self.parents = [
            f.related_model for f in self.fields if f.is_relation and f.related_model is not model
        ]
        self.next_id = writer.first_free_id(model)
        self.flush_at = self.next_id + CHUNK - 1
        self.rows: list[tuple] = []
        self.count = 0
        self.flushing = False

    def add(self, *values) -> int:
        pk = self.next_id
        self.next_id = pk + 1
        self.rows.append((pk, *values))
        if pk >= self.flush_at:
            self.flush()
        return pk

    def extend(self, rows: list[tuple]) -> None:
        """Many rows at once (the hour-log loop): ids in order, no call per row."""
        first = self.next_id
        self.next_id = first + len(rows)
        self.rows.extend(
            [(pk, *values) for pk, values in zip(range(first, self.next_id), rows, strict=True)]
        )
        if self.next_id > self.flush_at:
            self.flush()

    def flush(self) -> None:
        if not self.rows or self.flushing:
            return
        # Parents first: a child row whose parent is still queued is a pending (deferred)
        # foreign-key violation, and while any is pending SQLite searches the child table on
        # every parent insert, which is quadratic once the child's index is deferred.
        self.flushing = True
        try:
            for parent in self.parents:
                table = self.writer.tables.get(parent)
                if table is not None:
                    table.flush()
            self._flush()
        finally:
            self.flushing = False

    def _write(self, rows: list[tuple]) -> None:
        """Runs on the writer's worker thread, on the raw DB-API connection."""
        raw = self.writer.raw
        if self.writer.postgres:
            with raw.cursor() as cursor, cursor.copy(self.copy_sql) as copy:
                for row in rows:
                    copy.write_row(row)
        elif self.writer.sqlite:
            raw.executemany(self.raw_sql, rows)
        else:
            with raw.cursor() as cursor:
                cursor.executemany(self.sql, rows)

    def _flush(self) -> None:
        rows = self.rows
        if len(rows) >= CHUNK:
            self.writer.defer_indexes(self.model)
        if self.preparers or self.defaults:
            # Column-wise: one comprehension per prepared column, then zip back into rows.
            columns = list(zip(*rows, strict=True))
            for i, cache, prepare in self.preparers:
                if cache is not None:
                    columns[i] = [None if v is None else cache[v] for v in columns[i]]
                else:
                    columns[i] = [None if v is None else prepare(v) for v in columns[i]]
            rows = list(zip(*columns, *(repeat(d, len(rows)) for d in self.defaults), strict=True))
        self.writer.submit(self._write, rows)
        self.count += len(self.rows)
        self.rows = []
        self.flush_at = self.next_id + CHUNK - 1


class Writer:
    """All tables of one run; `finish()` flushes them and moves PostgreSQL sequences on.

    Statements run on a worker thread, in the order they were queued, over the same database
    connection (so inside the caller's transaction): sqlite3 and psycopg release the GIL while
    the database works, so generating the next rows overlaps with writing the last ones. Use it
    as a context manager, or call close(), so the worker stops before the transaction ends.
    """

    def __init__(self, *, now: dt.datetime, connection=None):
        self.connection = connection or connections[DEFAULT_DB_ALIAS]
        self.connection.ensure_connection()
        self.raw = self.connection.connection
        self.now = now
        self.tables: dict[type, Table] = {}
        self.sqlite = self.connection.vendor == "sqlite"
        self.postgres = self.connection.vendor == "postgresql"
        self._jobs: queue.Queue = queue.Queue(maxsize=4)
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="seed-demo-writer", daemon=True)
        self._thread.start()
        self.deferred: dict[type, list[str]] = {}
        self._cache_size = None
        if self.sqlite:
            # Index pages of multi-million-row tables churn; a 256 MB page cache keeps them in
            # memory until commit instead of spilling to the WAL. Restored in finish().
            with self.connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                (self._cache_size,) = cursor.fetchone()
                cursor.execute("PRAGMA cache_size = -262144")

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                if self._error is None:
                    with self.connection.wrap_database_errors:
                        job[0](*job[1:])
            except BaseException as exc:  # handed to the main thread by _check()
                self._error = exc
            finally:
                self._jobs.task_done()

    def _check(self) -> None:
        if self._error is not None:
            raise self._error

    def submit(self, fn, *args) -> None:
        self._check()
        self._jobs.put((fn, *args))

    def drain(self) -> None:
        """Wait until every queued statement has run (before the main thread uses the connection)."""
        self._jobs.join()
        self._check()

    def close(self) -> None:
        if self._thread.is_alive():
            self._jobs.put(None)
            self._thread.join()

    def defer_indexes(self, model) -> None:
        """SQLite: drop a big table's plain (non-unique) indexes until finish() rebuilds them.

        Building an index once from sorted rows costs about half of updating it row by row.
        Unique indexes stay, so duplicates still fail at once; DDL is transactional in SQLite,
        so a failed run leaves the indexes as they were.
        """
        if not self.sqlite or model in self.deferred:
            return
        self.drain()
        table = model._meta.db_table
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql LIKE %s",
                [table, "CREATE INDEX%"],
            )
            indexes = cursor.fetchall()
            for name, _sql in indexes:
                cursor.execute(f"DROP INDEX {self.connection.ops.quote_name(name)}")
        self.deferred[model] = [sql for _name, sql in indexes]

    def prepare(self, field, value):
        """The field's own conversion; on SQLite decimals become text here, once per value,
        rather than through the sqlite3 adapter on every row."""
        out = field.get_db_prep_save(value, self.connection)
        if self.sqlite and isinstance(out, Decimal):
            return str(out)
        return out

    def table(self, model, fields: list[str]) -> Table:
        if model in self.tables:
            raise ValueError(f"{model.__name__} already has a table in this run")
        table = self.tables[model] = Table(self, model, fields)
        return table

    def default_for(self, field):
        """A column the caller left out: the run's fixed "now" for timestamps, else the default."""
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return self.now
        if field.has_default():
            if field.default is timezone.now:
                return self.now
            return field.get_default()
        if field.null:
            return None
        return field.get_default()

    def first_free_id(self, model) -> int:
        opts = model._meta
        quote = self.connection.ops.quote_name
        with self.connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX({quote(opts.pk.column)}) FROM {quote(opts.db_table)}")  # noqa: S608
            (top,) = cursor.fetchone()
        return (top or 0) + 1

    def flush(self, *models) -> None:
        for model in models or list(self.tables):
            self.tables[model].flush()

    def finish(self) -> dict[str, int]:
        self.flush()
        self.drain()
        # PostgreSQL sequences do not see explicit ids; SQLite's AUTOINCREMENT does.
        statements = [sql for model in self.deferred for sql in self.deferred[model]]
        statements += self.connection.ops.sequence_reset_sql(no_style(), list(self.tables))
        if self._cache_size is not None:
            statements.append(f"PRAGMA cache_size = {int(self._cache_size)}")
        with self.connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
        self.close()
        return {m._meta.label: t.count for m, t in self.tables.items()}
