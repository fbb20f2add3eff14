import datetime as dt
import pytest
from tests import factories as f
from tests.browser.conftest import login, screenshot
from tests.placements.lifecycle_support import confirmed_placement

pytestmark = pytest.mark.django_db(transaction=True)

def test_portal_axe(make_page, axe, personas):
    f.SessionFactory(placement=personas.placement_a, date=dt.date(2027, 2, 5))
    f.EvaluationFactory(placement=personas.placement_a)
    f.ReflectionFactory(placement=personas.placement_a)
    confirmed_placement(personas)
    f.StudentInterestFactory(student=personas.student_a, rank=1)
    f.ApplicationFactory(student=personas.student_a, opportunity=personas.opportunity_q)
    page = make_page(width=390, height=844)
    login(page, "student_a", "correct-horse-battery")
    for path, name in [("/me/", "home"), ("/me/profile/", "profile"), ("/me/interests/", "interests"),
                       ("/me/opportunities/", "browse"), (f"/me/opportunities/{personas.opportunity_q.pk}/", "opportunity"),
                       ("/me/applications/", "applications"), ("/me/placements/", "placements"),
                       (f"/me/placements/{personas.placement_a.pk}/", "placement"),
                       (f"/me/placements/{personas.placement_a.pk}/reflect/", "reflect"),
                       ("/me/schedule/", "schedule"), ("/me/record/", "record")]:
        page.goto(path)
        axe.check(page)
        screenshot(page, f"tmp-portal-{name}")
        width = page.evaluate("document.documentElement.scrollWidth")
        print(name, "scrollWidth", width)
    # error states
    page.goto("/me/profile/")
    page.fill("#id_max_travel_miles", "500")
    page.get_by_role("button", name="Save my profile").click()
    page.wait_for_load_state()
    axe.check(page)
    print("focused:", page.evaluate("document.activeElement.id"))
    screenshot(page, "tmp-portal-profile-error")
    # interests via htmx keyboard
    page.goto("/me/interests/")
    page.select_option("#id_add-area", index=3)
    page.get_by_role("button", name="Add to my list").click()
    page.wait_for_timeout(800)
    print("after add focus:", page.evaluate("document.activeElement.id"))
    page.get_by_role("button", name="Move up").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_timeout(800)
    print("after move focus:", page.evaluate("document.activeElement.id"), page.evaluate("document.activeElement.textContent").strip()[:60])
    axe.check(page)
    screenshot(page, "tmp-portal-interests2")
    page.goto("/me/opportunities/")
    page.select_option("#id_kind", "internship")
    page.wait_for_timeout(800)
    axe.check(page)
