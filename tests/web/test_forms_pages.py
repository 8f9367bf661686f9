"""Issue 18 item 7, in a real browser as the role that needs each form: the GOV.UK / USWDS
patterns (an error summary and the error beside its field with what was typed kept, a date of
birth as day, month and year, a success banner after each change, no browser-only
validation) and pages that fit 320 px and 390 px screens without scrolling sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import text

from tests.web.axe import assert_clean
from tests.web.conftest import PASSWORD, Site

WIDE = "document.documentElement.scrollWidth - window.innerWidth"


def _one(site: Site, sql: str) -> list[str]:
    with site.engine.connect() as conn:
        return [str(x) for x in conn.execute(text(sql)).one()]


def _someone(site: Site) -> tuple[str, str, str]:
    """A name, a date of birth (ISO) and the person they belong to."""
    name, born, person = _one(
        site,
        "SELECT r.given_name || ' ' || r.family_name, r.birth_date, l.person_id FROM records r "
        "JOIN links l ON l.record_id = r.id WHERE r.kind = 'arrival' AND length(r.birth_date) "
        "= 10 AND r.given_name IS NOT NULL ORDER BY r.id LIMIT 1 OFFSET 7",
    )
    return name, born, person


def _approval(site: Site, offset: int) -> tuple[int, int]:
    case, task = _one(
        site,
        "SELECT c.id, t.id FROM cases c JOIN tasks t ON t.case_id = c.id WHERE c.status = 'open' "
        "AND t.type = 'supervisor_approval' AND t.status = 'assigned' AND NOT EXISTS (SELECT 1 "
        "FROM redress_requests r WHERE r.person_id = c.person_id AND r.status = 'open') "
        f"ORDER BY c.id DESC LIMIT 1 OFFSET {offset}",
    )
    return int(case), int(task)


def test_sign_in_and_purpose_are_checked_on_the_server(page: Page, site: Site) -> None:
    page.goto(f"{site.base}/ui/login")
    page.get_by_role("button", name="Sign in").click()  # nothing typed: no browser bubble
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_be_focused()  # read first, as GOV.UK's pattern asks
    expect(summary).to_contain_text("Enter your user name")
    expect(summary).to_contain_text("Enter your password")
    assert_clean(page)
    page.get_by_label("User name").fill("officer")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("button", name="Continue").click()  # no purpose chosen
    expect(page.get_by_test_id("error-summary")).to_contain_text("Choose the purpose of use")
    assert_clean(page)
    page.get_by_test_id("error-summary").get_by_role("link").click()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Case board")


def test_the_search_reads_a_memorable_date_of_birth(page: Page, site: Site) -> None:
    name, born, person = _someone(site)
    year, month, day = born.split("-")
    site.login(page, "analyst", "criminal_investigation")
    page.get_by_label("Name").fill(name)
    expect(page.get_by_role("group", name="Date of birth")).to_be_visible()
    page.get_by_label("Day").fill(str(int(day)))
    page.get_by_label("Month").fill(str(int(month)))
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_test_id("results")).to_contain_text(person)
    assert_clean(page)


def test_a_date_in_one_box_is_read_from_a_link_in_either_form(page: Page, site: Site) -> None:
    name, born, person = _someone(site)
    year, month, day = born.split("-")
    site.login(page, "analyst", "criminal_investigation")
    for typed in (f"{month}/{day}/{year}", born):
        page.goto(f"{site.base}/ui/search?name={name}&birth_date={typed}")
        expect(page.get_by_test_id("results")).to_contain_text(person)
        expect(page.get_by_label("Day")).to_have_value(str(int(day)))
        expect(page.get_by_label("Year")).to_have_value(year)


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ("birth_day=31&birth_month=13&birth_year=1980", "Date of birth must be a real date"),
        ("birth_day=31&birth_month=12&birth_year=", "Date of birth must include a year"),
        ("birth_date=31/12/1980", "Date of birth must be a real date"),
        ("birth_date=12/31/80", "Date of birth must be a date like 12/31/1980"),
    ],
)
def test_an_unreadable_date_is_an_error_not_no_match(
    page: Page, site: Site, query: str, says: str
) -> None:
    site.login(page, "analyst", "criminal_investigation")
    answer = page.goto(f"{site.base}/ui/search?name=Maria%20Garcia&{query}")
    assert answer is not None and answer.status == 400
    expect(page.get_by_test_id("error-summary")).to_contain_text(says)
    expect(page.locator("#birth-error")).to_contain_text(says)
    expect(page.get_by_label("Name")).to_have_value("Maria Garcia")
    expect(page.get_by_text("No person matches")).to_have_count(0)
    page.get_by_test_id("error-summary").get_by_role("link").click()
    expect(page.get_by_label("Day")).to_be_focused()
    assert_clean(page)


def test_a_search_that_lacks_something_is_told_what(page: Page, site: Site) -> None:
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/")
    page.get_by_label("Name").fill("Maria Garcia")
    page.get_by_role("button", name="Search").click()  # no browser-only validation stops it
    expect(page.get_by_test_id("error-summary")).to_contain_text("Enter the date of birth")
    expect(page.get_by_label("Name")).to_have_value("Maria Garcia")


def test_a_decision_and_a_follow_are_confirmed_by_a_banner(page: Page, site: Site) -> None:
    case, _ = _approval(site, 0)
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    page.get_by_role("button", name="Follow this case").click()
    expect(page.get_by_test_id("banner")).to_contain_text("You follow this case")
    approval = page.get_by_test_id("task-supervisor_approval")
    approval.get_by_label("Reason").fill("the records do not support the designation")
    approval.get_by_label("Outcome").select_option("reject")
    approval.get_by_role("button", name="Decide").click()
    banner = page.get_by_test_id("banner")
    expect(banner).to_contain_text("Decision recorded: supervisor approval, reject.")
    assert_clean(page)
    page.reload()
    expect(page.get_by_test_id("banner")).to_have_count(0)  # shown once


def test_redress_filing_keeps_what_was_typed_then_confirms(page: Page, site: Site) -> None:
    _, _, person = _someone(site)
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/persons/{person}")
    form = page.get_by_test_id("redress-form")
    form.get_by_label("About").select_option("status")
    form.get_by_label("What they say").fill("my extension was approved before the end date")
    form.get_by_role("button", name="File the request").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("Enter who asks")
    expect(summary).to_be_focused()
    form = page.get_by_test_id("redress-form")
    expect(form.get_by_label("What they say")).to_have_value(
        "my extension was approved before the end date"
    )
    expect(form.get_by_label("About")).to_have_value("status")
    expect(page.locator("#requester")).to_have_attribute("aria-invalid", "true")
    assert_clean(page)
    _fits(page, "person with an error")
    page.set_viewport_size({"width": 1366, "height": 900})
    form.get_by_label("Requester (the person or their attorney)").fill("their attorney")
    form.get_by_role("button", name="File the request").click()
    expect(page.get_by_test_id("banner")).to_contain_text(re.compile(r"Redress request \d+ filed"))


def test_a_redress_decision_keeps_what_was_typed_then_confirms(page: Page, site: Site) -> None:
    _, _, person = _someone(site)
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/persons/{person}")
    page.get_by_label("Requester (the person or their attorney)").fill("the person")
    page.get_by_label("What they say").fill("I left by land in 2024, forms attached")
    page.get_by_role("button", name="File the request").click()
    site.login(page, "redress_officer", "redress")
    page.goto(f"{site.base}/ui/redress")
    row = page.get_by_test_id("redress").get_by_role("row").filter(has_text="I left by land")
    row.get_by_role("link", name="Review and decide").click()
    page.get_by_label("Uphold: record a status finding").check()
    page.get_by_label("Finding (what you found, and why)").fill("an exit stamp and a CBSA entry")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Enter the finding's fields")
    expect(page.get_by_label("Uphold: record a status finding")).to_be_checked()
    expect(page.get_by_label("Finding (what you found, and why)")).to_have_value(
        "an exit stamp and a CBSA entry"
    )
    assert_clean(page)
    _fits(page, "redress decision with an error")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.get_by_label("It amounts to a record of kind").select_option("self_departure")
    page.get_by_label('Its fields, one "name: value" per line').fill(
        "departed_on: 2024-06-01\nverification_method: redress_documents"
    )
    page.get_by_label("Documents examined (the evidence)").fill("passport stamp, CBSA record")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_test_id("banner")).to_contain_text("decided: Uphold: record a status")


def _fits(page: Page, where: str) -> None:
    for width in (320, 390):
        page.set_viewport_size({"width": width, "height": 800})
        over = page.evaluate(WIDE)
        assert over <= 0, f"{where} scrolls sideways by {over} px at {width} px"


def test_the_pages_fit_320_and_390_px(browser: Browser, site: Site) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(f"{site.base}/ui/login")
    _fits(page, "sign in")
    name, born, person = _someone(site)
    case, task = _approval(site, 3)
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/purpose")
    _fits(page, "purpose")
    page.goto(f"{site.base}/ui/search?name={name}&birth_date={born}")
    _fits(page, "search results")
    page.goto(f"{site.base}/ui/search?name={name}&birth_day=40")
    _fits(page, "search error")
    page.goto(f"{site.base}/ui/persons/{person}")
    _fits(page, "person")
    page.goto(f"{site.base}/ui/cases/{case}")
    _fits(page, "case")
    page.locator(f"#reason-{task}").fill("no")
    page.get_by_test_id("task-supervisor_approval").get_by_role("button", name="Start").click()
    expect(page.get_by_test_id("error-summary")).to_be_visible()
    _fits(page, "case with an error")
    page.locator(f"#reason-{task}").fill("the person was removed under another case")
    page.get_by_role("button", name="Cancel this task").click()
    _fits(page, "confirm cancel")
    page.goto(f"{site.base}/ui/audit")
    _fits(page, "error page")
    context.close()
