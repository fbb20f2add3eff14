"""Writing a district's roster as a OneRoster 1.2 bulk CSV ZIP (the demo district's SIS export).

Rows that have no sourcedId yet get a stable one from their own key (`school-<pk>`,
`student-<number>`, …), so importing the written ZIP keys the district's rows to it and a
second import of the same ZIP changes nothing.
"""

import csv
import hashlib
import io
import zipfile

from trellis.accounts.models import Membership, User
from trellis.accounts.roles import Role
from trellis.districts.models import School, SchoolYear, Term
from trellis.rostering.oneroster import COLUMNS
from trellis.students.models import GuardianLink, RaceEthnicity, Student

SIS_ROLE = {Role.DISTRICT_ADMIN: "districtAdministrator", Role.COORDINATOR: "administrator", Role.COUNSELOR: "counselor"}
RACE_COLUMN = {
    RaceEthnicity.AMERICAN_INDIAN: "americanIndianOrAlaskaNative",
    RaceEthnicity.ASIAN: "asian",
    RaceEthnicity.BLACK: "blackOrAfricanAmerican",
    RaceEthnicity.PACIFIC_ISLANDER: "nativeHawaiianOrOtherPacificIslander",
    RaceEthnicity.WHITE: "white",
    RaceEthnicity.TWO_OR_MORE: "demographicRaceTwoOrMoreRaces",
    RaceEthnicity.HISPANIC: "hispanicOrLatinoEthnicity",
}


def _guardian_sid(link) -> str:
    return link.sourced_id or "guardian-" + hashlib.sha256(link.email.lower().encode()).hexdigest()[:16]


def _staff_sid(user) -> str:
    return user.sourced_id or f"staff-{user.pk}"


class _Files:
    def __init__(self, z):
        self.z = z

    def write(self, name, rows):
        """rows: dicts keyed by the binding's column names; missing columns are empty."""
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        header = [c for c in COLUMNS[name] if not (name == "users" and c in ("orgSourcedIds", "role"))]
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])
        self.z.writestr(f"{name}.csv", buffer.getvalue())


def write_roster_zip(district, target) -> None:
    """Write `district` as a 1.2 bulk package to a path or binary file object."""
    district_sid = f"district-{district.slug}"
    schools = list(School.objects.filter(district=district, is_active=True))
    school_sid = {s.pk: s.sourced_id or f"school-{s.pk}" for s in schools}
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as z:
        files = _Files(z)
        manifest = ["propertyName,value", "manifest.version,1.0", "oneroster.version,1.2"]
        for name in ("orgs", "academicSessions", "users", "roles", "demographics"):
            manifest.append(f"file.{name},bulk")
        manifest += ["source.systemName,Trellis demo SIS", f"source.systemCode,trellis-{district.slug}"]
        z.writestr("manifest.csv", "\r\n".join(manifest) + "\r\n")

        files.write("orgs", [{"sourcedId": district_sid, "name": district.name, "type": "district"}] + [
            {"sourcedId": school_sid[s.pk], "name": s.name, "type": "school", "identifier": s.code,
             "parentSourcedId": district_sid}
            for s in schools
        ])
        sessions = []
        years = list(SchoolYear.objects.filter(district=district))
        year_sid = {y.pk: y.sourced_id or f"year-{y.pk}" for y in years}
        for y in years:
            sessions.append({"sourcedId": year_sid[y.pk], "title": y.name, "type": "schoolYear",
                             "startDate": y.start_date.isoformat(), "endDate": y.end_date.isoformat(),
                             "schoolYear": str(y.end_date.year)})
        for t in Term.objects.filter(school_year__district=district):
            sessions.append({"sourcedId": t.sourced_id or f"term-{t.pk}", "title": t.name, "type": "term",
                             "startDate": t.start_date.isoformat(), "endDate": t.end_date.isoformat(),
                             "parentSourcedId": year_sid[t.school_year_id],
                             "schoolYear": str(t.school_year.end_date.year)})
        files.write("academicSessions", sessions)

        users, roles, demographics = [], [], []
        guardians: dict[str, dict] = {}
        links = GuardianLink.objects.filter(student__district=district, is_active=True).exclude(email="")
        agents_of: dict[int, list[str]] = {}
        student_sid = {}
        students = Student.objects.filter(district=district, is_active=True, school__in=schools).order_by("pk")
        for s in students:
            student_sid[s.pk] = s.sourced_id or f"student-{s.student_number}"
        for link in links.order_by("pk"):
            if link.student_id not in student_sid:
                continue
            sid = _guardian_sid(link)
            agents_of.setdefault(link.student_id, []).append(sid)
            entry = guardians.setdefault(sid, {"link": link, "students": [], "school": link.student.school_id})
            entry["students"].append(student_sid[link.student_id])
        for s in students:
            sid = student_sid[s.pk]
            users.append({
                "sourcedId": sid, "enabledUser": "true", "username": s.student_number, "givenName": s.first_name,
                "familyName": s.last_name, "identifier": s.student_number, "email": s.email,
                "agentSourcedIds": ",".join(agents_of.get(s.pk, [])), "grades": f"{s.grade:02d}",
                "preferredGivenName": s.preferred_name, "primaryOrgSourcedId": school_sid[s.school_id],
                "pronouns": s.pronouns,
            })
            roles.append({"sourcedId": f"role-{sid}", "userSourcedId": sid, "roleType": "primary",
                          "role": "student", "orgSourcedId": school_sid[s.school_id]})
            row = {"sourcedId": sid, "birthDate": s.birth_date.isoformat(),
                   "sex": {"female": "female", "male": "male"}.get(s.gender, "unspecified")}
            column = RACE_COLUMN.get(s.race_ethnicity)
            if column:
                row[column] = "true"
            demographics.append(row)
        for sid, entry in guardians.items():
            link = entry["link"]
            given, _, family = link.name.partition(" ")
            users.append({
                "sourcedId": sid, "enabledUser": "true", "username": link.email, "givenName": given or link.name,
                "familyName": family or link.name, "email": link.email,
                "agentSourcedIds": ",".join(entry["students"]),
            })
            role = link.relationship if link.relationship in ("parent", "guardian", "relative") else "guardian"
            roles.append({"sourcedId": f"role-{sid}", "userSourcedId": sid, "roleType": "primary", "role": role,
                          "orgSourcedId": school_sid[entry["school"]]})
        staff = {}
        for m in Membership.objects.filter(district=district, role__in=list(SIS_ROLE)).select_related("user"):
            staff.setdefault(m.user_id, (m.user, SIS_ROLE[m.role], m.school_id))
        rostered = User.objects.filter(rostered_district=district, is_active=True).exclude(pk__in=list(staff))
        for user in rostered:
            staff[user.pk] = (user, user.sis_role or "teacher", None)
        for user, sis_role, school_id in staff.values():
            sid = _staff_sid(user)
            org = school_sid.get(school_id, district_sid)
            users.append({
                "sourcedId": sid, "enabledUser": "true", "username": user.username,
                "givenName": user.first_name or user.username, "familyName": user.last_name or user.username,
                "email": user.email,
            })
            roles.append({"sourcedId": f"role-{sid}", "userSourcedId": sid, "roleType": "primary", "role": sis_role,
                          "orgSourcedId": org})
        files.write("users", users)
        files.write("roles", roles)
        files.write("demographics", demographics)
