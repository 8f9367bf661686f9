"""Each role in a real browser: signing in with a purpose, searching, a person's page with only
the fields the role may see, judging an identity review, moving a task through its states to
a supervisor's decision, filing redress, the dashboards; every page view audited."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from sojourn.access.model import ROLES
from sojourn.cases.recompute import recompute
from tests.cases import planted
from tests.web.conftest import Site

LANDING = {
    "analyst": "Find a person",
    "officer": "Case board",
    "supervisor": "Case board",
    "redress_officer": "Redress requests",
    "privacy_officer": "Audit log",
    "administrator": "Users",
}
FIRST_PURPOSE = {
    "analyst": "criminal_investigation",
    "officer": "civil_enforcement",
    "supervisor": "civil_enforcement",
    "redress_officer": "redress",
    "privacy_officer": "oversight_audit",
    "administrator": "administration",
}


def _one(site: Site, sql: str) -> str:
    with site.engine.connect() as conn:
        return str(conn.execute(text(sql)).scalar_one())


def _person_with(site: Site, where: str) -> str:
    return _one(
        site,
        "SELECT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
        f"WHERE {where} ORDER BY l.id LIMIT 1",
    )


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_signs_in_with_a_purpose(page: Page, site: Site, role: str) -> None:
    site.login(page, role, FIRST_PURPOSE[role])
    expect(page.get_by_role("heading", level=1)).to_have_text(LANDING[role])
    expect(page.get_by_test_id("role")).to_have_text(role.replace("_", " "))
    expect(page.get_by_test_id("purpose")).not_to_have_text("none chosen")
    site.shot(page, f"landing-{role}")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")


def test_search_and_the_person_page_of_an_analyst(page: Page, site: Site) -> None:
    sql = (
        "SELECT given_name || ' ' || family_name, birth_date FROM records WHERE kind = 'arrival' "
        "AND length(birth_date) = 10 AND given_name IS NOT NULL ORDER BY id LIMIT 1"
    )
    with site.engine.connect() as conn:
        name, born = conn.execute(text(sql)).one()
    site.login(page, "analyst", "criminal_investigation")
    page.get_by_label("Name").fill(name)
    year, month, day = born.split("-")
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Search").click()
    results = page.get_by_test_id("results")
    expect(results).to_contain_text("name")
    site.shot(page, "search-analyst")
    results.get_by_role("link").first.click()
    expect(page.get_by_role("heading", name="Identity")).to_be_visible()
    expect(page.get_by_test_id("timeline").locator("rect").first).to_be_attached()
    expect(page.get_by_test_id("timeline").locator("path[data-kind]").first).to_be_attached()
    expect(page.get_by_test_id("assessment")).to_be_visible()
    site.shot(page, "person-analyst")


def test_an_officer_never_sees_asylum_or_investigative_fields(page: Page, site: Site) -> None:
    asylum = _person_with(site, "r.kind = 'status' AND r.event LIKE '%I-589%'")
    convicted = _person_with(site, "r.kind = 'conviction'")
    site.login(page, "officer", "civil_enforcement")
    for person in (asylum, convicted):
        page.goto(f"{site.base}/ui/persons/{person}")
        expect(page.get_by_test_id("records")).to_be_visible()
        assert page.locator('[data-group="asylum"]').count() == 0
        assert page.locator('[data-event-field="offense"]').count() == 0
        assert page.locator('[data-event-field="statute"]').count() == 0
        assert page.get_by_test_id("viewers").count() == 0
    site.shot(page, "person-officer")
    page.goto(f"{site.base}/ui/persons/{convicted}")
    site.login(page, "analyst", "criminal_investigation")
    page.goto(f"{site.base}/ui/persons/{convicted}")
    assert page.locator('[data-event-field="offense"]').count() > 0  # the analyst sees them


def test_a_privacy_officer_sees_who_viewed_a_person(page: Page, site: Site) -> None:
    person = _person_with(site, "r.kind = 'arrival'")
    site.login(page, "analyst", "criminal_investigation")
    page.goto(f"{site.base}/ui/persons/{person}")
    site.login(page, "privacy_officer", "oversight_audit")
    page.goto(f"{site.base}/ui/persons/{person}")
    viewers = page.get_by_test_id("viewers")
    expect(viewers).to_contain_text("analyst")
    expect(viewers).to_contain_text("criminal investigation")
    assert page.get_by_test_id("records").locator("tr[data-kind]").count() == 0
    site.shot(page, "viewers-privacy-officer")


def test_judging_an_identity_review(page: Page, site: Site) -> None:
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/reviews")
    reviews = page.get_by_test_id("reviews").get_by_role("link")
    assert reviews.count() > 0, "the population has open identity reviews"
    judged = reviews.first.inner_text()
    reviews.first.click()
    expect(page.get_by_test_id("pair")).to_be_visible()
    site.shot(page, "review-supervisor")
    page.get_by_label("Your reason").fill("different passports and birth years")
    page.get_by_role("button", name="Not the same").click()
    expect(page.get_by_test_id("banner")).to_contain_text(f"Judgement recorded: {judged.lower()},")
    page.goto(f"{site.base}/ui/reviews")
    assert judged not in page.get_by_test_id("reviews").inner_text()  # decided, off the queue


def test_a_task_moves_to_a_supervisor_decision(page: Page, site: Site) -> None:
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases")
    board = page.get_by_test_id("board-assigned")
    board.get_by_role("row").filter(has_text="supervisor approval").get_by_role("link").last.click()
    task = page.get_by_test_id("task-supervisor_approval")
    for button, state in (
        ("Start", "in progress"),
        ("Put on hold", "on hold"),
        ("Back to assigned", "assigned"),
    ):
        task.get_by_label("Reason").fill(f"{button.lower()} for the test")
        task.get_by_role("button", name=button).click()
        task = page.get_by_test_id("task-supervisor_approval")
        expect(task.get_by_test_id("task-status")).to_have_text(state)
    task.get_by_label("Reason").fill("the final order is confirmed in the court record")
    task.get_by_label("Outcome").select_option("approve")
    task.get_by_role("button", name="Decide").click()
    expect(
        page.get_by_test_id("task-supervisor_approval").get_by_test_id("task-status")
    ).to_have_text("completed")
    expect(
        page.get_by_text(re.compile("supervisor approval: approve by supervisor"))
    ).to_be_visible()
    site.shot(page, "case-decided")


def test_an_approval_is_carried_out_only_while_no_stop_holds(page: Page, site: Site) -> None:
    sql = (
        "SELECT c.id FROM cases c JOIN tasks t ON t.case_id = c.id JOIN records r ON "
        "r.id IN (SELECT record_id FROM links WHERE person_id = c.person_id) WHERE c.status = "
        "'open' AND t.type = 'supervisor_approval' AND t.status = 'assigned' AND r.birth_date "
        "IS NOT NULL AND r.family_name IS NOT NULL ORDER BY c.id LIMIT 1"
    )
    case = _one(site, sql)
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    task = page.get_by_test_id("task-supervisor_approval")
    task.get_by_label("Reason").fill("the designation is supported by the records")
    task.get_by_label("Outcome").select_option("approve")
    task.get_by_role("button", name="Decide").click()
    expect(page.get_by_test_id("task-enforcement_action")).to_be_visible()
    person = _one(site, f"SELECT person_id FROM cases WHERE id = {case}")
    who = planted.known(site.engine, person)
    assert who is not None
    assert planted.quietly(site.engine, planted.naturalization(who)) == person  # unseen yet
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    action = page.get_by_test_id("task-enforcement_action")
    expect(action.get_by_test_id("held")).to_contain_text("hard stop citizenship")  # not offered
    expect(action.locator("option[value=executed]")).to_have_count(0)
    site.shot(page, "execution-refused")
    recompute(site.engine, planted.TODAY, "evidence arrived", [person])
    page.goto(f"{site.base}/ui/cases/{case}")
    expect(page.get_by_test_id("decisions")).to_contain_text("retraction: withdrawn")
    site.shot(page, "approval-withdrawn")


def test_filing_redress_freezes_the_case(page: Page, site: Site) -> None:
    sql = (
        "SELECT c.person_id FROM cases c JOIN tasks t ON t.case_id = c.id WHERE c.status = 'open' "
        "AND t.type = 'supervisor_approval' AND t.status = 'assigned' ORDER BY c.id DESC LIMIT 1"
    )
    person = _one(site, sql)
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/persons/{person}")
    page.get_by_label("Requester (the person or their attorney)").fill("the person's attorney")
    page.get_by_label("What they say").fill("the overstay ended with a timely extension")
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_role("heading", name="Cases")).to_be_visible()
    expect(page.get_by_text("redress review — assigned")).to_be_visible()
    expect(page.get_by_test_id("hard-stop").first).to_contain_text("open redress")
    site.shot(page, "redress-filed")


def test_the_dashboards(page: Page, site: Site) -> None:
    site.login(page, "privacy_officer", "oversight_audit")
    page.goto(f"{site.base}/ui/dashboard?fy=2025")
    expect(page.get_by_test_id("overstay").locator("svg").first).to_be_visible()
    expect(page.get_by_test_id("departures-chart").locator("svg")).to_be_visible()
    expect(page.get_by_test_id("oversight")).to_contain_text("persons assessed")
    site.shot(page, "dashboard")
    page.goto(f"{site.base}/ui/audit")
    page.get_by_role("button", name="Verify the log now").click()  # on request, not each view
    expect(page.get_by_test_id("verify")).to_contain_text("The log verified")


def test_page_views_are_audited(page: Page, site: Site) -> None:
    person = _person_with(site, "r.kind = 'court'")
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/persons/{person}")
    expect(page.get_by_test_id("person-id")).to_have_text(person)
    sql = (
        "SELECT e.action, e.purpose, e.fields FROM audit_events e JOIN audit_resources r ON "
        f"r.seq = e.seq WHERE r.resource_id = '{person}' AND e.actor = 'officer' "
        "ORDER BY e.seq DESC LIMIT 1"
    )
    with site.engine.connect() as conn:
        action, purpose, fields = conn.execute(text(sql)).one()
    assert action == "person.read" and purpose == "civil_enforcement" and "links" in fields


def test_redress_is_tracked_and_decided(page: Page, site: Site) -> None:
    person = _person_with(site, "r.kind = 'arrival'")
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/persons/{person}")
    page.get_by_label("Requester (the person or their attorney)").fill("the person")
    page.get_by_label("What they say").fill("I left in 2024 by land")
    page.get_by_role("button", name="File the request").click()
    site.login(page, "redress_officer", "redress")
    page.goto(f"{site.base}/ui/redress")
    row = page.get_by_test_id("redress").get_by_role("row").filter(has_text="I left in 2024")
    row.get_by_role("link", name="Review and decide").click()
    expect(page.get_by_test_id("request")).to_contain_text("I left in 2024 by land")
    expect(page.get_by_test_id("records").get_by_role("row")).not_to_have_count(1)
    site.shot(page, "redress-review")
    page.get_by_label("Uphold: correct a field of a record").check()
    page.get_by_label("Finding (what you found, and why)").fill("a correction with no field")
    page.get_by_role("button", name="Decide").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Enter the field")
    page.get_by_label("Uphold: record a status finding").check()
    page.get_by_label("Finding (what you found, and why)").fill("exit stamp and Canadian entry")
    page.get_by_label("It amounts to a record of kind").select_option("self_departure")
    page.get_by_label('Its fields, one "name: value" per line').fill(
        "departed_on: 2024-06-01\nverification_method: redress_documents"
    )
    page.get_by_label("Documents examined (the evidence)").fill("passport stamp, CBSA entry record")
    page.get_by_role("button", name="Decide").click()
    row = page.get_by_test_id("redress").get_by_role("row").filter(has_text="I left in 2024")
    expect(row).to_contain_text("status_found by redress_officer")
    site.shot(page, "redress-decided")


def test_a_link_is_explained_weight_by_weight(page: Page, site: Site) -> None:
    sql = (
        "SELECT person_id FROM links WHERE method = 'model' AND via_record_id IS NOT NULL "
        "ORDER BY id LIMIT 1"
    )
    person = _one(site, sql)
    site.login(page, "analyst", "criminal_investigation")
    page.goto(f"{site.base}/ui/persons/{person}")
    page.get_by_role("link", name=re.compile("^[0-9a-f]{32}$")).first.click()
    expect(page.get_by_test_id("weights")).to_contain_text("birth date")
    site.shot(page, "explain")


def test_a_task_is_assigned_to_a_person(page: Page, site: Site) -> None:
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases")
    page.get_by_test_id("board-assigned").get_by_role(
        "link", name=re.compile("^Case")
    ).first.click()
    form = page.get_by_role("form", name="Assign").first
    form.get_by_label("Assign to user").fill("officer")
    form.get_by_label("Why").fill("the officer knows this family")
    form.get_by_role("button", name="Assign").click()
    expect(page.get_by_text("Assigned to user officer.").first).to_be_visible()


def test_a_followed_case_s_changes_arrive_live(page: Page, site: Site) -> None:
    from sojourn.cases.model import Actor
    from sojourn.cases.workflow import transition

    sql = (
        "SELECT t.id || ':' || c.id FROM cases c JOIN tasks t ON t.case_id = c.id "
        "WHERE c.status = 'open' AND t.type = 'supervisor_approval' AND t.status = 'assigned' "
        "ORDER BY c.id LIMIT 1"
    )
    task, case = (int(x) for x in _one(site, sql).split(":"))
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    page.get_by_role("button", name="Follow this case").click()
    page.goto(f"{site.base}/ui/alerts")
    expect(page.get_by_test_id("alerts")).to_contain_text("No alerts yet")
    with site.engine.begin() as conn:  # an officer starts the task elsewhere
        transition(conn, task, "in_progress", Actor("officer", "officer"), "reading the file")
    alerts = page.get_by_test_id("alerts")
    expect(alerts).to_contain_text(f"Case {case}")  # by server-sent event, no reload
    expect(alerts).to_contain_text("task status supervisor approval → in progress")
    site.shot(page, "case-alert")
