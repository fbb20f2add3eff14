"""From a OneRoster package to a plan: what to create, update and deactivate, per kind.

Planning reads the file once (streamed) and the district's current rows once, checks every
reference (orgs, sessions, users, agents) and records each unusable row as a Problem with
its file, line and column. Nothing is written here; `apply.py` writes a finished plan in one
transaction. Keys are the file's `sourcedId`s (opaque, case-sensitive) within the district.
"""

import datetime as dt
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db.models.functions import Lower

from trellis.accounts.models import User
from trellis.districts.calendar import district_today
from trellis.districts.models import School, SchoolYear, Term
from trellis.rostering.models import KINDS, MAX_STORED_PROBLEMS, RosterOrg
from trellis.rostering.oneroster import (
    Package,
    Problem,
    parse_bool,
    parse_date,
    parse_grade,
    split_multi,
)
from trellis.students.models import Gender, GuardianLink, RaceEthnicity, Student

ORG_TYPES = {"department", "district", "local", "national", "school", "state"}
STUDENT_ROLES = {"student"}
GUARDIAN_ROLES = {"parent", "guardian", "relative"}
STAFF_ROLES = {
    "teacher", "counselor", "principal", "siteadministrator", "districtadministrator", "administrator",
    "aide", "proctor", "systemadministrator",
}
TRELLIS_GRADES = range(6, 13)  # Student.grade's database constraint: middle and high school

# Student fields the importer owns, in one order (the DB read, the comparison and the writes).
STUDENT_FIELDS = (
    "school_sid", "student_number", "first_name", "last_name", "preferred_name", "pronouns", "email",
    "grade", "graduation_year", "birth_date", "race_ethnicity", "gender", "is_active",
)
GUARDIAN_FIELDS = ("name", "email", "relationship", "is_active")
STAFF_FIELDS = ("first_name", "last_name", "email", "sis_role", "is_active")

RACE_COLUMNS = (
    ("americanIndianOrAlaskaNative", RaceEthnicity.AMERICAN_INDIAN),
    ("asian", RaceEthnicity.ASIAN),
    ("blackOrAfricanAmerican", RaceEthnicity.BLACK),
    ("nativeHawaiianOrOtherPacificIslander", RaceEthnicity.PACIFIC_ISLANDER),
    ("white", RaceEthnicity.WHITE),
)


def role_kind(role: str) -> str | None:
    role = role.strip().lower()
    if role in STUDENT_ROLES:
        return "students"
    if role in GUARDIAN_ROLES:
        return "guardians"
    if role in STAFF_ROLES:
        return "staff"
    return None


def graduation_year(grade: int, year_end: int) -> int:
    """Seniors graduate in the calendar year the school year ends; a 9th grader three later."""
    return year_end + (12 - grade)


def term_kind(start: dt.date, end: dt.date) -> str:
    if (end - start).days > 250:
        return Term.Kind.FULL_YEAR
    if start.month in (6, 7) and (end - start).days < 100:
        return Term.Kind.SUMMER
    return Term.Kind.FALL if start.month >= 7 else Term.Kind.SPRING


def school_level(name: str) -> str:
    lowered = name.lower()
    if "middle" in lowered or "junior high" in lowered:
        return School.Level.MIDDLE
    if "high" in lowered:
        return School.Level.HIGH
    return School.Level.OTHER


class Plan:
    """Everything one import would do, and why any row is left out."""

    def __init__(self, district, package: Package, *, skip_invalid: bool = False):
        self.district = district
        self.package = package
        self.skip_invalid = skip_invalid
        self.problems: list[Problem] = []
        self.fatal = False  # a file-level problem: nothing can be imported, whatever the choice
        self.warnings: list[str] = []
        self.counts = {key: dict.fromkeys(("new", "updated", "deactivated", "unchanged"), 0) for key, _ in KINDS}
        self.rows_read: dict[str, int] = defaultdict(int)
        # Operations, filled by build():
        self.orgs: dict[str, tuple] = {}  # sid -> (type, parent sid, school sid or None)
        self.schools_new, self.schools_update, self.schools_deactivate = [], [], []
        self.years_new, self.years_update = [], []
        self.terms_new, self.terms_update = [], []
        self.students_new, self.students_update, self.students_deactivate = [], [], []
        self.guardians_new, self.guardians_update, self.guardians_deactivate = [], [], []
        self.staff_new, self.staff_update, self.staff_deactivate = [], [], []

    # --- results -----------------------------------------------------------------------------

    @property
    def refused(self) -> bool:
        return self.fatal or (bool(self.problems) and not self.skip_invalid)

    @property
    def mode(self) -> str:
        modes = {m for m in self.package.modes.values() if m != "absent"}
        return modes.pop() if len(modes) == 1 else "mixed"

    def stored_problems(self) -> list[list]:
        return [p.as_row() for p in self.problems[:MAX_STORED_PROBLEMS]]

    def summary(self) -> str:
        parts = []
        for key, label in KINDS:
            c = self.counts[key]
            if any(c.values()):
                parts.append(
                    f"{label.lower()}: {c['new']} new, {c['updated']} updated, "
                    f"{c['deactivated']} deactivated, {c['unchanged']} unchanged"
                )
        return "; ".join(parts) or "nothing to import"

    def _problem(self, problem: Problem):
        self.problems.append(problem)

    def _warn(self, text: str):
        self.warnings.append(text)

    # --- building ----------------------------------------------------------------------------

    def build(self, progress=None) -> "Plan":
        progress = progress or (lambda pct: None)
        self._orgs()
        progress(10)
        self._sessions()
        progress(15)
        roles = self._roles()
        demographics = self._demographics()
        progress(25)
        self._users(roles, demographics)
        progress(40)
        self._other_files()
        progress(45)
        return self

    def _dup(self, seen: dict, row, what="sourcedId") -> bool:
        sid = row.sourced_id
        if not sid:
            self._problem(row.problem("sourcedId", "is empty"))
            return True
        if sid in seen:
            self._problem(row.problem("sourcedId", f"duplicate {what} {sid!r} (also on line {seen[sid]})"))
            return True
        seen[sid] = row.line
        return False

    # Orgs and schools ---------------------------------------------------------------------------

    def _orgs(self):
        d = self.district
        known = {o.sourced_id: (o.org_type, o.parent_sourced_id) for o in RosterOrg.objects.filter(district=d)}
        schools_db = list(School.objects.filter(district=d).values("pk", "sourced_id", "name", "code", "is_active"))
        for s in schools_db:
            if s["sourced_id"] and s["sourced_id"] not in known:
                known[s["sourced_id"]] = ("school", "")
        file_orgs, seen, deleted = {}, {}, set()
        for row in self.package.rows("orgs", self.problems):
            self.rows_read["orgs"] += 1
            if self._dup(seen, row):
                continue
            org_type = row.get("type").lower()
            if org_type not in ORG_TYPES:
                self._problem(row.problem("type", f"{row.get('type')!r} is not an org type ({', '.join(sorted(ORG_TYPES))})"))
                continue
            if not row.get("name") and not row.to_be_deleted:
                self._problem(row.problem("name", "is empty"))
                continue
            file_orgs[row.sourced_id] = (org_type, row.get("parentSourcedId"), row)
            if row.to_be_deleted:
                deleted.add(row.sourced_id)
        merged = dict(known) if self.package.mode("orgs") != "bulk" else {}
        merged.update({sid: (t, parent) for sid, (t, parent, _) in file_orgs.items()})
        for _, parent, row in file_orgs.values():
            if parent and parent not in merged:
                self._problem(row.problem("parentSourcedId", f"no org with sourcedId {parent!r}"))
        for sid, (org_type, parent) in merged.items():
            self.orgs[sid] = (org_type, parent, self._school_above(merged, sid))

        by_sid = {s["sourced_id"]: s for s in schools_db if s["sourced_id"]}
        unclaimed = [s for s in schools_db if not s["sourced_id"]]
        counts = self.counts["schools"]
        in_file = set()
        for sid, (org_type, _, row) in file_orgs.items():
            if org_type != "school":
                continue
            in_file.add(sid)
            active = not row.to_be_deleted
            current = by_sid.get(sid)
            if current is None and active:
                current = self._claim_school(unclaimed, row)
            if current is None:
                if active:
                    self.schools_new.append({"sourced_id": sid, "name": row.get("name")[:200], "code": row.get("identifier")[:40]})
                    counts["new"] += 1
                continue
            target = {"name": row.get("name")[:200] or current["name"], "code": row.get("identifier")[:40], "is_active": active}
            if not active:
                target = {"is_active": False}
            changed = {k: v for k, v in target.items() if current[k] != v}
            if current["sourced_id"] != sid:
                changed["sourced_id"] = sid
            if not changed:
                counts["unchanged"] += 1
            elif changed == {"is_active": False}:
                self.schools_deactivate.append(current["pk"])
                counts["deactivated"] += 1
            else:
                self.schools_update.append((current["pk"], changed))
                counts["updated"] += 1
        if self.package.mode("orgs") == "bulk":
            for sid, s in by_sid.items():
                if sid not in in_file and s["is_active"]:
                    self.schools_deactivate.append(s["pk"])
                    counts["deactivated"] += 1

    @staticmethod
    def _claim_school(unclaimed, row):
        """A school already in Trellis but never rostered: the same code, or else the same name."""
        code, name = row.get("identifier"), row.get("name").lower()
        for match in ([s for s in unclaimed if code and s["code"] == code], [s for s in unclaimed if s["name"].lower() == name]):
            if match:
                unclaimed.remove(match[0])
                return match[0]
        return None

    @staticmethod
    def _school_above(orgs, sid):
        """The school an org is, or sits under (a department maps to its school); None above schools."""
        seen = set()
        while sid and sid in orgs and sid not in seen:
            seen.add(sid)
            org_type, parent = orgs[sid]
            if org_type == "school":
                return sid
            if org_type != "department":
                return None
            sid = parent
        return None

    # Academic sessions ---------------------------------------------------------------------------

    def _sessions(self):
        d = self.district
        years_db = list(SchoolYear.objects.filter(district=d).values("pk", "sourced_id", "name", "start_date", "end_date"))
        terms_db = list(
            Term.objects.filter(school_year__district=d).values(
                "pk", "sourced_id", "school_year__sourced_id", "name", "kind", "start_date", "end_date"
            )
        )
        seen, years, terms, grading_periods = {}, {}, [], 0
        for row in self.package.rows("academicSessions", self.problems):
            self.rows_read["academicSessions"] += 1
            if self._dup(seen, row) or row.to_be_deleted:
                continue
            kind = row.get("type").lower()
            try:
                start, end = parse_date(row.get("startDate")), parse_date(row.get("endDate"))
            except ValueError:
                bad = "startDate" if not _is_date(row.get("startDate")) else "endDate"
                self._problem(row.problem(bad, f"{row.get(bad)!r} is not a date (2023-05-01, 2023-05-01T18:25:43Z or 5/1/2023)"))
                continue
            if end <= start:
                self._problem(row.problem("endDate", f"ends {end} on or before it starts ({start})"))
                continue
            if kind == "schoolyear":
                years[row.sourced_id] = (row.get("title")[:40], start, end, row)
            elif kind in ("term", "semester"):
                terms.append((row, start, end))
            elif kind == "gradingperiod":
                grading_periods += 1
            else:
                self._problem(row.problem("type", f"{row.get('type')!r} is not schoolYear, term, semester or gradingPeriod"))
        if grading_periods:
            self._warn(f"{grading_periods} grading periods were read but not imported: Trellis schedules by term.")

        by_sid = {y["sourced_id"]: y for y in years_db if y["sourced_id"]}
        by_name = {y["name"]: y for y in years_db}
        counts = self.counts["school_years"]
        names = {}
        self._year_ends = {}  # sid -> end date, for terms and graduation years
        for y in years_db:
            if y["sourced_id"]:
                self._year_ends[y["sourced_id"]] = (y["start_date"], y["end_date"])
        for sid, (name, start, end, row) in years.items():
            if name in names:
                self._problem(row.problem("title", f"school year {name!r} is also on line {names[name]}"))
                continue
            names[name] = row.line
            current = by_sid.get(sid) or (by_name.get(name) if not (by_name.get(name) or {}).get("sourced_id") else None)
            if current is None and name in by_name:
                self._problem(row.problem("title", f"school year {name!r} already exists with another sourcedId"))
                continue
            self._year_ends[sid] = (start, end)
            target = {"name": name, "start_date": start, "end_date": end}
            if current is None:
                self.years_new.append({"sourced_id": sid, **target})
                counts["new"] += 1
                continue
            changed = {k: v for k, v in target.items() if current[k] != v}
            if current["sourced_id"] != sid:
                changed["sourced_id"] = sid
            if changed:
                self.years_update.append((current["pk"], changed))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1
        if self.package.mode("academicSessions") == "bulk":
            kept = sum(1 for sid in by_sid if sid not in years)
            if kept:
                self._warn(f"{kept} school years not in the file are kept: past years are history.")

        term_by_key = {(t["school_year__sourced_id"], t["sourced_id"]): t for t in terms_db if t["sourced_id"]}
        # Terms made in Trellis before the first import: the same school year and name.
        year_of = {}
        year_sid_by_name = {v[0]: sid for sid, v in years.items()}
        for y in years_db:
            year_of[y["pk"]] = y["sourced_id"] or year_sid_by_name.get(y["name"])
        unclaimed_terms = {}
        for t in Term.objects.filter(school_year__district=d, sourced_id__isnull=True).values(
            "pk", "school_year_id", "name", "kind", "start_date", "end_date"
        ):
            unclaimed_terms.setdefault((year_of.get(t["school_year_id"]), t["name"]), t)
        counts = self.counts["terms"]
        for row, start, end in terms:
            year_sid = row.get("parentSourcedId")
            if year_sid and year_sid not in self._year_ends:
                year_sid = ""  # a term under a grading period or an unknown parent: try schoolYear
            if not year_sid and row.get("schoolYear").isdigit():
                ending = int(row.get("schoolYear"))
                year_sid = next((s for s, (_, e) in self._year_ends.items() if e.year == ending), "")
            if not year_sid:
                column = "parentSourcedId" if row.get("parentSourcedId") else "schoolYear"
                self._problem(row.problem(column, "no school year session above this term"))
                continue
            target = {"name": row.get("title")[:60], "kind": term_kind(start, end), "start_date": start, "end_date": end}
            current = term_by_key.get((year_sid, row.sourced_id))
            claimed = False
            if current is None:
                current = unclaimed_terms.pop((year_sid, target["name"]), None)
                claimed = current is not None
            if current is None:
                self.terms_new.append({"year_sid": year_sid, "sourced_id": row.sourced_id, **target})
                counts["new"] += 1
                continue
            # The kind (fall, spring, …) is Trellis's own reading of the dates; a term keeps the one it has.
            changed = {k: v for k, v in target.items() if k != "kind" and current[k] != v}
            if claimed:
                changed["sourced_id"] = row.sourced_id
            if changed:
                self.terms_update.append((current["pk"], changed))
                counts["updated"] += 1
            else:
                counts["unchanged"] += 1

    def _reference_year_end(self) -> int:
        """The end year of the school year under way (or the latest begun): grades count from it."""
        today = district_today(self.district)
        spans = sorted(self._year_ends.values())
        for start, end in spans:
            if start <= today <= end:
                return end.year
        begun = [end for start, end in spans if start <= today]
        if begun:
            return max(begun).year
        return today.year + (1 if today.month >= 7 else 0)

    # Roles and demographics -------------------------------------------------------------------------

    def _roles(self) -> dict:
        """1.2 roles.csv: each user's primary role and org (the first listed if none is primary)."""
        roles = {}
        self._role_rows = {}
        for row in self.package.rows("roles", self.problems):
            self.rows_read["roles"] += 1
            if row.to_be_deleted:
                continue
            user, org = row.get("userSourcedId"), row.get("orgSourcedId")
            role_type = row.get("roleType").lower()
            if role_type not in ("primary", "secondary"):
                self._problem(row.problem("roleType", f"{row.get('roleType')!r} is not primary or secondary"))
                continue
            if role_kind(row.get("role")) is None:
                self._problem(row.problem("role", f"{row.get('role')!r} is not a OneRoster role"))
                continue
            if org not in self.orgs:
                self._problem(row.problem("orgSourcedId", f"no org with sourcedId {org!r}"))
                continue
            self._role_rows.setdefault(user, row.line)
            if user not in roles or (role_type == "primary" and not roles[user][2]):
                roles[user] = (row.get("role"), org, role_type == "primary")
        return roles

    def _demographics(self) -> dict:
        demographics, seen = {}, {}
        for row in self.package.rows("demographics", self.problems):
            self.rows_read["demographics"] += 1
            if self._dup(seen, row) or row.to_be_deleted:
                continue
            birth = None
            if row.get("birthDate"):
                try:
                    birth = parse_date(row.get("birthDate"))
                except ValueError:
                    self._problem(row.problem("birthDate", f"{row.get('birthDate')!r} is not a date"))
                    continue
            try:
                hispanic = parse_bool(row.get("hispanicOrLatinoEthnicity"), default=False)
                races = [value for column, value in RACE_COLUMNS if parse_bool(row.get(column), default=False)]
                several = parse_bool(row.get("demographicRaceTwoOrMoreRaces"), default=False)
            except ValueError as exc:
                self._problem(row.problem("race", str(exc)))
                continue
            if hispanic:
                race = RaceEthnicity.HISPANIC  # federal reporting counts Hispanic first
            elif several or len(races) > 1:
                race = RaceEthnicity.TWO_OR_MORE
            elif races:
                race = races[0]
            else:
                race = RaceEthnicity.NOT_REPORTED
            sex = row.get("sex").lower()
            gender = {"female": Gender.FEMALE, "male": Gender.MALE}.get(sex, Gender.NOT_REPORTED)
            demographics[row.sourced_id] = (birth, race, gender)
        return demographics

    # Users ------------------------------------------------------------------------------------------

    def _users(self, roles, demographics):
        d = self.district
        header = self.package.header("users")
        inline_roles = "role" in header and not self.package.has("roles")
        mode = self.package.mode("users")
        students_db = {}
        numbers_db = {}
        for values in Student.objects.filter(district=d).values_list(
            "pk", "sourced_id", "school__sourced_id", *STUDENT_FIELDS[1:]
        ):
            students_db[values[1] or f"#{values[0]}"] = values
            numbers_db[values[3]] = values
        staff_db = {
            u[1]: u for u in User.objects.filter(rostered_district=d).values_list("pk", "sourced_id", *STAFF_FIELDS)
        }
        guardian_sids_db = set(
            GuardianLink.objects.filter(student__district=d, sourced_id__isnull=False).values_list("sourced_id", flat=True)
        )
        year_end = self._reference_year_end()

        seen, numbers = {}, {}
        students, guardians, staff = {}, {}, {}
        agents = []  # (line, sid, kind, agent sids): not the Row, whose every column would stay in memory
        deletes = defaultdict(set)
        skipped_grades = 0
        self.user_sids = set()
        for row in self.package.rows("users", self.problems):
            self.rows_read["users"] += 1
            if self._dup(seen, row):
                continue
            sid = row.sourced_id
            self.user_sids.add(sid)
            if inline_roles:
                org_ids = split_multi(row.get("orgSourcedIds"))
                role, org = row.get("role"), (row.get("primaryOrgSourcedId") or (org_ids[0] if org_ids else ""))
                org_column = "orgSourcedIds"
            else:
                role, org, _ = roles.get(sid, ("", "", False))
                if row.get("primaryOrgSourcedId"):
                    org = row.get("primaryOrgSourcedId")
                org_column = "primaryOrgSourcedId" if row.get("primaryOrgSourcedId") else "orgSourcedId (roles.csv)"
            kind = role_kind(role) if role else None
            if kind is None and not role:
                kind = (
                    "students" if sid in students_db else
                    "staff" if sid in staff_db else
                    "guardians" if sid in guardian_sids_db else None
                )
            if row.to_be_deleted:
                if kind:
                    deletes[kind].add(sid)
                continue
            if kind is None:
                if role:
                    self._problem(row.problem("role", f"{role!r} is not a OneRoster role"))
                else:
                    self._problem(row.problem("role", "this user has no role (the role column in 1.1, roles.csv in 1.2)"))
                continue
            try:
                enabled = parse_bool(row.get("enabledUser"), default=True)
            except ValueError as exc:
                self._problem(row.problem("enabledUser", str(exc)))
                continue
            email = row.get("email")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    self._problem(row.problem("email", f"{email!r} is not an e-mail address"))
                    continue
            if org and org not in self.orgs:
                self._problem(row.problem(org_column, f"no org with sourcedId {org!r}"))
                continue
            given, family = row.get("givenName")[:100], row.get("familyName")[:100]
            if not (given and family):
                self._problem(row.problem("givenName" if not given else "familyName", "is empty"))
                continue
            listed_agents = split_multi(row.get("agentSourcedIds"))
            if kind == "students":
                grade = parse_grade(row.get("grades"))
                if grade not in TRELLIS_GRADES:
                    skipped_grades += 1
                    continue
                number = row.get("identifier")[:40]
                if not number:
                    self._problem(row.problem("identifier", "is empty; Trellis needs the student number"))
                    continue
                if number in numbers:
                    self._problem(row.problem("identifier", f"student number {number!r} is also on line {numbers[number]}"))
                    continue
                numbers[number] = row.line
                current = students_db.get(sid)
                other = numbers_db.get(number)
                if current is None and other is not None:
                    if other[1] and other[1] != sid:
                        self._problem(row.problem("identifier", f"student number {number!r} belongs to another rostered student ({other[1]!r})"))
                        continue
                    current = other
                if org:
                    school = self.orgs[org][2]
                else:  # a delta without roles: the student stays at the school the last file gave
                    school = current[2] if current is not None and mode != "bulk" else None
                if school is None:
                    self._problem(row.problem(org_column, f"no school above org {org!r}" if org else "the student has no org"))
                    continue
                birth, race, gender = demographics.get(sid, (None, None, None))
                if birth is None and current is None:
                    self._problem(row.problem("sourcedId", "no birthDate in demographics.csv; Trellis needs it for youth labour rules"))
                    continue
                target = (
                    school, number, given, family, row.get("preferredGivenName")[:100], row.get("pronouns")[:40],
                    email, grade, graduation_year(grade, year_end),
                    birth or current[11], race or (current[12] if current else RaceEthnicity.NOT_REPORTED),
                    gender or (current[13] if current else Gender.NOT_REPORTED), enabled,
                )
                students[sid] = (target, current)
                if listed_agents:
                    agents.append((row.line, sid, "students", listed_agents))
            elif kind == "guardians":
                name = f"{row.get('preferredGivenName') or given} {family}"[:200]
                guardians[sid] = (name, email, role.strip().lower()[:40], enabled)
                if listed_agents:
                    agents.append((row.line, sid, "guardians", listed_agents))
            else:
                staff[sid] = (given[:150], family[:150], email, role.strip()[:40], enabled, row.get("username"))
        if skipped_grades:
            self._warn(f"{skipped_grades} students outside grades 6–12 were left out: Trellis rosters middle and high school.")
        for user, line in self._role_rows.items():
            if user not in self.user_sids and user not in students_db and user not in staff_db:
                self._problem(Problem("roles.csv", line, "userSourcedId", f"no user with sourcedId {user!r}"))

        self._plan_students(students, students_db, deletes["students"], mode)
        pairs = self._agent_pairs(agents, students, guardians)
        self._plan_guardians(guardians, pairs, students, deletes["guardians"], mode)
        self._plan_staff(staff, staff_db, deletes["staff"], mode)

    def _plan_students(self, students, students_db, deleted, mode):
        counts = self.counts["students"]
        for sid, (target, current) in students.items():
            values = dict(zip(STUDENT_FIELDS, target, strict=True))
            if current is None:
                self.students_new.append({"sourced_id": sid, **values})
                counts["new"] += 1
                continue
            changed = {f: v for f, v, old in zip(STUDENT_FIELDS, target, current[2:], strict=True) if v != old}
            if current[1] != sid:
                changed["sourced_id"] = sid
            if not changed:
                counts["unchanged"] += 1
            elif changed == {"is_active": False}:
                self.students_deactivate.append(current[0])
                counts["deactivated"] += 1
            else:
                self.students_update.append((current[0], changed))
                counts["updated"] += 1
        gone = deleted if mode != "bulk" else {s for s in students_db if not s.startswith("#")} - self.user_sids
        for sid in gone:
            current = students_db.get(sid)
            if current is not None and current[-1]:
                self.students_deactivate.append(current[0])
                counts["deactivated"] += 1
        if mode == "bulk":
            claimed = {current[0] for _, current in students.values() if current is not None}
            unrostered = sum(1 for s, v in students_db.items() if s.startswith("#") and v[-1] and v[0] not in claimed)
            if unrostered and self.rows_read["users"]:
                self._warn(
                    f"{unrostered} active students were never rostered (no sourcedId) and are not in the file; "
                    "they are left as they are."
                )

    def _agent_pairs(self, agents, students, guardians) -> set:
        pairs = set()
        for line, sid, kind, listed in agents:
            for agent in listed:
                if agent not in self.user_sids:
                    self._problem(Problem("users.csv", line, "agentSourcedIds", f"no user with sourcedId {agent!r}"))
                    continue
                if kind == "students" and agent in guardians:
                    pairs.add((sid, agent))
                elif kind == "guardians" and agent in students:
                    pairs.add((agent, sid))
        return pairs

    def _plan_guardians(self, guardians, pairs, students, deleted, mode):
        d = self.district
        counts = self.counts["guardians"]
        # Links are keyed by the student's row (a student being claimed has no sourcedId yet).
        student_pk = {sid: current[0] for sid, (_, current) in students.items() if current is not None}
        links = {}
        unclaimed = {}
        for pk, student_id, sid, name, email, relationship, active in GuardianLink.objects.filter(
            student__district=d
        ).values_list("pk", "student_id", "sourced_id", *GUARDIAN_FIELDS):
            record = (pk, name, email, relationship, active)
            if sid:
                links[(student_id, sid)] = record
            else:
                unclaimed[(student_id, email.lower())] = record
        no_email = 0
        emails_taken = set()
        wanted = set()
        for student, guardian in sorted(pairs):
            name, email, relationship, enabled = guardians[guardian]
            if not email:
                no_email += 1
                continue
            if (student, email.lower()) in emails_taken:
                self._warn(f"Guardian {guardian!r} shares an e-mail address with another guardian of student {student!r}; linked once.")
                continue
            emails_taken.add((student, email.lower()))
            spk = student_pk.get(student)
            wanted.add((spk, guardian))
            target = {"name": name, "email": email, "relationship": relationship, "is_active": enabled}
            current = links.get((spk, guardian)) if spk else None
            claimed = False
            if current is None and spk:
                current = unclaimed.pop((spk, email.lower()), None)
                claimed = current is not None
            if current is None:
                self.guardians_new.append({"student_sid": student, "sourced_id": guardian, **target})
                counts["new"] += 1
                continue
            changed = {f: v for f, v, old in zip(GUARDIAN_FIELDS, target.values(), current[1:], strict=True) if v != old}
            if claimed:
                changed["sourced_id"] = guardian
            if not changed:
                counts["unchanged"] += 1
            elif changed == {"is_active": False}:
                self.guardians_deactivate.append(current[0])
                counts["deactivated"] += 1
            else:
                self.guardians_update.append((current[0], changed))
                counts["updated"] += 1
        if no_email:
            self._warn(f"{no_email} guardian links were left out: the guardian has no e-mail address to sign consent with.")
        for (student, guardian), record in links.items():
            gone = guardian in deleted if mode != "bulk" else (student, guardian) not in wanted
            if gone and record[-1]:
                self.guardians_deactivate.append(record[0])
                counts["deactivated"] += 1

    def _plan_staff(self, staff, staff_db, deleted, mode):
        counts = self.counts["staff"]
        emails = sorted({v[2].lower() for sid, v in staff.items() if v[2] and sid not in staff_db})
        claimable = {}
        for start in range(0, len(emails), 500):
            for values in (
                User.objects.annotate(email_lower=Lower("email"))
                .filter(sourced_id__isnull=True, email_lower__in=emails[start:start + 500])
                .order_by("pk")
                .values_list("pk", "sourced_id", *STAFF_FIELDS)
            ):
                claimable.setdefault(values[4].lower(), values)
        self.staff_usernames = {}
        for sid, (first, last, email, sis_role, enabled, username) in staff.items():
            target = {"first_name": first, "last_name": last, "email": email, "sis_role": sis_role, "is_active": enabled}
            current = staff_db.get(sid)
            claimed = False
            if current is None and email:
                current = claimable.pop(email.lower(), None)
                claimed = current is not None
            if current is None:
                self.staff_new.append({"sourced_id": sid, "username": email or username or sid, **target})
                counts["new"] += 1
                continue
            changed = {f: v for f, v, old in zip(STAFF_FIELDS, target.values(), current[2:], strict=True) if v != old}
            if claimed:
                changed |= {"sourced_id": sid, "rostered_district_id": self.district.pk}
            if not changed:
                counts["unchanged"] += 1
            elif changed == {"is_active": False}:
                self.staff_deactivate.append(current[0])
                counts["deactivated"] += 1
            else:
                self.staff_update.append((current[0], changed))
                counts["updated"] += 1
        gone = deleted if mode != "bulk" else set(staff_db) - self.user_sids
        for sid in gone:
            current = staff_db.get(sid)
            if current is not None and current[-1]:
                self.staff_deactivate.append(current[0])
                counts["deactivated"] += 1

    # Files read for their references only ------------------------------------------------------------

    def _other_files(self):
        """Courses, classes and enrollments are not stored; broken references are reported."""
        courses = set()
        unknown = 0
        for row in self.package.rows("courses", self.problems):
            self.rows_read["courses"] += 1
            courses.add(row.sourced_id)
            unknown += row.get("orgSourcedId") not in self.orgs
        classes = set()
        for row in self.package.rows("classes", self.problems):
            self.rows_read["classes"] += 1
            classes.add(row.sourced_id)
            unknown += row.get("schoolSourcedId") not in self.orgs
            unknown += bool(courses) and row.get("courseSourcedId") not in courses
        for row in self.package.rows("enrollments", self.problems):
            self.rows_read["enrollments"] += 1
            if row.to_be_deleted:
                continue
            unknown += bool(classes) and row.get("classSourcedId") not in classes
            unknown += row.get("userSourcedId") not in self.user_sids and self.package.mode("users") == "bulk"
        for _row in self.package.rows("userProfiles", self.problems):
            self.rows_read["userProfiles"] += 1
        if unknown:
            self._warn(
                f"{unknown} references in courses, classes or enrollments name no known record; "
                "Trellis does not store classes, so nothing is left out because of them."
            )


def _is_date(value: str) -> bool:
    try:
        parse_date(value)
    except ValueError:
        return False
    return True


def build_plan(district, source, *, skip_invalid=False, progress=None) -> Plan:
    """Read a OneRoster ZIP (path or file object) against the district; nothing is written."""
    plan = Plan(district, Package(source), skip_invalid=skip_invalid)
    plan.build(progress)
    # A missing required column (line 1) means a whole file cannot be read: never "import the rest".
    plan.fatal = any(p.line in (None, 1) for p in plan.problems)
    return plan
