"""Real-shaped OneRoster 1.1 and 1.2 ZIPs, written from the binding, with the quirks real SIS exports have.

Quirks on purpose: a UTF-8 BOM, CRLF line ends, headers in another case and order, `metadata.*`
and unknown columns, an empty optional file, three date shapes (`2025-08-15`,
`2026-06-10T00:00:00.000Z`, `1/05/2026`), quoted multi-value cells (`"{LDAP:12},{Fed:23}"`),
TRUE/true/false, a department under a school, an elementary school (left out: grades 6–12 only).
"""

import csv
import datetime as dt
import io
import zipfile

TODAY = dt.date.today()
# The school year under way today, so graduation years are the district's real ones.
YEAR_END = TODAY.year + (1 if TODAY.month >= 7 else 0)
START, END = dt.date(YEAR_END - 1, 8, 15), dt.date(YEAR_END, 6, 10)


def csv_text(rows, *, bom=True, crlf=True) -> bytes:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n" if crlf else "\n").writerows(rows)
    data = out.getvalue().encode("utf-8")
    return (b"\xef\xbb\xbf" + data) if bom else data


def make_zip(files: dict, *, version="1.1", modes=None) -> bytes:
    """files: name (without .csv) -> rows (first row the header) or raw bytes."""
    modes = modes or {}
    manifest = [["propertyName", "value"], ["manifest.version", "1.0"], ["oneroster.version", version]]
    for name in ("academicSessions", "categories", "classes", "classResources", "courses", "courseResources",
                 "demographics", "enrollments", "lineItems", "orgs", "resources", "results", "users", "roles"):
        present = name in files
        manifest.append([f"file.{name}", modes.get(name, "bulk") if present else "absent"])
    manifest += [["source.systemName", "Aeries SIS"], ["source.systemCode", "aeries-maple"]]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.csv", csv_text(manifest, bom=False, crlf=False))
        for name, rows in files.items():
            z.writestr(f"{name}.csv", rows if isinstance(rows, bytes) else csv_text(rows))
    return buffer.getvalue()


ORGS = [
    # Header in another order and case, with an extension column.
    ["SourcedId", "Status", "DateLastModified", "Name", "Type", "Identifier", "ParentSourcedId", "metadata.nces"],
    ["org-district", "", "", "Maple Valley Unified", "district", "MVU", "", "0601234"],
    ["org-alder", "", "", "Alder High", "school", "ALD", "org-district", "0601"],
    ["org-cedar", "", "", "Cedar Middle School", "school", "CED", "org-district", ""],
    ["org-science", "", "", "Cedar Science Department", "department", "", "org-cedar", ""],
    ["org-elm", "", "", "Elm Elementary", "school", "ELM", "org-district", ""],
]


def sessions():
    return [
        ["sourcedId", "status", "dateLastModified", "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"],
        ["sy", "", "", f"{YEAR_END - 1}–{str(YEAR_END)[2:]}", "schoolYear", START.isoformat(), END.isoformat(), "", str(YEAR_END)],
        ["fall", "", "", f"Fall {YEAR_END - 1}", "semester", START.isoformat(), f"{YEAR_END - 1}-12-19", "sy", str(YEAR_END)],
        ["spring", "", "", f"Spring {YEAR_END}", "term", f"1/05/{YEAR_END}", f"{END.isoformat()}T00:00:00.000Z", "", str(YEAR_END)],
        ["q1", "", "", "Quarter 1", "gradingPeriod", START.isoformat(), f"{YEAR_END - 1}-10-20", "fall", str(YEAR_END)],
    ]


USERS_11 = [
    ["sourcedId", "status", "dateLastModified", "enabledUser", "orgSourcedIds", "role", "username", "userIds",
     "givenName", "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
     "password", "metadata.homeroom"],
    ["stu-1", "", "", "TRUE", "org-alder", "student", "alopez", "{LDAP:12},{Fed:23}", "Ava", "Lopez", "",
     "100001", "ava.lopez@students.maple.example.org", "", "", "par-1", "09", "", "101"],
    ["stu-2", "", "", "true", "org-science", "student", "bkim", "", "Ben", "Kim", "J", "100002", "", "", "",
     "", "07", "", ""],
    ["stu-3", "", "", "true", "org-elm", "student", "ctiny", "", "Cora", "Tiny", "", "100003", "", "", "", "", "KG", "", ""],
    ["par-1", "", "", "true", "org-alder", "parent", "mlopez", "", "Maria", "Lopez", "", "", "maria.lopez@example.com",
     "", "", "stu-1", "", "", ""],
    ["gua-2", "", "", "true", "org-cedar", "guardian", "skim", "", "Sam", "Kim", "", "", "sam.kim@example.com",
     "", "", "stu-2", "", "", ""],
    ["tea-1", "", "", "true", "org-alder", "teacher", "tteach", "", "Terry", "Teach", "", "T-9", "terry.teach@maple.example.org",
     "", "", "", "", "", ""],
    ["cou-1", "", "", "true", "org-alder,org-cedar", "counselor", "ccounsel", "", "Cleo", "Counsel", "", "C-1",
     "cleo.counsel@maple.example.org", "", "", "", "", "", ""],
    ["adm-1", "", "", "true", "org-district", "districtAdministrator", "aboss", "", "Ari", "Boss", "", "A-1",
     "ari.boss@maple.example.org", "", "", "", "", "", ""],
]

DEMOGRAPHICS = [
    ["sourcedId", "status", "dateLastModified", "birthDate", "sex", "americanIndianOrAlaskaNative", "asian",
     "blackOrAfricanAmerican", "nativeHawaiianOrOtherPacificIslander", "white", "demographicRaceTwoOrMoreRaces",
     "hispanicOrLatinoEthnicity", "countryOfBirthCode"],
    ["stu-1", "", "", f"{YEAR_END - 15}-03-04", "female", "false", "false", "false", "false", "true", "false", "false", "US"],
    ["stu-2", "", "", f"3/15/{YEAR_END - 13}", "male", "false", "TRUE", "false", "false", "false", "false", "TRUE", "US"],
    ["stu-3", "", "", f"{YEAR_END - 6}-09-01", "female", "", "", "", "", "", "", "", ""],
]

COURSES = [
    ["sourcedId", "status", "dateLastModified", "schoolYearSourcedId", "title", "courseCode", "grades", "orgSourcedId"],
    ["crs-bio", "", "", "sy", "Biology", "BIO1", "09", "org-alder"],
]
CLASSES = [
    ["sourcedId", "status", "dateLastModified", "title", "grades", "courseSourcedId", "classCode", "classType",
     "location", "schoolSourcedId", "termSourcedIds", "subjects", "subjectCodes", "periods"],
    ["cls-bio-1", "", "", "Biology P1", "09", "crs-bio", "BIO1-1", "scheduled", "Room 4", "org-alder", "fall,spring", "Science", "", "1"],
]
ENROLLMENTS = [
    ["sourcedId", "status", "dateLastModified", "classSourcedId", "schoolSourcedId", "userSourcedId", "role", "primary",
     "beginDate", "endDate"],
    ["enr-1", "", "", "cls-bio-1", "org-alder", "stu-1", "student", "false", START.isoformat(), END.isoformat()],
    ["enr-2", "", "", "cls-bio-1", "org-alder", "tea-1", "teacher", "TRUE", "", ""],
]


def sample_11(*, users=None, demographics=None, orgs=None, extra=None, modes=None) -> bytes:
    files = {
        "orgs": orgs or ORGS,
        "academicSessions": sessions(),
        "users": users or USERS_11,
        "demographics": demographics or DEMOGRAPHICS,
        "courses": COURSES,
        "classes": CLASSES,
        "enrollments": ENROLLMENTS,
        "resources": b"",  # an empty optional file
    }
    files.update(extra or {})
    return make_zip({k: v for k, v in files.items() if v is not None}, version="1.1", modes=modes)


def users_12(rows_11=None):
    """The same people in 1.2 shape: no role/orgSourcedIds on users, preferred names, pronouns."""
    header = ["sourcedId", "status", "dateLastModified", "enabledUser", "username", "userIds", "givenName",
              "familyName", "middleName", "identifier", "email", "sms", "phone", "agentSourcedIds", "grades",
              "password", "userMasterIdentifier", "resourceSourcedIds", "preferredGivenName", "preferredMiddleName",
              "preferredFamilyName", "primaryOrgSourcedId", "pronouns"]
    preferred = {"stu-1": ("Avi", "they/them"), "par-1": ("Mari", "")}
    users, roles = [header], [
        ["sourcedId", "status", "dateLastModified", "userSourcedId", "roleType", "role", "beginDate", "endDate",
         "orgSourcedId", "userProfileSourcedId"]
    ]
    for row in (rows_11 or USERS_11)[1:]:
        (sid, status, modified, enabled, orgs, role, username, user_ids, given, family, middle, identifier,
         email, sms, phone, agents, grades, password, _) = row
        pref, pronouns = preferred.get(sid, ("", ""))
        org_list = orgs.split(",")
        users.append([sid, status, modified, enabled, username, user_ids, given, family, middle, identifier, email,
                      sms, phone, agents, grades, password, "", "", pref, "", "", "", pronouns])
        for n, org in enumerate(org_list):
            roles.append([f"role-{sid}-{n}", "", "", sid, "primary" if n == 0 else "secondary", role,
                          "", "", org, ""])
    return users, roles


def sample_12(*, users=None, roles=None, extra=None, modes=None) -> bytes:
    default_users, default_roles = users_12()
    files = {
        "orgs": ORGS,
        "academicSessions": sessions(),
        "users": users or default_users,
        "roles": roles or default_roles,
        "demographics": DEMOGRAPHICS,
        "enrollments": ENROLLMENTS,
    }
    files.update(extra or {})
    return make_zip(files, version="1.2", modes=modes)
