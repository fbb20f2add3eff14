"""E-mailed links follow the address the app is served on: the demo's chosen port, or SITE_URL."""

import datetime as dt
import os
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from tests.hours.hours_helpers import MONDAY, current, log
from tests.placements.lifecycle_support import confirmed_placement
from trellis.demo.management.commands import runserver_with_worker as command
from trellis.hours import services as hour_services


@pytest.mark.parametrize(
    ("addrport", "site"),
    [
        ("127.0.0.1:8611", "http://127.0.0.1:8611"),
        ("8611", "http://127.0.0.1:8611"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("localhost:8100", "http://localhost:8100"),
        ("[::1]:8200", "http://[::1]:8200"),
    ],
)
def test_served_site_url_is_an_address_a_browser_can_open(addrport, site):
    assert command.served_site_url(addrport) == site


@pytest.fixture
def demo_on_port_8611(monkeypatch):
    """Start the demo server command on port 8611 with SITE_URL unset (server and worker faked)."""
    monkeypatch.setenv("SITE_URL", "")  # undone after the test, whatever the command sets
    started = {}

    class Worker:
        def __init__(self, args, **kwargs):
            started["worker_env"] = dict(os.environ)

        def terminate(self):
            pass

        def wait(self, timeout=None):
            pass

    def runserver(name, addrport, **kwargs):
        started["served"] = addrport

    monkeypatch.setattr(command.subprocess, "Popen", Worker)
    monkeypatch.setattr(command, "call_command", runserver)
    monkeypatch.setattr(command.signal, "signal", lambda *a: None)
    with override_settings(SITE_URL="http://127.0.0.1:8000"):
        call_command("runserver_with_worker", "127.0.0.1:8611", "--idp-port", "0")  # SSO: tests/signin
        yield started


def test_demo_on_a_chosen_port_emails_approval_links_to_that_port(
    demo_on_port_8611, personas, django_capture_on_commit_callbacks
):
    assert demo_on_port_8611["served"] == "127.0.0.1:8611"
    # The worker process (which sends the e-mails) is told the same address.
    assert demo_on_port_8611["worker_env"]["SITE_URL"] == "http://127.0.0.1:8611"
    current(personas.placement_a)
    logs = [log(personas.placement_a, day=MONDAY + dt.timedelta(days=1))]
    with django_capture_on_commit_callbacks(execute=True):
        link = hour_services.send_approval_request(mentor=personas.mentor_p_record, logs=logs)
    [message] = mail.outbox
    assert f"http://127.0.0.1:8611/hours/approve/{link.token}/" in message.body
    assert "127.0.0.1:8000" not in message.body


def test_demo_on_a_chosen_port_emails_signing_links_to_that_port(
    demo_on_port_8611, personas, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        confirmed_placement(personas)
    signing = [m for m in mail.outbox if "please sign for" in m.subject]
    assert signing
    for message in signing:
        links = re.findall(r"https?://[^\s/]+/lifecycle/sign/", message.body)
        assert links and set(links) == {"http://127.0.0.1:8611/lifecycle/sign/"}
    # Every other e-mail (the in-app notices) links to the same address.
    for message in mail.outbox:
        assert "127.0.0.1:8000" not in message.body


def test_a_set_site_url_wins_over_the_served_address(monkeypatch):
    monkeypatch.setenv("SITE_URL", "https://wbl.example.org")
    with override_settings(SITE_URL="https://wbl.example.org"):
        assert command.follow_served_address("127.0.0.1:8611") == "https://wbl.example.org"
        assert settings.SITE_URL == "https://wbl.example.org"


@override_settings(SITE_URL="https://wbl.example.org")
def test_production_signing_links_use_site_url(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        confirmed_placement(personas)
    signing = [m for m in mail.outbox if "please sign for" in m.subject]
    assert signing and all("https://wbl.example.org/lifecycle/sign/" in m.body for m in signing)
