"""Importing by URL (a local HTTP server) and from the command line."""

import http.server
import threading
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.districts.helpers import FIXTURE, add_standard_mappings, fixture_bytes, school_year
from trellis.districts.ics import CalendarImportError, fetch_ics
from trellis.districts.models import CalendarDay, CalendarSource


class _Handler(http.server.BaseHTTPRequestHandler):
    routes: dict = {}

    def do_GET(self):
        status, body = self.routes.get(self.path, (404, b"not found"))
        self.send_response(status)
        self.send_header("Content-Type", "text/calendar")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def ics_server(settings):
    """Serve the fixture on 127.0.0.1; local addresses are allowed only for this test."""
    settings.TRELLIS_CALENDAR_FETCH_ALLOW_PRIVATE = True
    _Handler.routes = {
        "/calendar.ics": (200, fixture_bytes()),
        "/huge.ics": (200, b"BEGIN:VCALENDAR\r\n" + b"X" * 2048),
        "/broken.ics": (200, b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\n"),
    }
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_fetch_reads_the_calendar_over_http(ics_server):
    assert fetch_ics(f"{ics_server}/calendar.ics") == fixture_bytes()


def test_fetch_refuses_a_file_larger_than_the_cap(ics_server):
    with pytest.raises(CalendarImportError, match="larger than"):
        fetch_ics(f"{ics_server}/huge.ics", max_bytes=1024)


def test_fetch_reports_an_http_error(ics_server):
    with pytest.raises(CalendarImportError, match="404"):
        fetch_ics(f"{ics_server}/missing.ics")


def test_fetch_refuses_private_addresses_by_default(ics_server, settings):
    settings.TRELLIS_CALENDAR_FETCH_ALLOW_PRIVATE = False
    with pytest.raises(CalendarImportError, match="private or local"):
        fetch_ics(f"{ics_server}/calendar.ics")


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/x.ics", "gopher://x"])
def test_fetch_refuses_other_schemes(url):
    with pytest.raises(CalendarImportError, match="Only http"):
        fetch_ics(url)


def test_command_imports_a_file(personas):
    school_year(personas.district)
    add_standard_mappings(personas.district)
    out = StringIO()
    call_command("import_calendar", "maple-valley", str(FIXTURE), stdout=out)
    assert "37 days added" in out.getvalue()
    assert "3 events matched no mapping" in out.getvalue()
    assert CalendarSource.objects.get().uploaded_name == FIXTURE.name


def test_command_imports_a_url_and_reimports_without_duplicates(personas, ics_server):
    add_standard_mappings(personas.district)
    call_command("import_calendar", "maple-valley", f"{ics_server}/calendar.ics", stdout=StringIO())
    count = CalendarDay.objects.count()
    out = StringIO()
    call_command("import_calendar", "maple-valley", f"{ics_server}/calendar.ics", stdout=out)
    assert CalendarDay.objects.count() == count == 37
    assert "37 unchanged" in out.getvalue()
    assert CalendarSource.objects.get().url == f"{ics_server}/calendar.ics"


def test_command_refuses_a_broken_calendar_and_writes_nothing(personas, ics_server):
    add_standard_mappings(personas.district)
    with pytest.raises(CommandError, match="not imported"):
        call_command(
            "import_calendar", "maple-valley", f"{ics_server}/broken.ics", stdout=StringIO()
        )
    assert not CalendarDay.objects.exists() and not CalendarSource.objects.exists()


def test_command_refuses_an_unknown_district_or_file(personas, tmp_path):
    with pytest.raises(CommandError, match="No district"):
        call_command("import_calendar", "nowhere", str(FIXTURE))
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_calendar", "maple-valley", str(tmp_path / "missing.ics"))
