"""On PostgreSQL, a placement's hour logs may not overlap in time: an exclusion constraint.

The services also lock the student's row for every log write (the rule spans all of one
student's placements); this constraint is the database's own guarantee for one placement,
whatever writes the rows. SQLite has no exclusion constraints: it runs one writer at a time
(transaction_mode IMMEDIATE) and relies on the services' check.
"""

from django.db import migrations

CREATE = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE hours_hourlog ADD CONSTRAINT hour_log_no_overlap EXCLUDE USING gist (
    placement_id WITH =,
    tsrange(date + start_time, date + end_time, '[)') WITH &&
);
"""
DROP = "ALTER TABLE hours_hourlog DROP CONSTRAINT IF EXISTS hour_log_no_overlap;"


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("hours", "0004_approved_hours_by_year")]

    operations = [migrations.RunPython(create, drop, elidable=False)]
