"""Making and revoking API tokens, and keeping webhook subscriptions; each step audited."""

import datetime as dt
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from trellis.accounts.models import User
from trellis.accounts.permissions import require
from trellis.api import tokens
from trellis.api.models import ApiToken, WebhookEvent, WebhookSubscription
from trellis.api.scopes import DISTRICT_SCOPES, PARTNER_SCOPES
from trellis.core.audit import AuditAction
from trellis.core.models import AuditEvent
from trellis.core.outbound import UnsafeAddress, refuse_private_address

MAX_LIFETIME_DAYS = 366


@transaction.atomic
def create_api_token(*, actor, name, scopes, expires_on: dt.date, district=None, partner=None):
    """A new token for the district (district administrators) or one partner (its
    administrators). Returns (token, key): the key is shown once and never stored."""
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the system that will use this token."})
    if partner is not None:
        require(actor, "api_token.manage", partner, refusal="Only the partner's administrators make its tokens.")
        district = partner.district
        allowed = PARTNER_SCOPES
    else:
        require(actor, "api_token.manage", district, refusal="Only district administrators make district tokens.")
        allowed = DISTRICT_SCOPES
    if not any(
        tokens.lends_role(m, district_id=district.pk, partner_id=partner.pk if partner else None)
        for m in actor.get_memberships()
    ):
        # A token acts with its creator's own role: a partner's token needs a partner administrator.
        raise ValidationError("A token acts with your own role, and you hold none for it here.")
    scopes = sorted(set(scopes or []))
    if not scopes:
        raise ValidationError({"scopes": "Choose at least one scope."})
    wrong = [s for s in scopes if s not in allowed]
    if wrong:
        raise ValidationError({"scopes": f"Not available for this token: {', '.join(wrong)}."})
    today = timezone.localdate()
    if expires_on <= today:
        raise ValidationError({"expires_on": "The expiry date must be in the future."})
    if expires_on > today + dt.timedelta(days=MAX_LIFETIME_DAYS):
        raise ValidationError({"expires_on": "A token lasts at most a year; make a new one then."})
    key = tokens.new_key()
    identity = User(
        username=f"api-token-{secrets.token_hex(8)}",
        first_name=f"API token “{name}”"[:150],
        is_active=True,
    )
    identity.set_unusable_password()
    identity.save()
    expires_at = timezone.make_aware(dt.datetime.combine(expires_on, dt.time.max))
    token = ApiToken.objects.create(
        district=district, partner=partner, name=name, scopes=scopes,
        key_prefix=key[:12], key_hash=tokens.hash_key(key), identity=identity,
        created_by=actor, expires_at=expires_at,
    )
    AuditEvent.record(
        actor=actor, action=AuditAction.API_TOKEN_CREATED, target=token, district=district,
        data={"scopes": scopes, "expires_at": expires_at.isoformat(), "partner": partner.pk if partner else None},
    )
    return token, key


@transaction.atomic
def revoke_api_token(*, token, actor):
    """Stop a token at once; its requests get 401 from now on."""
    require(actor, "api_token.manage", token, refusal="Only the administrators who own this token revoke it.")
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
        identity = token.identity
        identity.is_active = False
        identity.save(update_fields=["is_active"])
        AuditEvent.record(actor=actor, action=AuditAction.API_TOKEN_REVOKED, target=token, district=token.district)
    return token


def _clean_events(events):
    events = sorted(set(events or []))
    if not events:
        raise ValidationError({"events": "Choose at least one event."})
    wrong = [e for e in events if e not in WebhookEvent.values]
    if wrong:
        raise ValidationError({"events": f"Unknown events: {', '.join(wrong)}."})
    return events


@transaction.atomic
def create_webhook_subscription(*, actor, district, name, url, events):
    """Subscribe a district system's address; refused for private, loopback and non-http ones."""
    require(actor, "webhook.manage", district, refusal="Only district administrators add webhooks.")
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Name the system that receives these events."})
    try:
        refuse_private_address(url, purpose="webhooks are sent to the internet only")
    except UnsafeAddress as exc:
        raise ValidationError({"url": str(exc)}) from None
    subscription = WebhookSubscription.objects.create(
        district=district, name=name, url=url.strip(), events=_clean_events(events),
        secret=secrets.token_hex(32), created_by=actor,
    )
    AuditEvent.record(
        actor=actor, action=AuditAction.WEBHOOK_CREATED, target=subscription, district=district,
        data={"url": subscription.url, "events": subscription.events},
    )
    return subscription


@transaction.atomic
def set_webhook_active(*, subscription, actor, active: bool):
    """Pause or resume a subscription; paused ones get no new deliveries."""
    require(actor, "webhook.manage", subscription, refusal="Only district administrators change webhooks.")
    if subscription.is_active != active:
        subscription.is_active = active
        subscription.save(update_fields=["is_active"])
        AuditEvent.record(
            actor=actor, action=AuditAction.WEBHOOK_RESUMED if active else AuditAction.WEBHOOK_PAUSED,
            target=subscription, district=subscription.district,
        )
    return subscription


@transaction.atomic
def delete_webhook_subscription(*, subscription, actor):
    require(actor, "webhook.manage", subscription, refusal="Only district administrators remove webhooks.")
    AuditEvent.record(
        actor=actor, action=AuditAction.WEBHOOK_DELETED, target=subscription, district=subscription.district,
        data={"url": subscription.url},
    )
    subscription.delete()
