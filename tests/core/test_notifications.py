"""notify(): in the app at once, by e-mail after commit; the list page is each person's own."""

from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests import factories as f
from trellis.core.models import Notification
from trellis.core.notifications import Verb, deliver_emails, notify


def test_notify_creates_one_notification_per_person_and_drops_duplicates_and_inactive(personas):
    inactive = f.UserFactory(username="gone", is_active=False)
    created = notify(
        [personas.coordinator_a, personas.coordinator_a, personas.mentor_p, inactive, None],
        verb=Verb.CONCERN_RAISED,
        text="A concern",
        url="/lifecycle/placements/1/",
    )
    assert len(created) == 2
    assert set(Notification.objects.values_list("user__username", flat=True)) == {
        "coordinator_a",
        "mentor_p",
    }


def test_notify_emails_only_after_commit(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(
            [personas.coordinator_a],
            verb=Verb.PLACEMENT_CONFIRMED,
            text="Placement confirmed",
            url="/x/",
        )
    assert mail.outbox == [] and len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["coordinator_a@example.org"]]
    assert mail.outbox[0].subject == "Trellis: Placement confirmed"
    assert "http://127.0.0.1:8000/x/" in mail.outbox[0].body


def test_notify_without_email_sends_none(personas, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [personas.coordinator_a],
            verb=Verb.HOURS_RETURNED,
            text="Hours returned",
            url="/h/",
            email=False,
        )
    assert mail.outbox == [] and Notification.objects.count() == 1


def test_people_without_an_address_still_get_the_in_app_notice(
    personas, django_capture_on_commit_callbacks
):
    personas.mentor_p.email = ""
    personas.mentor_p.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([personas.mentor_p], verb=Verb.HOURS_RETURNED, text="Hours returned")
    assert mail.outbox == [] and Notification.objects.filter(user=personas.mentor_p).exists()


def test_deliver_emails_task_sends_a_batch(db):
    sent = deliver_emails.call(
        [
            {"to": ["a@example.org"], "subject": "S", "body": "B"},
            {"to": ["b@example.org"], "subject": "S", "body": "B"},
        ]
    )
    assert sent == 2 and len(mail.outbox) == 2


# --- The page ----------------------------------------------------------------------------------


def test_notification_list_shows_only_my_own(client, personas):
    notify([personas.coordinator_a], verb="x", text="For Casey", url="/a/", email=False)
    notify([personas.coordinator_b], verb="x", text="For Blair", url="/b/", email=False)
    client.force_login(personas.coordinator_a)
    html = client.get(reverse("core:notifications")).content.decode()
    assert "For Casey" in html and "For Blair" not in html


def test_notification_list_filters_unread(client, personas):
    notify([personas.mentor_p], verb="x", text="Old news", email=False)
    Notification.objects.update(read_at=timezone.now())
    notify([personas.mentor_p], verb="x", text="Fresh news", email=False)
    client.force_login(personas.mentor_p)
    html = client.get(reverse("core:notifications"), {"show": "unread"}).content.decode()
    assert "Fresh news" in html and "Old news" not in html


def test_notification_list_query_count_does_not_grow(
    client, personas, django_assert_max_num_queries
):
    for i in range(60):
        notify([personas.student_a_user], verb="x", text=f"Notice {i}", email=False)
    client.force_login(personas.student_a_user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("core:notifications"))
    assert response.status_code == 200 and len(response.context["page_obj"].object_list) == 50


def test_notification_list_fragment_for_htmx(client, personas):
    client.force_login(personas.student_a_user)
    response = client.get(reverse("core:notifications"), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "<html" not in response.content.decode()


def test_mark_one_read_by_post(client, personas):
    (note,) = notify(
        [personas.coordinator_a], verb="x", text="Hi", url="/lifecycle/board/", email=False
    )
    client.force_login(personas.coordinator_a)
    assert client.get(reverse("core:notification_read", args=[note.pk])).status_code == 405
    response = client.post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == "/lifecycle/board/"
    note.refresh_from_db()
    assert note.read_at is not None


def test_mark_read_never_follows_an_outside_link(client, personas):
    (note,) = notify(
        [personas.coordinator_a], verb="x", text="Hi", url="https://evil.example/", email=False
    )
    client.force_login(personas.coordinator_a)
    response = client.post(reverse("core:notification_read", args=[note.pk]), {"open": "1"})
    assert response["Location"] == reverse("core:notifications")


def test_cannot_mark_someone_elses_notification(client, personas):
    (note,) = notify([personas.coordinator_b], verb="x", text="Hi", email=False)
    client.force_login(personas.coordinator_a)
    assert client.post(reverse("core:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_mark_all_read_touches_only_my_own(client, personas):
    notify([personas.coordinator_a, personas.coordinator_b], verb="x", text="Hi", email=False)
    client.force_login(personas.coordinator_a)
    client.post(reverse("core:notifications_read_all"))
    assert not Notification.objects.filter(
        user=personas.coordinator_a, read_at__isnull=True
    ).exists()
    assert Notification.objects.filter(user=personas.coordinator_b, read_at__isnull=True).exists()


def test_header_shows_the_unread_count(client, personas):
    notify([personas.mentor_p], verb="x", text="One", email=False)
    notify([personas.mentor_p], verb="x", text="Two", email=False)
    client.force_login(personas.mentor_p)
    html = client.get(reverse("core:notifications")).content.decode()
    assert '(2<span class="visually-hidden"> unread</span>)' in html


def test_notifications_need_sign_in(client, db):
    assert client.get(reverse("core:notifications")).status_code == 302
