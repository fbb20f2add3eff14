"""Sign in, sign out and the password-reset journey, end to end through the real views."""

import re

from django.core import mail
from django.urls import reverse

from tests import factories as f

PASSWORD = "correct-horse-battery"


def test_login_page_renders_labelled_fields(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert '<label for="id_username">' in html and '<label for="id_password">' in html
    assert reverse("accounts:password_reset") in html


def test_login_with_right_password_goes_home(client, db):
    f.UserFactory(username="casey")
    response = client.post(reverse("accounts:login"), {"username": "casey", "password": PASSWORD})
    assert response.status_code == 302
    assert response.url == reverse("core:home")
    assert client.get(reverse("core:home")).status_code == 200


def test_login_honours_safe_next(client, personas):
    response = client.post(
        reverse("accounts:login") + "?next=/students/",
        {"username": "coordinator_a", "password": PASSWORD, "next": "/students/"},
    )
    assert response.url == "/students/"


def test_login_with_wrong_password_shows_a_message(client, db):
    f.UserFactory(username="casey")
    response = client.post(
        reverse("accounts:login"), {"username": "casey", "password": "wrong-password"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please enter a correct username and password" in html
    assert 'role="alert"' in html
    assert client.get(reverse("core:home")).status_code == 302


def test_signed_in_user_visiting_login_is_sent_home(client, personas):
    client.force_login(personas.coordinator_a)
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 302 and response.url == reverse("core:home")


def test_logout_requires_post(client, personas):
    client.force_login(personas.coordinator_a)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.get(reverse("core:home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302 and response.url == reverse("accounts:login")
    assert client.get(reverse("core:home")).status_code == 302


def test_password_reset_sends_a_working_link(client, db):
    user = f.UserFactory(username="casey", email="casey@example.org")
    response = client.post(reverse("accounts:password_reset"), {"email": "casey@example.org"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["casey@example.org"]
    assert message.subject == "Reset your Trellis password"
    link = re.search(r"https?://[^/\s]+(/\S+)", message.body).group(1)

    # The e-mailed link swaps the token into the session and redirects to the form.
    response = client.get(link, follow=True)
    assert response.status_code == 200
    assert response.context["validlink"] is True
    form_url = response.redirect_chain[-1][0]
    response = client.post(
        form_url, {"new_password1": "a-brand-new-pass-42", "new_password2": "a-brand-new-pass-42"}
    )
    assert response.status_code == 302 and response.url == reverse(
        "accounts:password_reset_complete"
    )
    user.refresh_from_db()
    assert user.check_password("a-brand-new-pass-42")
    assert "Password changed" in client.get(response.url).content.decode()

    # The link works once.
    response = client.get(link, follow=True)
    assert response.context["validlink"] is False
    assert "no longer works" in response.content.decode()


def test_password_reset_for_unknown_address_sends_nothing_but_looks_the_same(client, db):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.org"})
    assert response.status_code == 302 and response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []
