"""The nightly pull from a OneRoster 1.2 REST service: same engine as a file, paging, credentials,
refusals, the connection page, "Pull now", and the scheduler's command."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from tests import factories as f
from tests.rostering import samples
from tests.rostering.oneroster_service import CLIENT_ID, CLIENT_SECRET, OneRosterService
from tests.rostering.test_import import run, snapshot
from trellis.core import stored_secrets
from trellis.core.models import AuditEvent
from trellis.rostering import pull
from trellis.rostering.models import RosterImport, RosterSource
from trellis.students.models import GuardianLink, Student

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    settings.TRELLIS_ROSTER_PULL_ALLOW_PRIVATE = True  # the test service answers on 127.0.0.1


@pytest.fixture
def service():
    with OneRosterService() as running:
        yield running


@pytest.fixture
def district():
    return f.DistrictFactory(name="Maple Valley Unified", slug="mvu")


def connect(district, service, *, secret=CLIENT_SECRET):
    return RosterSource.objects.create(
        district=district, base_url=service.base_url, token_url=service.token_url, client_id=CLIENT_ID,
        secret_ciphertext=stored_secrets.encrypt(secret),
    )


def test_a_pull_imports_what_the_same_roster_as_a_file_would(district, service, tmp_path, monkeypatch):
    monkeypatch.setattr(pull, "PAGE_SIZE", 2)  # page through every collection
    source = connect(district, service)

    roster_import = pull.pull_roster(source)

    assert roster_import.status == RosterImport.Status.DONE, roster_import.problems
    assert roster_import.origin == RosterImport.Origin.PULL and roster_import.version == "1.2"
    ava = Student.objects.get(district=district, sourced_id="stu-1")
    assert (ava.preferred_name, ava.pronouns, ava.school.sourced_id) == ("Avi", "they/them", "org-alder")
    assert GuardianLink.objects.get(sourced_id="par-1").student == ava
    assert any("users?limit=2&offset=6" in path for path in service.requests)  # four pages of users
    source.refresh_from_db()
    assert (source.last_import, source.last_error) == (roster_import, "")
    # The CSV export of the same people finds nothing to change: the pull wrote what the file says.
    before = snapshot(district)
    out, _ = run(tmp_path, samples.sample_12())
    assert "students: 0 new, 0 updated, 0 deactivated" in out
    assert snapshot(district) == before


def test_the_next_pull_deactivates_who_the_service_no_longer_lists_or_marks_for_deletion(district, service):
    source = connect(district, service)
    pull.pull_roster(source)
    # Ben (and so his guardian's link) left the district; Ava's parent is marked for deletion.
    users = {u["sourcedId"]: u for u in service.records["users"] if u["sourcedId"] not in ("stu-2", "gua-2")}
    users["par-1"]["status"] = "tobedeleted"
    users["stu-1"]["agents"] = []
    service.records["users"] = list(users.values())
    service.records["demographics"] = [d for d in service.records["demographics"] if d["sourcedId"] != "stu-2"]

    roster_import = pull.pull_roster(source)

    assert roster_import.status == RosterImport.Status.DONE, roster_import.problems
    assert not Student.objects.get(sourced_id="stu-2").is_active  # kept, with its history
    assert not GuardianLink.objects.get(sourced_id="par-1").is_active
    assert Student.objects.get(sourced_id="stu-1").is_active


def test_wrong_credentials_leave_a_failed_pull_in_the_history_and_write_nothing(district, service):
    source = connect(district, service, secret="not the secret")

    roster_import = pull.pull_roster(source)

    assert roster_import.status == RosterImport.Status.FAILED
    assert "refused the client credentials (401): Unknown client." in roster_import.error
    assert not Student.objects.filter(district=district).exists()
    source.refresh_from_db()
    assert source.last_error == roster_import.error
    event = AuditEvent.objects.get(action="roster.pull_failed", district=district)
    assert event.data["reason"] == roster_import.error


def test_a_service_without_demographics_is_refused_whole_because_students_need_birth_dates(district, service):
    del service.records["demographics"]
    roster_import = pull.pull_roster(connect(district, service))
    assert roster_import.status == RosterImport.Status.REFUSED
    assert any(problem[0] == "users.csv" and "birth" in problem[3] for problem in roster_import.problems)
    assert not Student.objects.filter(district=district).exists()
    assert "refused" in RosterSource.objects.get(district=district).last_error


def test_private_addresses_and_plain_http_are_refused_outside_demo_and_tests(district, service, settings):
    settings.TRELLIS_ROSTER_PULL_ALLOW_PRIVATE = False
    roster_import = pull.pull_roster(connect(district, service))
    assert roster_import.status == RosterImport.Status.FAILED
    assert "internet only" in roster_import.error
    assert service.requests == [] and service.tokens_issued == 0

    settings.TESTING = settings.DEMO = settings.DEBUG = False
    with pytest.raises(pull.PullError, match="not an https:// address"):
        pull.check_address("http://sis.example.org/ims/oneroster/rostering/v1p2")


def test_a_secret_in_an_environment_variable_is_never_stored(district, service, monkeypatch):
    monkeypatch.setenv("MAPLE_ONEROSTER_SECRET", CLIENT_SECRET)
    source = RosterSource.objects.create(
        district=district, base_url=service.base_url, token_url=service.token_url, client_id=CLIENT_ID,
        secret_env_var="MAPLE_ONEROSTER_SECRET",
    )
    assert pull.pull_roster(source).status == RosterImport.Status.DONE
    monkeypatch.delenv("MAPLE_ONEROSTER_SECRET")
    failed = pull.pull_roster(source)
    assert failed.status == RosterImport.Status.FAILED and "MAPLE_ONEROSTER_SECRET" in failed.error


def test_the_district_admin_connects_the_sis_and_the_secret_is_never_shown_again(client, personas, service):
    district = personas.district
    client.force_login(personas.district_admin)
    url = reverse("rostering:source", args=[district.slug])
    response = client.post(url, {"base_url": service.base_url, "token_url": service.token_url,
                                 "client_id": CLIENT_ID, "secret": CLIENT_SECRET, "is_enabled": "on"})
    assert response.status_code == 302
    source = RosterSource.objects.get(district=district)
    assert CLIENT_SECRET not in source.secret_ciphertext and source.client_secret() == CLIENT_SECRET
    page = client.get(url)
    assert CLIENT_SECRET not in page.text and "A client secret is saved" in page.text
    event = AuditEvent.objects.get(action="roster.source_saved", district=district)
    assert event.data["secret_changed"] is True and CLIENT_SECRET not in str(event.data)
    # Saving again without a secret keeps the saved one.
    client.post(url, {"base_url": service.base_url, "token_url": service.token_url, "client_id": CLIENT_ID})
    source.refresh_from_db()
    assert source.client_secret() == CLIENT_SECRET and not source.is_enabled


def test_the_connection_form_says_what_is_missing(client, personas, settings):
    settings.TRELLIS_ROSTER_PULL_ALLOW_PRIVATE = False
    client.force_login(personas.district_admin)
    response = client.post(reverse("rostering:source", args=[personas.district.slug]),
                           {"base_url": "http://127.0.0.1:9/ims", "token_url": "ftp://x", "client_id": "x"})
    assert response.status_code == 200
    form = response.context["form"]
    assert "Give the client secret" in form.errors["secret"][0]
    assert "internet only" in form.errors["base_url"][0]
    assert form.errors["token_url"]
    assert not RosterSource.objects.exists()


@pytest.mark.parametrize("persona", ["coordinator_district", "coordinator_a", "counselor_a", "partner_admin_p",
                                     "mentor_p", "student_a_user", "other_coordinator"])
def test_only_a_district_administrator_opens_the_connection_page(client, personas, persona):
    client.force_login(getattr(personas, persona))
    assert client.get(reverse("rostering:source", args=[personas.district.slug])).status_code == 404


def test_pull_now_imports_and_shows_in_the_history_for_district_wide_staff_only(client, personas, service):
    district = personas.district
    connect(district, service)
    for persona in ("coordinator_a", "mentor_p", "other_coordinator"):
        client.force_login(getattr(personas, persona))
        assert client.post(reverse("rostering:pull_now", args=[district.slug])).status_code == 404
    assert not RosterImport.objects.exists()

    client.force_login(personas.coordinator_district)
    response = client.post(reverse("rostering:pull_now", args=[district.slug]))
    assert response.status_code == 302
    roster_import = RosterImport.objects.get(district=district)
    assert roster_import.status == RosterImport.Status.DONE
    assert roster_import.confirmed_by == personas.coordinator_district
    history = client.get(reverse("rostering:imports", args=[district.slug]))
    assert roster_import.filename in history.text and "Pull now" in history.text
    assert "Connect the SIS" not in history.text and "Change the SIS connection" not in history.text


def test_the_nightly_command_pulls_every_enabled_connection_and_fails_loudly(district, service):
    connect(district, service)
    other = f.DistrictFactory(slug="oak")
    RosterSource.objects.create(district=other, base_url=service.base_url, token_url=service.token_url,
                                client_id=CLIENT_ID, secret_ciphertext=stored_secrets.encrypt("wrong"))
    off = f.DistrictFactory(slug="pine")
    RosterSource.objects.create(district=off, base_url=service.base_url, token_url=service.token_url,
                                client_id=CLIENT_ID, secret_ciphertext=stored_secrets.encrypt("x"), is_enabled=False)
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError, match="1 of 2 pulls did not import"):
        call_command("sync_oneroster", stdout=out, stderr=err)
    assert "mvu: imported (students: 2 new" in out.getvalue()
    assert "oak: failed: The token endpoint refused" in err.getvalue()
    assert not RosterImport.objects.filter(district=off).exists()

    out = io.StringIO()
    call_command("sync_oneroster", "--district", "mvu", stdout=out)
    assert "1 roster pull imported." in out.getvalue()
