"""Steps shared by the journey tests: one browser context per person, axe after every load."""

from tests.browser.conftest import login

PASSWORD = "correct-horse-battery"


def open_page(make_page, problems):
    """A page in its own browser context (its own session) whose console errors are collected."""
    page = make_page()
    page.set_default_timeout(30_000)  # the machine running the suite may be busy
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    return page


def sign_in(page, axe, username):
    page.goto("/accounts/login/")
    axe.check(page)
    login(page, username, PASSWORD)
    axe.check(page)


def go(page, axe, url):
    response = page.goto(url)
    assert response.status == 200, url
    axe.check(page)


def click(page, axe, role, name):
    """Follow a link or submit a form that loads a new page, then check that page."""
    page.get_by_role(role, name=name, exact=True).click()
    page.wait_for_load_state()
    axe.check(page)
