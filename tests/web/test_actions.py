"""Issue 18 item 5, in a real browser as each role: only the actions and purposes the user may
take are offered, each role lands on its own start page, and an error keeps what was typed and
returns to where the user was."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from sojourn.access.authz import Principal
from sojourn.access.model import PURPOSES, ROLES
from sojourn.cases.model import Actor
from sojourn.cases.workflow import transition
from sojourn.web.start import START, purposes_for
from tests.web.axe import assert_clean
from tests.web.conftest import PASSWORD, Site

PAIRS = [(role, purpose) for role, starts in START.items() for purpose in starts]


def _approvals(site: Site) -> list[tuple[int, int]]:
    """(case, task) of open cases whose supervisor approval is assigned, no redress open."""
    sql = (
        "SELECT c.id, t.id FROM cases c JOIN tasks t ON t.case_id = c.id WHERE c.status = 'open' "
        "AND t.type = 'supervisor_approval' AND t.status = 'assigned' AND NOT EXISTS (SELECT 1 "
        "FROM redress_requests r WHERE r.person_id = c.person_id AND r.status = 'open') "
        "ORDER BY c.id"
    )
    with site.engine.connect() as conn:
        return [(int(c), int(t)) for c, t in conn.execute(text(sql))]


def _status(site: Site, task: int) -> str:
    with site.engine.connect() as conn:
        return str(conn.execute(text(f"SELECT status FROM tasks WHERE id = {task}")).scalar_one())


def test_the_start_table_offers_exactly_what_the_policies_open() -> None:
    for role in ROLES:
        offered = [p for p, _ in purposes_for(Principal(role, role))]
        assert offered == [p for p in PURPOSES if p in START[role]], role


@pytest.mark.parametrize(("role", "purpose"), PAIRS)
def test_each_role_and_purpose_lands_on_its_own_start_page(
    page: Page, site: Site, role: str, purpose: str
) -> None:
    page.goto(f"{site.base}/ui/login")
    page.get_by_label("User name").fill(role)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    choices = page.get_by_role("radio")
    expect(choices).to_have_count(len(START[role]))
    page.get_by_label(re.compile(re.escape(PURPOSES[purpose]))).check()
    page.get_by_role("button", name="Continue").click()
    assert page.url.endswith(START[role][purpose]), page.url
    expect(page.get_by_role("heading", level=1)).not_to_have_text("Not allowed")
    for link in page.get_by_role("navigation", name="Main").get_by_role("link").all():
        if link.get_attribute("aria-current") == "page":
            assert link.get_attribute("href") == START[role][purpose]


def test_an_on_hold_approval_offers_no_decision(page: Page, site: Site) -> None:
    case, task = _approvals(site)[0]
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    approval = page.get_by_test_id("task-supervisor_approval")
    expect(approval.get_by_role("button", name="Decide")).to_be_visible()
    approval.get_by_label("Reason").fill("waiting for the court record")
    approval.get_by_role("button", name="Put on hold").click()
    expect(page.get_by_test_id("banner")).to_contain_text("supervisor approval task is put on hold")
    approval = page.get_by_test_id("task-supervisor_approval")
    expect(approval.get_by_test_id("task-status")).to_have_text("on hold")
    expect(approval.get_by_role("button", name="Decide")).to_have_count(0)
    expect(approval.get_by_role("button", name="Put on hold")).to_have_count(0)
    expect(approval.get_by_role("button", name="Back to assigned")).to_be_visible()
    expect(approval.get_by_test_id("held")).to_contain_text("Decide: a task on hold")
    assert _status(site, task) == "on_hold"
    assert_clean(page)


def test_an_officer_is_offered_no_supervisor_decision(page: Page, site: Site) -> None:
    case, _ = _approvals(site)[1]
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    approval = page.get_by_test_id("task-supervisor_approval")
    expect(approval.get_by_role("button", name="Start")).to_be_visible()
    expect(approval.get_by_role("button", name="Decide")).to_have_count(0)
    expect(approval.get_by_role("button", name=re.compile("Cancel"))).to_have_count(0)
    expect(approval.get_by_test_id("held")).to_contain_text("only a supervisor may complete")


def test_a_privacy_officer_reads_a_case_and_is_offered_no_change(page: Page, site: Site) -> None:
    case, _ = _approvals(site)[2]
    site.login(page, "privacy_officer", "oversight_audit")
    page.goto(f"{site.base}/ui/cases/{case}")
    expect(page.get_by_test_id("read-only")).to_contain_text("does not change it")
    expect(page.get_by_role("form", name="Move")).to_have_count(0)
    expect(page.get_by_role("form", name="Assign")).to_have_count(0)


def test_a_refused_move_keeps_the_reason_on_the_case_page(page: Page, site: Site) -> None:
    case, task = _approvals(site)[3]
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    approval = page.get_by_test_id("task-supervisor_approval")
    typed = "the final order is confirmed in the court record"
    approval.get_by_label("Reason").fill(typed)
    with site.engine.begin() as conn:  # meanwhile, someone else puts it on hold
        transition(conn, task, "on_hold", Actor("officer", "officer"), "a call from counsel")
    approval.get_by_role("button", name="Decide").click()
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("a task cannot go from on hold to completed")
    assert page.url.endswith(f"/ui/cases/{case}") or "/ui/tasks/" in page.url
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {case}")
    field = page.locator(f"#reason-{task}")
    expect(field).to_have_value(typed)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(page.locator(f"#reason-{task}-error")).to_contain_text("Not done")
    summary.get_by_role("link").first.click()
    expect(field).to_be_focused()
    assert _status(site, task) == "on_hold"
    assert_clean(page)


def test_a_short_reason_is_an_error_beside_the_field(page: Page, site: Site) -> None:
    case, task = _approvals(site)[4]
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    approval = page.get_by_test_id("task-supervisor_approval")
    approval.get_by_label("Reason").fill("ok")
    approval.get_by_label("Outcome").select_option("reject")
    approval.get_by_role("button", name="Decide").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Enter the finding")
    expect(page.locator(f"#reason-{task}")).to_have_value("ok")
    expect(page.get_by_test_id("task-supervisor_approval").get_by_label("Outcome")).to_have_value(
        "reject"
    )
    assert _status(site, task) == "assigned"


def test_cancel_is_apart_and_confirmed_on_its_own_page(page: Page, site: Site) -> None:
    case, task = _approvals(site)[5]
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    approval = page.get_by_test_id("task-supervisor_approval")
    cancel = approval.get_by_role("button", name="Cancel this task")
    decide = approval.get_by_role("button", name="Decide")
    expect(cancel).to_have_class(re.compile(r"\bdanger\b"))
    assert cancel.evaluate("e => getComputedStyle(e).backgroundColor") != decide.evaluate(
        "e => getComputedStyle(e).backgroundColor"
    )
    approval.get_by_label("Reason").fill("the person was removed under another case")
    cancel.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        f"Cancel the supervisor approval task of case {case}?"
    )
    assert _status(site, task) == "assigned"  # nothing yet
    assert_clean(page)
    page.get_by_role("link", name="No, back to the case").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {case}")
    approval = page.get_by_test_id("task-supervisor_approval")
    approval.get_by_label("Reason").fill("the person was removed under another case")
    approval.get_by_role("button", name="Cancel this task").click()
    page.get_by_role("button", name="Yes, cancel the task").click()
    expect(page.get_by_test_id("banner")).to_contain_text("supervisor approval task is cancelled")
    assert _status(site, task) == "cancelled"


def test_an_error_page_leads_back_where_the_user_was(page: Page, site: Site) -> None:
    site.login(page, "privacy_officer", "oversight_audit")
    page.goto(f"{site.base}/ui/")  # the search: not the privacy officer's
    expect(page.get_by_role("alert")).to_have_text(
        "A privacy officer may not search for persons for an oversight audit."
    )
    back = page.get_by_test_id("back")
    expect(back).to_have_attribute("href", "/ui/audit")
    back.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Audit log")
    case, _ = _approvals(site)[6]
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    form = page.get_by_role("form", name="Assign").first
    form.locator("input[name=csrf]").evaluate("e => e.value = 'stale'")  # an expired form
    form.get_by_label("Assign to user").fill("officer")
    form.get_by_label("Why").fill("he knows the family")
    form.get_by_role("button", name="Assign").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Not allowed")
    page.get_by_role("link", name=f"Back to case {case}").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Case {case}")


def test_an_assignment_lacking_a_user_keeps_the_reason(page: Page, site: Site) -> None:
    case, task = _approvals(site)[7]
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases/{case}")
    form = page.get_by_role("form", name="Assign").first
    form.get_by_label("Why").fill("the officer knows this family")
    form.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Enter the user name")
    expect(page.locator(f"#why-{task}")).to_have_value("the officer knows this family")
    expect(page.locator(f"#assignee-{task}")).to_have_attribute("aria-invalid", "true")
    page.locator(f"#assignee-{task}").fill("officer")
    page.get_by_role("form", name="Assign").first.get_by_role("button", name="Assign").click()
    expect(page.get_by_test_id("banner")).to_contain_text("assigned to officer")
    assert_clean(page)


def test_a_role_is_named_with_its_article(page: Page, site: Site) -> None:
    site.login(page, "analyst", "statistics")
    page.goto(f"{site.base}/ui/cases")
    expect(page.get_by_role("alert")).to_have_text(
        "An analyst may not read cases for statistics: aggregates only."
    )
    expect(page.get_by_test_id("back")).to_have_attribute("href", "/ui/dashboard")
    assert_clean(page)


def test_a_redress_review_links_to_its_decision_only_for_who_decides(
    page: Page, site: Site
) -> None:
    case, _ = _approvals(site)[8]
    with site.engine.connect() as conn:
        person = conn.execute(text(f"SELECT person_id FROM cases WHERE id = {case}")).scalar_one()
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/persons/{person}")
    page.get_by_label("Requester (the person or their attorney)").fill("the person")
    page.get_by_label("What they say").fill("my extension was granted in time")
    page.get_by_role("button", name="File the request").click()
    expect(page.get_by_test_id("banner")).to_contain_text("filed")
    page.goto(f"{site.base}/ui/cases/{case}")
    review = page.get_by_test_id("task-redress_review")
    expect(review).to_contain_text("decided by a redress officer or a supervisor")
    expect(review.get_by_role("link")).to_have_count(0)
    site.login(page, "redress_officer", "redress")
    page.goto(f"{site.base}/ui/cases/{case}")
    page.get_by_test_id("task-redress_review").get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Redress request")
