"""Turn a district's ICS calendar into marked days: parse and validate with icalendar, expand
recurrences with recurring-ical-events, and apply the coordinator's day-type mappings.

Nothing here writes to the database; `services.import_calendar` does, in one transaction.
Fetching a calendar by URL also lives here, with a timeout, a size cap and a refusal to
reach private addresses (a URL typed by a user must not become a probe of the server's network).
"""

import datetime as dt
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from django.conf import settings

from trellis.core.outbound import UnsafeAddress, refuse_private_address
from trellis.districts.models import DayType, DayTypeMapping

MAX_ICS_BYTES = 5 * 1024 * 1024
FETCH_TIMEOUT_SECONDS = 15
MAX_DAYS = 20_000  # a runaway RRULE must not write years of rows
OPEN_ENDED_SPAN = dt.timedelta(days=3 * 366)  # how far an RRULE without UNTIL/COUNT is followed
STRENGTH = {DayType.NO_SCHOOL: 3, DayType.EARLY_RELEASE: 2, DayType.SCHOOL_DAY: 1}
MAX_REPORTED_PROBLEMS = 20


class CalendarImportError(ValueError):
    """The calendar is refused; `problems` says what is wrong (and on which line when known)."""

    def __init__(self, problems):
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        super().__init__("; ".join(self.problems))


@dataclass(frozen=True)
class DayRecord:
    """What one event says about one date (for one school, or the district when school_id is None)."""

    date: dt.date
    school_id: int | None
    day_type: str
    label: str
    early_release_time: dt.time | None
    uid: str


@dataclass
class CalendarPlan:
    days: dict[tuple[int | None, dt.date], DayRecord] = field(default_factory=dict)
    events: int = 0
    unmatched: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# Parsing and validation


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfolded content lines with the physical line number each one starts on (for messages)."""
    lines: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if raw[:1] in (" ", "\t") and lines:
            lines[-1] = (lines[-1][0], lines[-1][1] + raw[1:])
        else:
            lines.append((number, raw))
    return lines


def _line_of(lines, needle: str, start: int = 0, stop: int | None = None) -> int | None:
    for number, text in lines[start:stop]:
        if needle and needle in text:
            return number
    return None


def _prop_line(lines, prop: str, start: int, stop: int) -> int | None:
    for number, text in lines[start:stop]:
        name = re.split(r"[;:]", text, maxsplit=1)[0].strip().upper()
        if name == prop.upper():
            return number
    return None


def _component_problems(cal, text: str) -> list[str]:
    """The errors icalendar recorded while parsing leniently, located on their line when possible."""
    lines = _logical_lines(text)
    begins = [i for i, (_, t) in enumerate(lines) if t.upper().startswith("BEGIN:")]
    components = list(cal.walk())
    aligned = len(begins) == len(components)
    problems = []
    for index, component in enumerate(components):
        errors = getattr(component, "errors", None) or []
        if not errors:
            continue
        start = begins[index] if aligned else 0
        stop = begins[index + 1] if aligned and index + 1 < len(begins) else None
        what = component.name
        summary = component.get("SUMMARY")
        if summary:
            what += f" “{summary}”"
        for prop, message in errors:
            if prop:
                number = _prop_line(lines, prop, start, stop) if aligned else None
                detail = f"{prop}: {message}"
            else:
                number = next(
                    (n for n, t in lines[start:stop] if t and f"'{t}'" in str(message)), None
                )
                detail = str(message)
            where = f"Line {number}" if number else "Somewhere in the file"
            problems.append(f"{where} ({what}): {detail}")
    return problems


def parse_calendar(ics_bytes: bytes) -> icalendar.Calendar:
    """Parse and validate; raise CalendarImportError listing what is wrong, never a partial result."""
    if not ics_bytes or not ics_bytes.strip():
        raise CalendarImportError("The file is empty.")
    if len(ics_bytes) > MAX_ICS_BYTES:
        raise CalendarImportError(f"The file is larger than {MAX_ICS_BYTES // (1024 * 1024)} MB.")
    text = ics_bytes.decode("utf-8", errors="replace")
    if not text.lstrip("\ufeff \r\n\t").upper().startswith("BEGIN:VCALENDAR"):
        raise CalendarImportError(
            "This is not an iCalendar file: it must start with BEGIN:VCALENDAR."
        )
    try:
        cal = icalendar.Calendar.from_ical(ics_bytes)
    except ValueError as exc:
        number = next((n for n, t in _logical_lines(text) if t and f"'{t}'" in str(exc)), None)
        where = f"Line {number}: " if number else ""
        raise CalendarImportError(f"{where}{exc}") from None
    if not isinstance(cal, icalendar.Calendar):
        raise CalendarImportError("This is not an iCalendar file: no VCALENDAR component.")
    problems = _component_problems(cal, text)
    lines = _logical_lines(text)
    for event in cal.walk("VEVENT"):
        uid = str(event.get("UID", ""))
        label = f"event “{event.get('SUMMARY', uid or '?')}”"
        number = _line_of(lines, f"UID:{uid}") if uid else None
        where = f"Line {number} ({label})" if number else label.capitalize()
        try:
            start = event.start
        except ValueError:
            if "DTSTART" not in event:  # a present but broken DTSTART is already reported
                problems.append(f"{where}: has no DTSTART.")
            continue
        try:
            end = event.end
        except (ValueError, OverflowError):  # no end, or the day after DTSTART overflows
            end = None
        if end is not None and type(start) is type(end) and end < start:
            problems.append(f"{where}: DTEND {end} is before DTSTART {start}.")
        # A school calendar lives in this century or the next; 9999-12-31 (a "forever" some
        # exporters write) would overflow the expansion's date arithmetic.
        until = [r.get("UNTIL", [None])[0] for r in _rules(event) if isinstance(r, icalendar.vRecur)]
        for prop, value in (("DTSTART", start), ("DTEND", end), *(("RRULE UNTIL", u) for u in until)):
            if value is not None and not YEARS.start <= _as_date(value).year < YEARS.stop:
                problems.append(
                    f"{where}: {prop} {_as_date(value).isoformat()} is outside the years "
                    f"{YEARS.start}–{YEARS.stop - 1} a school calendar can cover."
                )
    if problems:
        if len(problems) > MAX_REPORTED_PROBLEMS:
            extra = len(problems) - MAX_REPORTED_PROBLEMS
            problems = problems[:MAX_REPORTED_PROBLEMS] + [f"… and {extra} more problems."]
        raise CalendarImportError(problems)
    return cal


# ---------------------------------------------------------------------------------------------
# Expansion and mapping


YEARS = range(1900, 2200)


def _rules(event) -> list:
    rrule = event.get("RRULE")
    return rrule if isinstance(rrule, list) else [rrule] if rrule is not None else []


def _as_date(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def _window(cal) -> tuple[dt.date, dt.date] | None:
    """The span to expand: first start to last end, following open-ended RRULEs a few years."""
    starts, ends, open_ended = [], [], False
    for event in cal.walk("VEVENT"):
        start = _as_date(event.start)
        starts.append(start)
        ends.append(_as_date(event.end) if event.get("DTEND") or event.get("DURATION") else start)
        rrule = event.get("RRULE")
        rules = rrule if isinstance(rrule, list) else [rrule] if rrule is not None else []
        for rule in rules:
            if rule.get("UNTIL"):
                ends.append(_as_date(rule["UNTIL"][0]))
            else:
                # Open-ended or COUNT-bounded: the last date is only known after expansion.
                open_ended = True
    if not starts:
        return None
    first = min(starts)
    last = max(ends) + dt.timedelta(days=1)
    if open_ended:
        last = max(last, first + OPEN_ENDED_SPAN)
    return first, min(last, first + OPEN_ENDED_SPAN)


def event_categories(event) -> list[str]:
    try:
        return [str(c).strip() for c in event.categories if str(c).strip()]
    except (AttributeError, ValueError):
        return []


def match_mapping(mappings, summary: str, categories: list[str]):
    """Category mappings win over title mappings; among titles the longest pattern wins."""
    folded = {c.casefold() for c in categories}
    for mapping in mappings:
        if (
            mapping.match_field == DayTypeMapping.MatchField.CATEGORY
            and mapping.pattern.casefold() in folded
        ):
            return mapping
    title = summary.casefold()
    candidates = [
        m
        for m in mappings
        if m.match_field == DayTypeMapping.MatchField.SUMMARY_CONTAINS
        and m.pattern.casefold() in title
    ]
    return max(candidates, key=lambda m: len(m.pattern)) if candidates else None


def _school_patterns(schools):
    patterns = []
    for school in schools:
        names = {n.casefold() for n in (school.name, school.slug) if n and len(n) >= 3}
        if not names:
            continue
        regex = re.compile(r"\b(?:" + "|".join(re.escape(n) for n in sorted(names)) + r")\b", re.I)
        patterns.append((school, names, regex))
    return patterns


def match_schools(school_patterns, *, categories, location: str, summary: str) -> list:
    """Schools an event names in its categories, location or title; none means district-wide."""
    folded = {c.casefold() for c in categories}
    found = []
    for school, names, regex in school_patterns:
        if folded & names or regex.search(location) or regex.search(summary):
            found.append(school)
    return found


def plan_days(cal, *, mappings, schools, tz: ZoneInfo) -> CalendarPlan:
    """Expand every event into the days it marks; report events no mapping recognises."""
    plan = CalendarPlan()
    window = _window(cal)
    if window is None:
        return plan
    mappings = list(mappings)
    school_patterns = _school_patterns(schools)
    masters = cal.walk("VEVENT")
    plan.events = len({str(e.get("UID", "")) or id(e) for e in masters})
    try:
        occurrences = recurring_ical_events.of(cal).between(*window)
    except Exception as exc:  # the library raises several types for inconsistent series
        raise CalendarImportError(f"The recurring events could not be expanded: {exc}") from None
    occurrences = sorted(occurrences, key=lambda e: (_as_date(e.start), str(e.get("UID", ""))))
    unmatched: dict[str, tuple[str, dt.date]] = {}
    total = 0
    for event in occurrences:
        summary = str(event.get("SUMMARY", "")).strip()
        uid = str(event.get("UID", "")) or f"no-uid:{summary}:{_as_date(event.start)}"
        categories = event_categories(event)
        mapping = match_mapping(mappings, summary, categories)
        if mapping is None:
            unmatched.setdefault(uid, (summary or "(untitled)", _as_date(event.start)))
            continue
        start, end = event.start, event.end
        early = None
        if isinstance(start, dt.datetime):
            start = start.astimezone(tz) if start.tzinfo else start
            end = end.astimezone(tz) if end.tzinfo else end
            early = start.time().replace(second=0, microsecond=0)
            first = start.date()
            last = (end - dt.timedelta(microseconds=1)).date() if end > start else first
        else:
            first = start
            last = end - dt.timedelta(days=1) if end > start else start
        if mapping.day_type != DayType.EARLY_RELEASE:
            early = None
        elif early is None:
            early = mapping.early_release_time
        location = str(event.get("LOCATION", ""))
        targets = match_schools(
            school_patterns, categories=categories, location=location, summary=summary
        )
        school_ids = [s.pk for s in targets] or [None]
        day = first
        while day <= last:
            for school_id in school_ids:
                total += 1
                if total > MAX_DAYS:
                    raise CalendarImportError(
                        f"The calendar marks more than {MAX_DAYS} days; check for a runaway RRULE."
                    )
                record = DayRecord(
                    day, school_id, mapping.day_type, summary[:200], early, uid[:255]
                )
                key = (school_id, day)
                current = plan.days.get(key)
                if current is None or STRENGTH[record.day_type] > STRENGTH[current.day_type]:
                    plan.days[key] = record
            day += dt.timedelta(days=1)
    plan.unmatched = [f"{summary} ({date:%Y-%m-%d})" for summary, date in unmatched.values()]
    return plan


# ---------------------------------------------------------------------------------------------
# Fetching by URL


def _check_host(url: str) -> None:
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise CalendarImportError("Only http:// and https:// calendar addresses can be fetched.")
    if getattr(settings, "TRELLIS_CALENDAR_FETCH_ALLOW_PRIVATE", False):
        return
    try:
        refuse_private_address(url, purpose="calendars are fetched from the internet only")
    except UnsafeAddress as exc:
        raise CalendarImportError(str(exc)) from None


class _CheckedRedirects(urllib.request.HTTPRedirectHandler):
    """Follow a redirect only to another public http(s) address."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        _check_host(newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def normalise_url(url: str) -> str:
    url = url.strip()
    if url.lower().startswith("webcal://"):
        # Calendar apps publish subscribe links as webcal://; it is plain https underneath.
        url = "https://" + url[len("webcal://") :]
    return url


def fetch_ics(
    url: str, *, timeout: float = FETCH_TIMEOUT_SECONDS, max_bytes: int = MAX_ICS_BYTES
) -> bytes:
    """Download an ICS file; refuse slow, huge, non-http or private-network addresses."""
    url = normalise_url(url)
    _check_host(url)
    opener = urllib.request.build_opener(_CheckedRedirects)
    headers = {"User-Agent": "Trellis calendar import", "Accept": "text/calendar"}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 (scheme checked above)
    try:
        with opener.open(request, timeout=timeout) as response:
            body = response.read(max_bytes + 1)
    except urllib.error.HTTPError as exc:
        raise CalendarImportError(
            f"The calendar address answered {exc.code} {exc.reason}."
        ) from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise CalendarImportError(f"Could not fetch the calendar: {reason}.") from None
    if len(body) > max_bytes:
        raise CalendarImportError(f"The calendar is larger than {max_bytes // (1024 * 1024)} MB.")
    return body
