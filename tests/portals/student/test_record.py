"""The experience record: every placement, approved hours, evaluations by criterion, reflections
and outcomes, as a printable page and a PDF download (audited), in constant queries."""

import datetime as dt
import os
from decimal import Decimal

import pytest

from tests import factories as f
from tests.portals.student.support import url
from trellis.core.models import AuditEvent
from trellis.placements.models import Outcome, Placement, RubricCriterion
from trellis.portals.student.record import (
    build_record,
    latin1,
    pdf_filename,
    render_pdf,
    unicode_font,
)

CRITERIA = [
    ("attendance", "Attendance", {"4": "Always on time"}),
    ("communication", "Communication", {}),
    ("teamwork", "Teamwork", {}),
    ("initiative", "Initiative", {}),
    ("quality", "Quality of work", {}),
]


@pytest.fixture
def rich_record(personas):
    """Student A: the active placement with hours, two evaluations, a reflection and a hire."""
    for order, (key, label, descriptors) in enumerate(CRITERIA):
        RubricCriterion.objects.create(
            district=personas.district,
            key=key,
            label=label,
            descriptors=descriptors,
            sort_order=order,
        )
    placement = personas.placement_a
    f.HourLogFactory(placement=placement, status="approved", hours=Decimal("4"))
    f.HourLogFactory(
        placement=placement, status="approved", hours=Decimal("2.5"), date=dt.date(2027, 1, 29)
    )
    f.HourLogFactory(
        placement=placement, status="submitted", hours=Decimal("3"), date=dt.date(2027, 2, 5)
    )
    f.EvaluationFactory(placement=placement, mentor=personas.mentor_p_record, comments="Reliable.")
    f.EvaluationFactory(
        placement=placement, kind="final", scores={"attendance": 4, "teamwork": 2, "retired_key": 3}
    )
    f.ReflectionFactory(placement=placement, career_fit="for_me", text="I want to be a nurse.")
    Outcome.objects.create(
        student=personas.student_a,
        placement=placement,
        partner=personas.partner_p,
        kind=Outcome.Kind.HIRED,
        date=dt.date(2027, 7, 1),
        job_title="Medical receptionist",
    )
    return placement


def test_record_collects_hours_evaluations_reflections_and_outcomes(personas, rich_record):
    record = build_record(personas.student_a, today=dt.date(2027, 6, 1))
    (entry,) = record.placements
    assert entry.approved_hours == Decimal("6.5")
    assert record.total_hours == Decimal("6.5")
    midpoint, final = entry.evaluations
    assert midpoint.mean == Decimal("3.40")
    assert [(s.label, s.score) for s in midpoint.scores] == [
        ("Attendance", 4),
        ("Communication", 3),
        ("Teamwork", 3),
        ("Initiative", 3),
        ("Quality of work", 4),
    ]
    assert midpoint.scores[0].descriptor == "Always on time"
    assert [(s.label, s.score) for s in final.scores] == [
        ("Attendance", 4),
        ("Teamwork", 2),
        ("Retired key", 3),
    ]
    assert record.evaluation_mean == Decimal("3.20")
    assert [r.text for r in entry.reflections] == ["I want to be a nurse."]
    assert [o.job_title for o in entry.outcomes] == ["Medical receptionist"]


def test_record_lists_every_placement_including_withdrawn(personas):
    f.PlacementFactory(
        student=personas.student_a,
        opportunity=personas.opportunity_q,
        status=Placement.Status.WITHDRAWN,
        withdrawal_initiator="student",
        withdrawal_reason="schedule",
    )
    record = build_record(personas.student_a)
    assert sorted(e.status for e in record.placements) == ["Active", "Withdrawn"]


def test_record_page_shows_everything_with_print_and_pdf(client, personas, rich_record):
    client.force_login(personas.student_a_user)
    html = client.get(url("portal:record")).content.decode()
    assert "Clinic front desk — Pine Health Clinic" in html
    assert "6.50 h" in html
    assert "Midpoint evaluation" in html and "mean 3.40 out of 4" in html
    assert '<th scope="row">Quality of work</th>' in html
    assert "This career is for me" in html and "I want to be a nurse." in html
    assert "Hired after graduation as Medical receptionist" in html
    assert f'href="{url("portal:record_pdf")}" download' in html
    assert "data-print hidden" in html
    assert "portal.css" in html  # carries the print styles


def test_students_own_record_view_is_not_logged_but_a_guardians_is(client, personas):
    client.force_login(personas.student_a_user)
    client.get(url("portal:record"))
    assert not AuditEvent.objects.filter(action="record.viewed").exists()
    client.force_login(personas.guardian_a)
    client.get(url("portal:student_record", personas.student_a.pk))
    event = AuditEvent.objects.get(action="record.viewed")
    assert event.actor == personas.guardian_a and event.target_id == str(personas.student_a.pk)


def test_pdf_is_an_audited_attachment(client, personas, rich_record):
    client.force_login(personas.student_a_user)
    response = client.get(url("portal:record_pdf"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="experience-record-ava-alder-'
    )
    assert response.content.startswith(b"%PDF-") and b"%%EOF" in response.content[-64:]
    event = AuditEvent.objects.get(action="record.downloaded")
    assert event.actor == personas.student_a_user
    assert event.data == {"format": "pdf", "own": True}


def test_coordinator_downloads_from_the_student_page(client, personas):
    client.force_login(personas.coordinator_a)
    detail = client.get(url("students:detail", personas.student_a.pk)).content.decode()
    assert url("portal:student_record", personas.student_a.pk) in detail
    response = client.get(url("portal:student_record_pdf", personas.student_a.pk))
    assert response.status_code == 200
    assert AuditEvent.objects.get(action="record.downloaded").data["own"] is False


def test_partner_staff_see_no_record_link_on_the_student_page(client, personas):
    client.force_login(personas.mentor_p)
    detail = client.get(url("students:detail", personas.student_a.pk)).content.decode()
    assert url("portal:student_record", personas.student_a.pk) not in detail


def test_guardian_home_links_each_childs_record(client, personas):
    client.force_login(personas.guardian_a)
    html = client.get(url("core:home")).content.decode()
    assert url("portal:student_record", personas.student_a.pk) in html
    assert url("portal:student_record", personas.student_b.pk) not in html


@pytest.mark.parametrize("rows", [1, 8])
def test_record_query_count_does_not_grow(client, personas, rows, django_assert_max_num_queries):
    for n in range(rows):
        placement = f.PlacementFactory(
            student=personas.student_a,
            opportunity=f.OpportunityFactory(partner=personas.partner_q, title=f"Role {n}"),
        )
        f.HourLogFactory(placement=placement, status="approved")
        f.EvaluationFactory(placement=placement)
        f.ReflectionFactory(placement=placement)
    client.force_login(personas.student_a_user)
    with django_assert_max_num_queries(12):  # +1: the disclosure record
        client.get(url("portal:record"))
    with django_assert_max_num_queries(14):  # + the audit row and its savepoint
        client.get(url("portal:record_pdf"))


def test_pdf_renders_with_the_builtin_font_when_no_unicode_font(personas, rich_record):
    personas.student_a.first_name = "Zoë"
    personas.student_a.last_name = "Đặng 王"
    record = build_record(personas.student_a)
    body = render_pdf(record, font=None)
    assert body.startswith(b"%PDF-")
    assert pdf_filename(record).startswith("experience-record-zoe-ang-")


def test_pdf_with_a_unicode_font_keeps_every_name(personas, rich_record):
    font = unicode_font()
    if font is None:
        # CI installs fonts-dejavu-core (.ci/run), so there this check always runs.
        if os.environ.get("CI") == "true":
            pytest.fail("no Unicode TrueType font found; CI must install fonts-dejavu-core")
        pytest.skip("no Unicode TrueType font installed here")
    personas.student_a.last_name = "Đặng"
    assert render_pdf(build_record(personas.student_a), font=font).startswith(b"%PDF-")


def test_latin1_keeps_accents_and_maps_punctuation():
    assert latin1("José – “Zoë” …") == 'José - "Zoë" ...'
    assert latin1("王") == "?"
