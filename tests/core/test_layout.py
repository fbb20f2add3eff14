"""The shared layout: landmarks, skip link, role-aware navigation, CSP-safe markup, error pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.urls import reverse

from tests import factories as f


def test_layout_has_landmarks_skip_link_and_status_region(client, personas):
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("core:home")).content.decode()
    assert '<html lang="en">' in html
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main" tabindex="-1"' in html
    assert (
        "<header" in html
        and "<footer" in html
        and '<nav class="site-nav" aria-label="Main">' in html
    )
    assert 'role="status"' in html
    assert 'name="viewport"' in html


def test_layout_has_no_inline_script_or_style(client, personas):
    """The CSP allows scripts and styles from 'self' only."""
    client.force_login(personas.coordinator_a)
    for url in (reverse("core:home"), reverse("students:list"), reverse("accounts:login")):
        html = client.get(url).content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and " style=" not in html, url
        assert "unpkg" not in html and "cdn" not in html.lower(), url


def test_layout_loads_vendored_htmx_and_site_assets(client, personas):
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("core:home")).content.decode()
    assert "vendor/htmx.min.js" in html and "js/trellis.js" in html and "css/trellis.css" in html
    htmx = Path(finders.find("vendor/htmx.min.js")).read_text()
    assert htmx.startswith("/*! htmx 2.") and "Zero-Clause BSD" in htmx.splitlines()[0]
    assert finders.find("vendor/htmx.LICENSE.txt")
    js = Path(finders.find("js/trellis.js")).read_text()
    assert "X-CSRFToken" in js


def test_csp_header_is_strict(client, personas):
    client.force_login(personas.coordinator_a)
    csp = client.get(reverse("core:home"))["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp


@pytest.mark.parametrize(
    ("persona", "expected", "absent"),
    [
        ("coordinator_a", ["Home", "Students", "Partners", "Opportunities", "Placements"], []),
        ("partner_admin_p", ["Home", "Our organisation", "Approve hours"], ["Students", "Our opportunities"]),
        ("mentor_p", ["Home", "My interns", "Approve hours"], ["Students", "Partners"]),
        ("student_a_user", ["Home", "My placements", "Opportunities"], ["My learning", "Partners"]),
        ("guardian_a", ["Home", "Opportunities"], ["Students", "Partners", "My children"]),
    ],
)
def test_navigation_links_follow_roles(client, personas, persona, expected, absent):
    client.force_login(getattr(personas, persona))
    items = client.get(reverse("core:home")).context["nav_items"]
    labels = [item["label"] for item in items]
    for label in expected:
        assert label in labels
    for label in absent:
        assert label not in labels
    # One way around: each page once, one home, and few enough links for a phone's menu.
    assert len(labels) == len(set(labels)) and labels.count("Home") == 1
    assert len({item["url"] for item in items}) == len(items) and len(items) <= 10


def test_coordinators_placements_link_is_the_board_and_counselors_the_list(client, personas):
    client.force_login(personas.coordinator_a)
    nav = {i["label"]: i["url"] for i in client.get(reverse("core:home")).context["nav_items"]}
    assert nav["Placements"] == reverse("lifecycle:board") and "Placement board" not in nav
    client.force_login(personas.counselor_a)
    nav = {i["label"]: i["url"] for i in client.get(reverse("core:home")).context["nav_items"]}
    assert nav["Placements"] == reverse("placements:list")


def test_current_page_is_marked_in_navigation(client, personas):
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("students:list")).content.decode()
    assert f'<a href="{reverse("students:list")}" aria-current="page">Students</a>' in html


def test_logout_is_a_post_form_in_the_header(client, personas):
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("core:home")).content.decode()
    assert f'<form method="post" action="{reverse("accounts:logout")}"' in html


def test_admin_link_only_for_staff_users(client, personas):
    client.force_login(personas.coordinator_a)
    assert reverse("admin:index") not in client.get(reverse("core:home")).content.decode()
    admin_user = f.UserFactory(username="staffer", is_staff=True)
    client.force_login(admin_user)
    assert reverse("admin:index") in client.get(reverse("core:home")).content.decode()


def test_unknown_page_uses_the_404_template(client, personas, settings):
    settings.DEBUG = False
    client.force_login(personas.coordinator_a)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert 'lang="en"' in response.content.decode()


def test_error_templates_render_without_request_context():
    """500.html must render with an empty context (Django's server_error does exactly that)."""
    for name, heading in (
        ("500.html", "Something went wrong"),
        ("404.html", "Page not found"),
        ("403.html", "Not allowed"),
    ):
        html = render_to_string(name)
        assert heading in html and '<main id="main"' in html


def test_stylesheet_has_visible_focus_and_narrow_screen_rules():
    css = (Path(settings.BASE_DIR) / "src/trellis/static/css/trellis.css").read_text()
    assert ":focus-visible" in css and "outline: 3px solid" in css
    assert "@media (max-width: 40rem)" in css
