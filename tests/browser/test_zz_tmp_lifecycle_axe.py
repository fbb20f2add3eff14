import pytest
from django.urls import reverse

from tests import factories as f
from tests.browser.conftest import login, screenshot
from tests.placements.lifecycle_support import confirmed_placement
from trellis.placements import services
from trellis.placements.agreements import make_guardian_token
from trellis.core.notifications import notify

pytestmark = pytest.mark.django_db(transaction=True)


def test_lifecycle_pages_axe(personas, page, axe):
    placement = confirmed_placement(personas)
    services.withdraw_placement(personas.placement_a, actor=personas.coordinator_a, initiator="school", reason="other", partner_note="ok")
    notify([personas.coordinator_a], verb="x", text="Hello there", url="/lifecycle/board/", email=False)
    login(page, "coordinator_a", "correct-horse-battery")
    doc = placement.agreements.first()
    urls = [
        reverse("lifecycle:board"), reverse("lifecycle:propose"), reverse("lifecycle:placement", args=[placement.pk]),
        reverse("lifecycle:withdraw", args=[placement.pk]), reverse("lifecycle:replace", args=[personas.placement_a.pk]),
        reverse("lifecycle:agreement", args=[doc.pk]), reverse("lifecycle:outcome") + f"?placement={placement.pk}",
        reverse("lifecycle:relationship", args=[personas.partner_p.pk]), reverse("core:notifications"),
        reverse("placements:detail", args=[placement.pk]),
    ]
    for i, url in enumerate(urls):
        page.goto(url)
        axe.check(page)
        screenshot(page, f"tmp-lifecycle-{i}")
    page.context.clear_cookies()
    link = personas.student_a.guardian_links.get()
    page.goto(reverse("lifecycle:guardian_sign", args=[make_guardian_token(link, placement.agreements.get(kind="parental_consent"))]))
    axe.check(page)
    page.get_by_label("Type your full name to sign").fill("Gail Alder")
    page.get_by_label("I have read this document and agree to it.").check()
    page.get_by_role("button", name="Sign as Gail Alder").click()
    page.wait_for_load_state()
    assert "Thank you" in page.content()
    axe.check(page)
