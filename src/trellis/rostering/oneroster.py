"""Reading a OneRoster 1.1 or 1.2 CSV ZIP: the manifest, tolerant headers and cell values.

Rows are streamed from the ZIP one at a time (never a whole file in memory). Real exports
are messy, so this reader accepts a UTF-8 byte-order mark, CRLF, headers in any case and
order, unknown extra columns (`metadata.*` and others), empty optional files, three date
shapes, quoted multi-value cells and TRUE/true; what it cannot use becomes a `Problem`
naming the file, line and column.
"""

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass

# The columns of each file we read, in the binding's spelling (headers match without case).
COLUMNS = {
    "orgs": ("sourcedId", "status", "dateLastModified", "name", "type", "identifier", "parentSourcedId"),
    "academicSessions": (
        "sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate",
        "parentSourcedId", "schoolYear",
    ),
    "users": (
        "sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username",
        "userIds", "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone",
        "agentSourcedIds", "grades", "password", "userMasterIdentifier", "resourceSourcedIds",
        "preferredGivenName", "preferredMiddleName", "preferredFamilyName", "primaryOrgSourcedId",
        "pronouns",
    ),
    "roles": (
        "sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate",
        "endDate", "orgSourcedId", "userProfileSourcedId",
    ),
    "demographics": (
        "sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative",
        "asian", "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white",
        "demographicRaceTwoOrMoreRaces", "hispanicOrLatinoEthnicity",
    ),
    "enrollments": (
        "sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId",
        "role", "primary", "beginDate", "endDate",
    ),
    "classes": (
        "sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode",
        "classType", "location", "schoolSourcedId", "termSourcedIds",
    ),
    "courses": (
        "sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades",
        "orgSourcedId",
    ),
    "userProfiles": ("sourcedId", "status", "dateLastModified", "userSourcedId", "profileType"),
}

# Columns a row cannot do without (the binding's required fields that Trellis uses).
REQUIRED = {
    "orgs": ("sourcedId", "name", "type"),
    "academicSessions": ("sourcedId", "title", "type", "startDate", "endDate"),
    "users": ("sourcedId", "givenName", "familyName"),
    "roles": ("userSourcedId", "roleType", "role", "orgSourcedId"),
    "demographics": ("sourcedId",),
    "enrollments": ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
    "classes": ("sourcedId", "title", "schoolSourcedId"),
    "courses": ("sourcedId", "title", "orgSourcedId"),
    "userProfiles": ("sourcedId", "userSourcedId"),
}

MODES = ("bulk", "delta", "absent")
TOBEDELETED = "tobedeleted"


@dataclass(frozen=True)
class Problem:
    """Why a row (or a whole file) cannot be used, and exactly where."""

    file: str
    line: int | None
    column: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line:
            where += f" line {self.line}"
        if self.column:
            where += f", column {self.column}"
        return f"{where}: {self.message}"

    def as_row(self) -> list:
        return [self.file, self.line or "", self.column, self.message]


class RosterFileError(Exception):
    """The package itself cannot be read (not a ZIP, no manifest, no users)."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass
class Row:
    file: str
    line: int
    values: dict

    def get(self, column: str) -> str:
        return self.values.get(column, "")

    @property
    def sourced_id(self) -> str:
        return self.values.get("sourcedId", "")

    @property
    def to_be_deleted(self) -> bool:
        return self.values.get("status", "").lower() == TOBEDELETED

    def problem(self, column: str, message: str) -> Problem:
        return Problem(f"{self.file}.csv", self.line, column, message)


class Package:
    """An opened OneRoster ZIP: its manifest and a row stream per file."""

    def __init__(self, source):
        try:
            self.zip = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError) as exc:
            raise RosterFileError([Problem("(the upload)", None, "", f"not a ZIP file ({exc})")]) from None
        # A flat ZIP is the binding's shape; some exporters add one folder, so match by file name.
        self.members = {}
        for info in self.zip.infolist():
            if not info.is_dir():
                self.members.setdefault(info.filename.rsplit("/", 1)[-1].lower(), info.filename)
        self.manifest = self._read_manifest()
        self.version = self.manifest.get("oneroster.version", "").strip() or "1.1"
        if self.version not in ("1.0", "1.1", "1.2"):
            raise RosterFileError(
                [Problem("manifest.csv", None, "oneroster.version", f"version {self.version!r} is not 1.1 or 1.2")]
            )
        self.modes = {}
        problems = []
        for name in COLUMNS:
            declared = self.manifest.get(f"file.{name.lower()}", "").strip().lower()
            present = f"{name.lower()}.csv" in self.members
            if declared and declared not in MODES:
                problems.append(Problem("manifest.csv", None, f"file.{name}", f"{declared!r} is not bulk, delta or absent"))
                continue
            if not declared:
                declared = "bulk" if present else "absent"
            if declared != "absent" and not present:
                problems.append(Problem("manifest.csv", None, f"file.{name}", f"says {declared} but {name}.csv is not in the ZIP"))
                continue
            self.modes[name] = declared
        if self.modes.get("users", "absent") == "absent":
            problems.append(Problem("manifest.csv", None, "file.users", "the package has no users.csv to import"))
        if problems:
            raise RosterFileError(problems)

    def _open_text(self, member):
        return io.TextIOWrapper(self.zip.open(member), encoding="utf-8-sig", newline="")

    def _read_manifest(self) -> dict:
        member = self.members.get("manifest.csv")
        if member is None:
            raise RosterFileError([Problem("manifest.csv", None, "", "the ZIP has no manifest.csv")])
        values = {}
        with self._open_text(member) as text:
            reader = csv.reader(text)
            for record in reader:
                if len(record) >= 2 and record[0].strip() and record[0].strip().lower() != "propertyname":
                    values[record[0].strip().lower()] = record[1].strip()
        return values

    def mode(self, name: str) -> str:
        return self.modes.get(name, "absent")

    def has(self, name: str) -> bool:
        return self.mode(name) != "absent"

    def header(self, name: str) -> set[str]:
        """The canonical columns the file's header names (for telling 1.1 from 1.2 users)."""
        if not self.has(name):
            return set()
        with self._open_text(self.members[f"{name.lower()}.csv"]) as text:
            first = next(csv.reader(text), [])
        known = {c.lower(): c for c in COLUMNS[name]}
        return {known[h.strip().lower()] for h in first if h.strip().lower() in known}

    def rows(self, name: str, problems: list):
        """Each data row of `name`.csv as a Row; a missing required column stops the file."""
        if not self.has(name):
            return
        known = {c.lower(): c for c in COLUMNS[name]}
        with self._open_text(self.members[f"{name.lower()}.csv"]) as text:
            reader = csv.reader(text)
            try:
                header = next(reader)
            except StopIteration:
                return  # an empty optional file: nothing to read
            except (csv.Error, UnicodeDecodeError) as exc:
                problems.append(Problem(f"{name}.csv", 1, "", f"cannot be read as UTF-8 CSV ({exc})"))
                return
            index = {}
            for position, cell in enumerate(header):
                canonical = known.get(cell.strip().lower())
                if canonical and canonical not in index:
                    index[canonical] = position
            missing = [c for c in REQUIRED[name] if c not in index]
            if missing:
                problems.extend(
                    Problem(f"{name}.csv", 1, column, "required column is missing from the header")
                    for column in missing
                )
                return
            columns = list(index.items())
            line = reader.line_num
            try:
                for record in reader:
                    start, line = line + 1, reader.line_num
                    if not any(cell.strip() for cell in record):
                        continue
                    width = len(record)
                    yield Row(
                        name,
                        start,
                        {c: (record[p].strip() if p < width else "") for c, p in columns},
                    )
            except (csv.Error, UnicodeDecodeError) as exc:
                problems.append(Problem(f"{name}.csv", line + 1, "", f"cannot be read as UTF-8 CSV ({exc})"))


# --- Cell values -------------------------------------------------------------------------------

_US_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def parse_date(value: str) -> dt.date:
    """`2023-05-01`, `2023-05-01T18:25:43.511Z` or the US `1/05/2023` (month first)."""
    value = value.strip()
    match = _US_DATE.match(value)
    if match:
        month, day, year = (int(g) for g in match.groups())
        return dt.date(year, month, day)
    if "T" in value or " " in value:
        return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    return dt.date.fromisoformat(value)


def parse_bool(value: str, *, default: bool) -> bool:
    """TRUE/true/1 and FALSE/false/0; empty is the default."""
    lowered = value.strip().lower()
    if not lowered:
        return default
    if lowered in ("true", "1", "yes", "t", "y"):
        return True
    if lowered in ("false", "0", "no", "f", "n"):
        return False
    raise ValueError(f"{value!r} is not true or false")


_BRACED = re.compile(r"\{[^}]*\}")


def split_multi(value: str) -> list[str]:
    """A multi-value cell: `a,b` or `{LDAP:12},{Fed:23}` (commas inside braces stay)."""
    value = value.strip()
    if not value:
        return []
    if value.startswith("{"):
        return [m.group(0) for m in _BRACED.finditer(value)]
    return [part.strip() for part in value.split(",") if part.strip()]


def parse_grade(value: str) -> int | None:
    """The first numeric CEDS grade (`09`, `9`, `10,11`); None for KG, PK, UG, Other, empty."""
    for part in split_multi(value):
        if part.isdigit():
            return int(part)
    return None
