"""Each student's result in a match run, one row per student and run.

A district-wide run explains 100,000 students; kept as one JSON field that was 145 MB, which
every result page had to read whole (and PostgreSQL's jsonb stops at about 255 MB). A row per
student keeps a result page to one indexed read, and the run saves them in one bulk write
(COPY on PostgreSQL).
"""

from __future__ import annotations

import io
import json

from django.db import connection

from trellis.placements.models import MatchResult

NULL = "\\N"  # COPY's text format for a missing value
COLUMNS = ("run_id", "student_id", "opportunity_id", "rank", "why_not")


def save_results(run_id: int, rows) -> int:
    """Store (student id, opportunity id or None, rank or None, why_not list) rows for a run.

    One COPY on PostgreSQL (about ten times faster than INSERTs for a district-wide run), a
    batched bulk insert elsewhere. Runs inside the caller's transaction."""
    if connection.vendor == "postgresql":
        return _copy(run_id, rows)
    objs = (
        MatchResult(run_id=run_id, student_id=sid, opportunity_id=oid, rank=rank, why_not=why)
        for sid, oid, rank, why in rows
    )
    return len(MatchResult.objects.bulk_create(objs, batch_size=2000))


def _copy(run_id: int, rows) -> int:
    table = MatchResult._meta.db_table
    columns = ", ".join(MatchResult._meta.get_field(c.removesuffix("_id")).column for c in COLUMNS)
    dumps = json.JSONEncoder(separators=(",", ":")).encode
    count = 0
    buffer = io.StringIO()

    def line(sid, oid, rank, why):
        # COPY text format: tab-separated, \N for NULL; JSON never holds a raw tab or newline
        # (json escapes them), only backslashes need doubling.
        text = dumps(why).replace("\\", "\\\\")
        return f"{run_id}\t{sid}\t{NULL if oid is None else oid}\t{NULL if rank is None else rank}\t{text}\n"

    sql = f"COPY {table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for sid, oid, rank, why in rows:
            buffer.write(line(sid, oid, rank, why))
            count += 1
            if count % 5000 == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return count


def result_for(run, student_id: int) -> dict | None:
    """One student's entry in a run (one indexed row), or None if they were not in it."""
    if run is None:
        return None
    row = MatchResult.objects.filter(run=run, student_id=student_id).first()
    return row.as_entry() if row else None


def assignment_pairs(run) -> list[tuple[int, int]]:
    """(student id, opportunity id) for every student the run placed."""
    return list(
        MatchResult.objects.filter(run=run, opportunity__isnull=False).values_list(
            "student_id", "opportunity_id"
        )
    )
