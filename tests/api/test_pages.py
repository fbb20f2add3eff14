"""The API tokens page: district and partner administrators make tokens (the key shown
once) and revoke them; nobody else finds the page. The schema and the docs page."""

import re

from django.urls import reverse
from django.utils import timezone

from tests.api.helpers import client_for
from trellis.api import tokens
from trellis.api.models import ApiToken


def _make(client, **fields):
    data = {"name": "HR system", "scopes": ["read:placements", "write:hours"],
            "expires_on": (timezone.localdate() + timezone.timedelta(days=30)).isoformat(), **fields}
    return client.post(reverse("integrations:tokens"), data)


def test_a_partner_admin_makes_a_token_and_sees_the_key_once(client, personas):
    client.force_login(personas.partner_admin_p)
    page = client.get(reverse("integrations:tokens"))
    assert page.status_code == 200
    response = _make(client, owner=f"partner:{personas.partner_p.pk}")
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    key = re.search(r'value="(trl_[^"]+)"', response.content.decode())[1]
    token = ApiToken.objects.get()
    assert token.partner == personas.partner_p and token.key_hash == tokens.hash_key(key)
    listing = client.get(reverse("integrations:tokens")).content.decode()
    assert "HR system" in listing and key not in listing and token.key_prefix in listing
    assert client_for(key).get(reverse("api:placement-list")).status_code == 200
    assert client.post(reverse("integrations:revoke_token", args=[token.pk])).status_code == 302
    assert client_for(key).get(reverse("api:placement-list")).status_code == 401


def test_a_district_admin_cannot_pick_partner_only_scopes_or_anothers_district(client, personas):
    client.force_login(personas.district_admin)
    response = _make(client, owner=f"district:{personas.district.pk}", scopes=["write:opportunities"])
    assert response.status_code == 200 and "Not for a district token" in response.content.decode()
    response = _make(client, owner=f"district:{personas.other_district.pk}")
    assert response.status_code == 200 and not ApiToken.objects.exists()


def test_others_do_not_find_the_tokens_page(client, personas):
    for user in (personas.coordinator_district, personas.mentor_p, personas.student_a_user):
        client.force_login(user)
        assert client.get(reverse("integrations:tokens")).status_code == 404
        assert client.get(reverse("integrations:webhooks")).status_code == 404


def test_the_schema_and_the_docs_page_serve_without_a_key(client, db):
    schema = client.get(reverse("api:schema"), {"format": "json"})
    assert schema.status_code == 200
    body = schema.json()
    assert body["openapi"].startswith("3.") and "/api/v1/placements/" in body["paths"]
    assert "apiToken" in body["components"]["securitySchemes"]
    docs = client.get(reverse("api:docs"))
    html = docs.content.decode()
    assert docs.status_code == 200
    # Under the site's CSP: no inline script or style, no outside origin.
    assert "<style" not in html and re.search(r"<script>(?!\s*</script>)", html) is None
    assert "https://" not in html and "/static/drf_spectacular_sidecar/" in html
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()
