"""The OneRoster importer end to end through `manage.py import_oneroster`: 1.1 and 1.2, bulk and delta."""

import datetime as dt
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command

from tests import factories as f
from tests.rostering import samples
from trellis.accounts.models import User
from trellis.core.models import AuditEvent
from trellis.districts.models import School, SchoolYear, Term
from trellis.rostering.models import RosterImport
from trellis.rostering.oneroster import parse_bool, parse_date, split_multi
from trellis.students.models import Gender, GuardianLink, RaceEthnicity, Student

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def district():
    return f.DistrictFactory(name="Maple Valley Unified", slug="mvu")


class Refused(Exception):
    """The command's refusal with what it wrote to stderr (the row-level messages)."""

    def __init__(self, message, stderr):
        super().__init__(message)
        self.stderr = stderr


def run(tmp_path, data: bytes, *args, slug="mvu", name="roster.zip"):
    path = tmp_path / name
    path.write_bytes(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_oneroster", slug, str(path), *args, stdout=out, stderr=err)
    except CommandError as exc:
        raise Refused(str(exc), err.getvalue()) from exc
    return out.getvalue(), err.getvalue()


def snapshot(district):
    """Every imported row's values, to prove a refused or repeated import changed nothing."""
    return (
        sorted(School.objects.filter(district=district).values_list("sourced_id", "name", "code", "is_active")),
        sorted(SchoolYear.objects.filter(district=district).values_list("sourced_id", "name", "start_date")),
        sorted(Term.objects.filter(school_year__district=district).values_list("sourced_id", "name", "kind")),
        sorted(Student.objects.filter(district=district).values_list(
            "sourced_id", "student_number", "first_name", "school__name", "grade", "graduation_year",
            "birth_date", "race_ethnicity", "is_active")),
        sorted(GuardianLink.objects.filter(student__district=district).values_list(
            "sourced_id", "student__sourced_id", "email", "is_active")),
        sorted(User.objects.filter(rostered_district=district).values_list(
            "sourced_id", "email", "sis_role", "is_active")),
    )


def test_bulk_1_1_creates_schools_sessions_students_guardians_and_staff(district, tmp_path):
    out, err = run(tmp_path, samples.sample_11())

    assert out.startswith("Imported ")
    assert "students: 2 new, 0 updated, 0 deactivated, 0 unchanged" in out
    assert "students outside grades 6–12 were left out" in err
    schools = {s.sourced_id: s for s in School.objects.filter(district=district)}
    assert set(schools) == {"org-alder", "org-cedar", "org-elm"}
    assert (schools["org-alder"].name, schools["org-alder"].code, schools["org-alder"].level) == ("Alder High", "ALD", "high")
    assert schools["org-cedar"].level == School.Level.MIDDLE
    year = SchoolYear.objects.get(district=district)
    assert (year.sourced_id, year.start_date, year.end_date) == ("sy", samples.START, samples.END)
    terms = {t.sourced_id: t for t in year.terms.all()}
    assert set(terms) == {"fall", "spring"}  # the grading period is not a term
    assert terms["spring"].start_date == dt.date(samples.YEAR_END, 1, 5)  # 1/05/YYYY is month first
    assert terms["spring"].end_date == samples.END  # from 2026-06-10T00:00:00.000Z
    assert (terms["fall"].kind, terms["spring"].kind) == (Term.Kind.FALL, Term.Kind.SPRING)

    ava = Student.objects.get(district=district, sourced_id="stu-1")
    assert (ava.student_number, ava.first_name, ava.last_name, ava.grade) == ("100001", "Ava", "Lopez", 9)
    assert ava.school == schools["org-alder"]
    assert ava.graduation_year == samples.YEAR_END + 3
    assert ava.birth_date == dt.date(samples.YEAR_END - 15, 3, 4)
    assert (ava.race_ethnicity, ava.gender) == (RaceEthnicity.WHITE, Gender.FEMALE)
    assert ava.email == "ava.lopez@students.maple.example.org"
    ben = Student.objects.get(district=district, sourced_id="stu-2")
    assert ben.school == schools["org-cedar"]  # rostered to the science department of Cedar
    assert ben.birth_date == dt.date(samples.YEAR_END - 13, 3, 15)
    assert ben.race_ethnicity == RaceEthnicity.HISPANIC
    assert not Student.objects.filter(sourced_id="stu-3").exists()  # kindergarten

    links = {(g.student.sourced_id, g.sourced_id): g for g in GuardianLink.objects.filter(student__district=district)}
    assert set(links) == {("stu-1", "par-1"), ("stu-2", "gua-2")}
    maria = links[("stu-1", "par-1")]
    assert (maria.name, maria.email, maria.relationship, maria.can_sign_consent) == (
        "Maria Lopez", "maria.lopez@example.com", "parent", True
    )
    assert links[("stu-2", "gua-2")].relationship == "guardian"

    staff = {u.sourced_id: u for u in User.objects.filter(rostered_district=district)}
    assert set(staff) == {"tea-1", "cou-1", "adm-1"}
    terry = staff["tea-1"]
    assert (terry.first_name, terry.email, terry.sis_role, terry.is_active) == (
        "Terry", "terry.teach@maple.example.org", "teacher", True
    )
    assert not terry.has_usable_password()
    assert not terry.memberships.exists()  # an account, no Trellis role until someone gives one

    record = RosterImport.objects.get(district=district)
    assert (record.status, record.version, record.mode) == (RosterImport.Status.DONE, "1.1", "bulk")
    event = AuditEvent.objects.get(action="roster.imported", district=district)
    assert event.data["file"] == "roster.zip"
    assert event.data["counts"]["students"]["new"] == 2


def test_reimporting_the_same_file_changes_nothing(district, tmp_path):
    run(tmp_path, samples.sample_11())
    before = snapshot(district)
    out, _ = run(tmp_path, samples.sample_11())
    assert snapshot(district) == before
    assert "students: 0 new, 0 updated, 0 deactivated, 2 unchanged" in out
    assert "guardian links: 0 new, 0 updated, 0 deactivated, 2 unchanged" in out
    assert "district staff: 0 new, 0 updated, 0 deactivated, 3 unchanged" in out
    assert "schools: 0 new, 0 updated, 0 deactivated, 3 unchanged" in out


def test_version_1_2_reads_roles_preferred_names_and_pronouns(district, tmp_path):
    out, _ = run(tmp_path, samples.sample_12())
    ava = Student.objects.get(district=district, sourced_id="stu-1")
    assert (ava.preferred_name, ava.pronouns, ava.full_name) == ("Avi", "they/them", "Avi Lopez")
    assert ava.school.sourced_id == "org-alder"
    assert GuardianLink.objects.get(sourced_id="par-1").name == "Mari Lopez"
    assert User.objects.get(sourced_id="cou-1").sis_role == "counselor"
    assert RosterImport.objects.get().version == "1.2"
    # The same people as 1.1 except the new 1.2 fields: importing the 1.1 file updates only those.
    out, _ = run(tmp_path, samples.sample_11())
    assert "students: 0 new, 1 updated" in out


def test_bulk_deactivates_what_the_snapshot_no_longer_lists_and_keeps_history(district, tmp_path):
    run(tmp_path, samples.sample_11())
    fewer = [r for r in samples.USERS_11 if r[0] not in ("stu-2", "stu-3", "gua-2", "tea-1")]
    orgs = [r for r in samples.ORGS if r[0] != "org-elm"]
    out, _ = run(tmp_path, samples.sample_11(users=fewer, orgs=orgs))

    ben = Student.objects.get(sourced_id="stu-2")  # kept, never deleted
    assert not ben.is_active
    sam = GuardianLink.objects.get(sourced_id="gua-2")
    assert (sam.is_active, sam.can_sign_consent) == (False, False)
    assert not User.objects.get(sourced_id="tea-1").is_active
    assert not School.objects.get(sourced_id="org-elm").is_active
    assert Student.objects.get(sourced_id="stu-1").is_active
    assert "students: 0 new, 0 updated, 1 deactivated, 1 unchanged" in out
    # Back in the next snapshot: active again.
    out, _ = run(tmp_path, samples.sample_11())
    assert Student.objects.get(sourced_id="stu-2").is_active
    assert GuardianLink.objects.get(sourced_id="gua-2").can_sign_consent
    assert User.objects.get(sourced_id="tea-1").is_active


def test_bulk_never_deactivates_a_district_administrator(district, tmp_path):
    run(tmp_path, samples.sample_11())
    admin = User.objects.get(sourced_id="adm-1")
    f.MembershipFactory(user=admin, district=district, role="district_admin")
    out, err = run(tmp_path, samples.sample_11(users=[r for r in samples.USERS_11 if r[0] != "adm-1"]))
    assert User.objects.get(pk=admin.pk).is_active
    assert "kept active: they administer the district" in err


def test_delta_changes_only_what_it_lists_and_tobedeleted_deactivates(district, tmp_path):
    run(tmp_path, samples.sample_12())
    users, roles = samples.users_12()
    header = users[0]
    ava = dict(zip(header, next(r for r in users if r[0] == "stu-1"), strict=True))
    ben = dict(zip(header, next(r for r in users if r[0] == "stu-2"), strict=True))
    ava.update(status="tobedeleted", dateLastModified="2026-01-10T08:00:00Z")
    ben.update(status="active", dateLastModified="2026-01-10T08:00:00Z", familyName="Kim-Park", grades="08")
    delta = samples.make_zip(
        {"users": [header, list(ava.values()), list(ben.values())]}, version="1.2", modes={"users": "delta"}
    )
    out, _ = run(tmp_path, delta)

    assert not Student.objects.get(sourced_id="stu-1").is_active
    ben_row = Student.objects.get(sourced_id="stu-2")
    assert (ben_row.last_name, ben_row.grade, ben_row.is_active) == ("Kim-Park", 8, True)
    assert ben_row.school.sourced_id == "org-cedar"  # the role from the earlier file still holds
    assert User.objects.get(sourced_id="tea-1").is_active  # not in the delta: untouched
    assert GuardianLink.objects.get(sourced_id="gua-2").is_active
    assert "students: 0 new, 1 updated, 1 deactivated, 0 unchanged" in out


def test_a_refused_file_writes_nothing_and_names_file_line_and_column(district, tmp_path):
    run(tmp_path, samples.sample_11())
    before = snapshot(district)
    events = AuditEvent.objects.count()
    users = [list(r) for r in samples.USERS_11]
    users[1][9] = "Lopez-Reyes"  # a change that must not be written either
    users[2][4] = "org-nowhere"  # line 3: unknown org
    users.append(list(users[6]))  # line 10: duplicate sourcedId tea-1
    users.append(["stu-9", "", "", "true", "org-district", "student", "zed", "", "Zed", "Ng", "", "100009", "", "",
                  "", "", "10", "", ""])  # line 11: a student with no school above the district org
    with pytest.raises(Refused, match="Refused, nothing written: 3 unusable rows") as refusal:
        run(tmp_path, samples.sample_11(users=users))
    err = refusal.value.stderr
    assert "users.csv line 3, column orgSourcedIds: no org with sourcedId 'org-nowhere'" in err
    assert "users.csv line 10, column sourcedId: duplicate sourcedId 'tea-1' (also on line 7)" in err
    assert "users.csv line 11, column orgSourcedIds: no school above org 'org-district'" in err
    assert snapshot(district) == before
    assert AuditEvent.objects.count() == events
    assert RosterImport.objects.latest("pk").status == RosterImport.Status.REFUSED


def test_a_1_2_role_with_an_unknown_org_and_a_student_without_birth_date_are_refused(district, tmp_path):
    users, roles = samples.users_12()
    roles[3][8] = "org-gone"  # the role on line 4
    users.append(["stu-7", "", "", "true", "newkid", "", "New", "Kid", "", "100007", "", "", "", "", "10", "", "",
                  "", "", "", "", "org-alder", ""])
    roles.append(["role-stu-7", "", "", "stu-7", "primary", "student", "", "", "org-alder", ""])
    with pytest.raises(Refused) as refusal:
        run(tmp_path, samples.sample_12(users=users, roles=roles))
    assert "roles.csv line 4, column orgSourcedId: no org with sourcedId 'org-gone'" in refusal.value.stderr
    assert "users.csv line 10, column sourcedId: no birthDate in demographics.csv" in refusal.value.stderr
    assert not Student.objects.filter(district=district).exists()


def test_a_missing_required_column_refuses_even_with_skip_invalid(district, tmp_path):
    users = [[c for i, c in enumerate(r) if i != 8] for r in samples.USERS_11]  # no givenName column
    with pytest.raises(Refused) as refusal:
        run(tmp_path, samples.sample_11(users=users), "--skip-invalid")
    assert "users.csv line 1, column givenName: required column is missing from the header" in refusal.value.stderr
    assert not Student.objects.filter(district=district).exists()


def test_skip_invalid_imports_the_rest_and_says_what_it_left_out(district, tmp_path):
    users = [list(r) for r in samples.USERS_11]
    users[2][4] = "org-nowhere"  # Ben
    out, err = run(tmp_path, samples.sample_11(users=users), "--skip-invalid")
    assert "(1 refused rows left out)" in out
    assert "users.csv line 3, column orgSourcedIds" in err
    assert Student.objects.filter(district=district, sourced_id="stu-1").exists()
    assert not Student.objects.filter(district=district, sourced_id="stu-2").exists()
    assert RosterImport.objects.get().skip_invalid


def test_dry_run_counts_and_writes_nothing(district, tmp_path):
    out, _ = run(tmp_path, samples.sample_11(), "--dry-run")
    assert out.startswith("Dry run, nothing written: schools: 3 new")
    assert not School.objects.filter(district=district).exists()
    assert not RosterImport.objects.exists()


def test_not_a_zip_or_no_manifest_is_refused(district, tmp_path):
    with pytest.raises(Refused) as refusal:
        run(tmp_path, b"sourcedId,name\n")
    assert "(the upload): not a ZIP file" in refusal.value.stderr
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("users.csv", "sourcedId\n")
    with pytest.raises(Refused) as refusal:
        run(tmp_path, buffer.getvalue())
    assert "manifest.csv: the ZIP has no manifest.csv" in refusal.value.stderr
    assert not RosterImport.objects.filter(status=RosterImport.Status.DONE).exists()


def test_a_district_that_already_has_schools_and_students_adopts_them(personas, tmp_path):
    """The first import into a running district keys its rows instead of duplicating them."""
    district = personas.district
    ava = personas.student_a
    users = [list(r) for r in samples.USERS_11]
    users[1][11] = ava.student_number
    run(tmp_path, samples.sample_11(users=users), slug=district.slug)
    personas.school_a.refresh_from_db()
    assert personas.school_a.sourced_id == "org-alder"  # same name: the same school
    ava.refresh_from_db()
    assert (ava.sourced_id, ava.first_name) == ("stu-1", "Ava")
    assert ava.user == personas.student_a_user  # the account and its history stay
    assert Student.objects.filter(district=district, student_number=ava.student_number).count() == 1
    assert personas.student_b.__class__.objects.get(pk=personas.student_b.pk).is_active  # never rostered: untouched


def test_cell_values_tolerate_the_shapes_real_exports_use():
    assert parse_date("2023-05-01") == dt.date(2023, 5, 1)
    assert parse_date("2023-05-01T18:25:43.511Z") == dt.date(2023, 5, 1)
    assert parse_date("1/05/2023") == dt.date(2023, 1, 5)
    assert parse_bool("TRUE", default=False) and parse_bool("true", default=False)
    assert not parse_bool("False", default=True) and parse_bool("", default=True)
    assert split_multi("{LDAP:12},{Fed:23}") == ["{LDAP:12}", "{Fed:23}"]
    assert split_multi("a, b,,c") == ["a", "b", "c"]
    with pytest.raises(ValueError):
        parse_bool("maybe", default=False)
