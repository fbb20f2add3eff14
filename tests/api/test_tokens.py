"""API tokens: stored hashed, expiring, revocable, every use audited by name, rate-limited,
acting with the creator's role narrowed to the token's scopes."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tests.api.helpers import client_for, make_token
from trellis.accounts.permissions import can
from trellis.api import tokens
from trellis.api.models import ApiToken
from trellis.api.scopes import Scope
from trellis.api.services import revoke_api_token
from trellis.core.models import AuditEvent


def test_only_the_keys_hash_is_kept(personas):
    token, key = make_token(personas.district_admin)
    token.refresh_from_db()
    assert key.startswith("trl_") and len(key) > 40
    assert token.key_hash == tokens.hash_key(key) and key not in token.key_hash
    assert token.key_prefix == key[:12]
    assert not token.identity.has_usable_password()
    assert AuditEvent.objects.filter(action="api_token.created", target_id=str(token.pk)).exists()


def test_every_use_is_audited_with_the_tokens_name(personas):
    token, key = make_token(personas.district_admin, name="Nightly warehouse load")
    response = client_for(key).get(reverse("api:student-list"))
    assert response.status_code == 200
    event = AuditEvent.objects.get(action="api.request")
    assert event.actor_label == "API token “Nightly warehouse load”"
    assert event.actor == token.identity and event.district == personas.district
    assert event.data["path"] == "/api/v1/students/" and event.data["status"] == 200
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_a_revoked_or_expired_key_gets_401(personas):
    token, key = make_token(personas.district_admin)
    client = client_for(key)
    assert client.get(reverse("api:district-list")).status_code == 200
    revoke_api_token(token=token, actor=personas.district_admin)
    response = client.get(reverse("api:district-list"))
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    other, other_key = make_token(personas.district_admin, name="Payroll")
    ApiToken.objects.filter(pk=other.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    response = client_for(other_key).get(reverse("api:district-list"))
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_only_its_owners_revoke_a_token(personas):
    token, _ = make_token(personas.district_admin)
    with pytest.raises(PermissionDenied):
        revoke_api_token(token=token, actor=personas.coordinator_district)


def test_making_a_token_refuses_bad_input(personas):
    with pytest.raises(ValidationError, match="at least one scope"):
        make_token(personas.district_admin, scopes=[])
    with pytest.raises(ValidationError, match="write:opportunities"):
        make_token(personas.district_admin, scopes=[Scope.WRITE_OPPORTUNITIES])
    with pytest.raises(ValidationError, match="at most a year"):
        make_token(personas.district_admin, days=400)
    with pytest.raises(PermissionDenied):
        make_token(personas.coordinator_district, district=personas.district)
    # A district administrator holds no partner role: a partner's token is its administrators'.
    with pytest.raises(ValidationError, match="you hold none"):
        make_token(personas.district_admin, partner=personas.partner_p)


def test_the_identity_holds_the_creators_role_narrowed_to_the_scopes(personas):
    token, _ = make_token(personas.district_admin, scopes=[Scope.READ_PLACEMENTS])
    identity = tokens.identity_for(token)
    assert can(identity, "placement.read_withdrawal_note", personas.placement_a)
    # The district administrator may manage placements; this token's scopes do not open it.
    assert can(personas.district_admin, "placement.manage", personas.placement_a)
    assert not can(identity, "placement.manage", personas.placement_a)
    assert not can(identity, "placement.read_withdrawal_note", personas.other_placement)


def test_a_token_loses_its_role_when_its_creator_does(personas):
    token, key = make_token(personas.district_admin)
    personas.district_admin.memberships.all().delete()
    response = client_for(key).get(reverse("api:student-list"))
    assert response.status_code == 200 and response.json()["results"] == []


def test_over_the_rate_a_token_gets_429_with_retry_after(personas, settings):
    cache.clear()
    settings.API_TOKEN_RATE = "3/minute"
    _, key = make_token(personas.district_admin)
    _, other_key = make_token(personas.district_admin, name="Other")
    client = client_for(key)
    for _ in range(3):
        assert client.get(reverse("api:district-list")).status_code == 200
    response = client.get(reverse("api:district-list"))
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert 0 < int(response["Retry-After"]) <= 60
    # The limit is per token: another token of the same district is not held up.
    assert client_for(other_key).get(reverse("api:district-list")).status_code == 200
    cache.clear()


def test_updated_since_gives_the_rows_changed_since(personas):
    _, key = make_token(personas.district_admin, scopes=[Scope.READ_STUDENTS])
    client = client_for(key)
    before = timezone.now()
    personas.student_a.grade = 11
    personas.student_a.save(update_fields=["grade"])
    rows = client.get(reverse("api:student-list"), {"updated_since": before.isoformat()}).json()["results"]
    assert [r["id"] for r in rows] == [personas.student_a.pk]
    bad = client.get(reverse("api:student-list"), {"updated_since": "last tuesday"})
    assert bad.status_code == 400
    assert "updated_since" in bad.json()["errors"]


def test_cursor_pages_walk_every_row_once(personas):
    from tests import factories as f

    for _ in range(7):
        f.StudentFactory(school=personas.school_a)
    _, key = make_token(personas.district_admin, scopes=[Scope.READ_STUDENTS])
    client = client_for(key)
    seen, url = [], reverse("api:student-list") + "?page_size=3"
    while url:
        body = client.get(url).json()
        seen += [r["id"] for r in body["results"]]
        url = body["next"]
    assert seen == sorted(seen) and len(seen) == len(set(seen)) == 9
