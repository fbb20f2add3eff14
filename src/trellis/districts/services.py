"""District calendar writes: importing an ICS calendar, its day-type mappings, editing a day by hand."""

import datetime as dt
from dataclasses import asdict, dataclass, field
from zoneinfo import ZoneInfo

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trellis.core.metrics import timed
from trellis.core.models import AuditAction, AuditEvent
from trellis.districts.ics import CalendarImportError, parse_calendar, plan_days
from trellis.districts.models import CalendarDay, CalendarSource, DayType, DayTypeMapping

UNMATCHED_SHOWN = 10

__all__ = [
    "CalendarImportError",
    "ImportSummary",
    "add_day_type_mapping",
    "import_calendar",
    "remove_day_type_mapping",
    "set_calendar_day",
]
MAPPING_REFUSAL = "Only the district's calendar importers (district-wide staff) change its mappings."


@dataclass
class ImportSummary:
    """What an import changed; `unmatched` lists events no mapping recognised (never dropped silently)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    kept_manual: int = 0
    events: int = 0
    unmatched: list[str] = field(default_factory=list)

    @property
    def unmatched_message(self) -> str:
        if not self.unmatched:
            return ""
        shown = "; ".join(self.unmatched[:UNMATCHED_SHOWN])
        more = len(self.unmatched) - UNMATCHED_SHOWN
        tail = f"; and {more} more" if more > 0 else ""
        count = len(self.unmatched)
        return f"{count} event{'s' if count != 1 else ''} matched no mapping: {shown}{tail}."

    @property
    def message(self) -> str:
        text = (
            f"Calendar imported: {self.created} days added, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.removed} removed, "
            f"{self.kept_manual} hand-edited days kept."
        )
        return f"{text} {self.unmatched_message}".strip()

    def as_dict(self) -> dict:
        return asdict(self)


def _source_for(district, source_label: str) -> CalendarSource:
    label = source_label.strip()[:500] or "uploaded.ics"
    if label.lower().startswith(("http://", "https://", "webcal://")):
        source, _ = CalendarSource.objects.get_or_create(district=district, url=label)
    else:
        source, _ = CalendarSource.objects.get_or_create(
            district=district, uploaded_name=label[:255]
        )
    return source


@timed("calendar_import")  # outside the transaction: the time includes the commit
@transaction.atomic
def import_calendar(*, district, ics_bytes: bytes, actor, source_label: str) -> ImportSummary:
    """Import (or re-import) a district calendar; all or nothing.

    Rows are keyed by school and date; a re-import updates them in place, keeps rows a
    coordinator edited by hand, and removes rows this source wrote that its events no
    longer mark. Raises CalendarImportError (nothing written) for a malformed file.
    """
    cal = parse_calendar(ics_bytes)
    plan = plan_days(
        cal,
        mappings=district.day_type_mappings.all(),
        schools=district.schools.all(),
        tz=ZoneInfo(district.timezone),
    )
    source = _source_for(district, source_label)
    summary = ImportSummary(events=plan.events, unmatched=plan.unmatched)
    dates = [date for _, date in plan.days]
    existing = {}
    if dates:
        nearby = CalendarDay.objects.filter(
            district=district, date__gte=min(dates), date__lte=max(dates)
        )
        existing = {(row.school_id, row.date): row for row in nearby}
    for row in CalendarDay.objects.filter(district=district, source=source):
        existing.setdefault((row.school_id, row.date), row)

    to_create, to_update, seen = [], [], set()
    fields = ("day_type", "label", "early_release_time", "source_uid", "source_id")
    for key, record in plan.days.items():
        row = existing.get(key)
        wanted = {
            "day_type": record.day_type,
            "label": record.label,
            "early_release_time": record.early_release_time,
            "source_uid": record.uid,
            "source_id": source.pk,
        }
        if row is None:
            to_create.append(
                CalendarDay(
                    district=district, school_id=record.school_id, date=record.date, **wanted
                )
            )
            continue
        seen.add(row.pk)
        if row.manually_edited:
            summary.kept_manual += 1
        elif all(getattr(row, name) == wanted[name] for name in fields):
            summary.unchanged += 1
        else:
            for name, value in wanted.items():
                setattr(row, name, value)
            to_update.append(row)
    stale = [
        row.pk
        for row in existing.values()
        if row.source_id == source.pk and row.pk not in seen and not row.manually_edited
    ]
    CalendarDay.objects.bulk_create(to_create)
    CalendarDay.objects.bulk_update(
        to_update, ["day_type", "label", "early_release_time", "source_uid", "source"]
    )
    CalendarDay.objects.filter(pk__in=stale).delete()
    summary.created, summary.updated, summary.removed = len(to_create), len(to_update), len(stale)

    source.last_imported_at = timezone.now()
    source.last_result = summary.as_dict()
    source.save(update_fields=["last_imported_at", "last_result"])
    AuditEvent.record(
        actor=actor,
        action=AuditAction.CALENDAR_IMPORTED,
        target=source,
        district=district,
        data={k: v for k, v in summary.as_dict().items() if k != "unmatched"}
        | {"unmatched_count": len(summary.unmatched)},
    )
    return summary


@transaction.atomic
def set_calendar_day(
    *,
    district,
    date: dt.date,
    actor,
    day_type: str,
    label: str = "",
    school=None,
    early_release_time: dt.time | None = None,
) -> CalendarDay:
    """Mark one day by hand; the row is flagged so later ICS imports keep it."""
    day_type = DayType(day_type)
    if day_type != DayType.EARLY_RELEASE:
        early_release_time = None
    row = (
        CalendarDay.objects.select_for_update()
        .filter(district=district, school=school, date=date)
        .first()
    )
    before = None
    if row is None:
        row = CalendarDay(district=district, school=school, date=date)
    else:
        before = {
            "day_type": row.day_type,
            "label": row.label,
            "early_release_time": str(row.early_release_time or ""),
        }
    row.day_type = day_type
    row.label = label
    row.early_release_time = early_release_time
    row.manually_edited = True
    row.save()
    AuditEvent.record(
        actor=actor,
        action=AuditAction.CALENDAR_DAY_EDITED,
        target=row,
        district=district,
        data={
            "date": date.isoformat(),
            "school": school.slug if school else "",
            "before": before,
            "after": {
                "day_type": day_type.value,
                "label": label,
                "early_release_time": str(early_release_time or ""),
            },
        },
    )
    return row


def _mapping_values(mapping) -> dict:
    return {
        "match_field": mapping.match_field,
        "pattern": mapping.pattern,
        "day_type": mapping.day_type,
        "early_release_time": str(mapping.early_release_time or ""),
    }


def _require_import(actor, district) -> None:
    # districts sits below accounts: it asks the user, who answers from the capability table.
    if not (getattr(actor, "is_authenticated", False) and actor.can("calendar.import", district)):
        raise PermissionDenied(MAPPING_REFUSAL)


@transaction.atomic
def add_day_type_mapping(
    *, district, match_field, pattern, day_type, early_release_time=None, actor
) -> DayTypeMapping:
    """A rule the next import applies: events of this category (or title words) mark this day type."""
    _require_import(actor, district)
    mapping = DayTypeMapping.objects.create(
        district=district,
        match_field=match_field,
        pattern=pattern,
        day_type=day_type,
        early_release_time=early_release_time,
    )
    AuditEvent.record(
        actor=actor,
        action=AuditAction.DAY_TYPE_MAPPING_ADDED,
        target=mapping,
        district=district,
        data=_mapping_values(mapping),
    )
    return mapping


@transaction.atomic
def remove_day_type_mapping(*, mapping, actor) -> None:
    """Drop a mapping; days already imported keep their type until the calendar is imported again."""
    _require_import(actor, mapping.district)
    AuditEvent.record(
        actor=actor,
        action=AuditAction.DAY_TYPE_MAPPING_REMOVED,
        target=mapping,
        district=mapping.district,
        data=_mapping_values(mapping),
    )
    mapping.delete()
