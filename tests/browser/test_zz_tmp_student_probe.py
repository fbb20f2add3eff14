import pytest
from tests.browser.conftest import login
from tests.browser.test_student_journey import _open, world  # noqa
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
INFO = "() => { const e = document.activeElement; return [e.id || e.tagName, e.matches(':focus-visible'), getComputedStyle(e).outlineStyle, e.value]; }"

def test_probe(make_page, axe, personas, world):
    placement = world[0]
    problems = []
    page = _open(make_page, problems, width=390, height=844)
    login(page, "student_a", "correct-horse-battery")
    page.goto(f"/hours/placement/{placement.pk}/log/")
    print(page.url)
    page.locator("#id_date").focus()
    print("focused()", page.evaluate(INFO))
    page.keyboard.press("Shift+Tab")
    print("back", page.evaluate(INFO))
    page.keyboard.press("Tab")
    print("tab in", page.evaluate(INFO))
    for ch in "11202026":
        page.keyboard.type(ch)
        print(ch, page.evaluate(INFO))
    page.keyboard.press("Tab")
    print("tab", page.evaluate(INFO))
    page.locator("#id_date").screenshot(path="/tmp/date-picker-focus.png")
    page.keyboard.press("Shift+Tab")
    page.locator("#id_date").screenshot(path="/tmp/date-year-focus.png")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.locator("#id_start_time").screenshot(path="/tmp/time-focus.png")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    print("tab3", page.evaluate(INFO))
    page.locator("#id_start_time").screenshot(path="/tmp/time-picker-focus.png")

