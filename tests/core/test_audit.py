"""The audit trail's vocabulary: record() takes AuditAction members only, stored as the same strings."""

import pytest

from trellis.core.audit import AuditAction
from trellis.core.models import AuditEvent


@pytest.mark.django_db
def test_record_stores_the_members_string_value(personas):
    event = AuditEvent.record(
        actor=personas.coordinator_district,
        action=AuditAction.PLACEMENT_CONFIRMED,
        target=personas.placement_a,
    )
    event.refresh_from_db()
    assert event.action == "placement.confirmed"
    assert AuditEvent.objects.filter(action="placement.confirmed", pk=event.pk).exists()


@pytest.mark.django_db
def test_record_refuses_a_free_form_string_and_writes_nothing(personas):
    before = AuditEvent.objects.count()
    with pytest.raises(TypeError, match=r"AuditAction member, not 'placement.confirmed'"):
        AuditEvent.record(
            actor=personas.coordinator_district,
            action="placement.confirmed",
            target=personas.placement_a,
        )
    assert AuditEvent.objects.count() == before


def test_actions_are_noun_dot_verb_and_unique():
    values = [a.value for a in AuditAction]
    assert len(values) == len(set(values))
    for value in values:
        noun, _, verb = value.partition(".")
        assert noun and verb and value == value.lower(), value
