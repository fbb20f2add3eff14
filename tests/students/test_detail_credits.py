"""The student record shows credits earned from approved hours under the district's rule."""

from decimal import Decimal

from django.urls import reverse

from tests import factories as f
from trellis.hours.models import HourLog


def test_coordinator_sees_credits_on_student_record(client, personas):
    for hours in ("8.00", "8.00", "8.00", "8.00", "8.00", "8.00", "8.00", "6.00"):
        f.HourLogFactory(placement=personas.placement_a, hours=Decimal(hours), status=HourLog.Status.APPROVED)
    # Submitted hours do not count towards credit.
    f.HourLogFactory(placement=personas.placement_a, hours=Decimal("4.00"))
    client.force_login(personas.coordinator_a)
    response = client.get(reverse("students:detail", args=[personas.student_a.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    # 62 approved hours at 120 h per credit in steps of 0.5 (60 h) = 0.5 credit.
    assert "Credit from work-based learning" in page
    assert "<dt>Approved hours</dt><dd>62 h</dd>" in page
    assert "<dt>Credits earned</dt><dd>0.50</dd>" in page


def test_mentor_does_not_see_credit_block(client, personas):
    client.force_login(personas.mentor_p)
    response = client.get(reverse("students:detail", args=[personas.student_a.pk]))
    assert response.status_code == 200
    assert "Credit from work-based learning" not in response.content.decode()
