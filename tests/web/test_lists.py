"""Every list says how much it shows of how many, and pages the rest (the case board, redress
requests, alerts; the search says when it shows only its 20 best matches)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import text

from sojourn.cases.tables import redress_requests
from sojourn.events.alerts import alerts
from sojourn.web.people import Label
from sojourn.web.render import environment
from tests.web.axe import assert_clean
from tests.web.conftest import Site

OPEN_TASKS = (
    "SELECT t.status, count(*) FROM tasks t JOIN cases c ON c.id = t.case_id WHERE "
    "c.status = 'open' AND t.type != 'case' AND t.status IN ('assigned', 'in_progress', "
    "'on_hold') {} GROUP BY t.status"
)


MINE = (
    "UPDATE tasks SET assignee = 'officer', assignee_kind = 'user' WHERE id IN (SELECT t.id "
    "FROM tasks t JOIN cases c ON c.id = t.case_id WHERE c.status = 'open' AND t.type != "
    "'case' AND t.status = 'assigned' ORDER BY t.id LIMIT 3)"
)


def _counts(site: Site, where: str = "") -> dict[str, int]:
    with site.engine.connect() as conn:
        return {s: n for s, n in conn.execute(text(OPEN_TASKS.format(where)))}


def _fits_a_phone(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways: {wide}px"


def test_the_board_counts_every_state_and_pages_one(site: Site, page: Page) -> None:
    counts = _counts(site)
    assert counts.get("assigned", 0) > 50, "the population gives a board longer than a page"
    with site.engine.connect() as conn:
        cases = conn.execute(text("SELECT count(*) FROM cases WHERE status = 'open'")).scalar()
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases")
    expect(page.get_by_test_id("board-totals")).to_contain_text(f"{cases:,} open cases")
    assigned = counts["assigned"]
    section = page.get_by_role("region", name="Assigned")
    expect(section.get_by_test_id("count")).to_have_text(
        f"Showing 1–50 of {assigned:,} assigned tasks"
    )
    assert page.get_by_test_id("board-assigned").locator("tr").count() == 51
    assert_clean(page)
    page.get_by_test_id("all-assigned").click()
    expect(page.get_by_test_id("count")).to_have_text(
        f"Showing 1–50 of {assigned:,} assigned tasks"
    )
    first = page.get_by_test_id("board-assigned").inner_text()
    page.get_by_role("link", name="Next ›").click()
    expect(page.get_by_test_id("count")).to_contain_text(f"Showing 51–{min(100, assigned)} of")
    assert (
        "state=assigned" in page.url and page.get_by_test_id("board-assigned").inner_text() != first
    )
    assert page.get_by_role("region", name="On hold").count() == 0
    _fits_a_phone(page)
    assert_clean(page)
    site.shot(page, "board-assigned-390")


def test_the_board_filters_by_task_and_assignee(site: Site, page: Page) -> None:
    with site.engine.begin() as conn:
        conn.execute(text(MINE))
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases")
    page.get_by_label("Assigned to").select_option("me")
    page.get_by_role("button", name="Filter").click()
    mine = _counts(site, "AND t.assignee = 'officer'")
    assert mine.get("assigned", 0) >= 3
    section = page.get_by_role("region", name="Assigned")
    expect(section.get_by_test_id("count")).to_have_text(
        f"Showing 1–{mine['assigned']} of {mine['assigned']} assigned tasks"
    )
    cells = page.get_by_test_id("board-assigned").locator("td:nth-child(3)").all_inner_texts()
    assert set(cells) == {"officer"}
    page.goto(f"{site.base}/ui/cases")
    page.get_by_label("Task", exact=True).select_option("supervisor_approval")
    page.get_by_role("button", name="Filter").click()
    want = _counts(site, "AND t.type = 'supervisor_approval'")
    for state, n in want.items():
        region = page.get_by_role("region", name=state.replace("_", " ").capitalize())
        expect(region.get_by_test_id("count")).to_contain_text(f"of {n:,} ")
    tasks = page.locator("[data-testid^=board-] td:first-child").all_inner_texts()
    assert tasks and set(tasks) == {"supervisor approval"}
    assert_clean(page)
    site.shot(page, "board-filtered")
    got = page.goto(f"{site.base}/ui/cases?state=completed")
    assert got is not None and got.status == 400


@pytest.fixture(scope="module")
def filed(site: Site) -> Iterator[int]:
    """63 open and 7 decided redress requests."""
    with site.engine.connect() as conn:
        persons = [
            r[0] for r in conn.execute(text("SELECT DISTINCT person_id FROM links LIMIT 70"))
        ]
    now = dt.datetime.now(dt.UTC)
    rows = [
        {"person_id": p, "kind": "record", "requester": "the person", "filed_by": "officer",
         "filed_at": now, "subject": "{}", "statement": f"statement {i}",
         "status": "open" if i < 63 else "decided", "decided_by": None if i < 63 else "supervisor",
         "outcome": None if i < 63 else "denied"}
        for i, p in enumerate(persons)
    ]  # fmt: skip
    with site.engine.begin() as conn:
        conn.execute(redress_requests.insert(), rows)
    yield len(rows)


def test_redress_requests_are_paged_with_totals(site: Site, page: Page, filed: int) -> None:
    with site.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM redress_requests")).scalar_one()
        opened = conn.execute(text("SELECT count(*) FROM redress_requests WHERE status = 'open'")
                              ).scalar_one()  # fmt: skip
    site.login(page, "redress_officer", "redress")
    page.goto(f"{site.base}/ui/redress")
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 1–50 of {total} redress requests")
    states = page.get_by_test_id("redress-states")
    expect(states).to_contain_text(f"Open {opened}")
    states.get_by_role("link", name="Decided").click()
    expect(page.get_by_test_id("count")).to_have_text(
        f"Showing 1–{total - opened} of {total - opened} decided redress requests"
    )
    assert "open" not in page.get_by_test_id("redress").locator("td:nth-child(6)").all_inner_texts()
    page.goto(f"{site.base}/ui/redress?state=open&page=2")
    expect(page.get_by_test_id("count")).to_have_text(
        f"Showing 51–{opened} of {opened} open redress requests"
    )
    assert page.get_by_test_id("redress").locator("tr").count() == opened - 50 + 1
    assert_clean(page)
    _fits_a_phone(page)


def test_alerts_are_newest_first_and_paged(site: Site, page: Page) -> None:
    now = dt.datetime.now(dt.UTC)
    rows = [{"username": "officer", "person_id": f"P{i:05d}", "event_id": f"e{i}", "at": now,
             "summary": json.dumps({"status": "overstay", "priority": "none"}), "case_id": None}
            for i in range(60)]  # fmt: skip
    with site.engine.begin() as conn:
        conn.execute(alerts.insert(), rows)
        total = conn.execute(text("SELECT count(*) FROM alerts WHERE username = 'officer'")
                             ).scalar_one()  # fmt: skip
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/alerts")
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 1–50 of {total} alerts")
    expect(page.get_by_test_id("alerts").locator("li").first).to_contain_text("P00059")
    assert_clean(page)
    page.get_by_role("link", name="Next ›").click()
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 51–{total} of {total} alerts")
    expect(page.get_by_test_id("alerts").locator("li").last).to_contain_text("P00000")
    _fits_a_phone(page)


def test_an_alert_names_its_person(site: Site, page: Page) -> None:
    sql = ("SELECT l.person_id, r.family_name FROM links l JOIN records r ON r.id = l.record_id "
           "WHERE r.family_name IS NOT NULL ORDER BY l.id LIMIT 1")  # fmt: skip
    with site.engine.begin() as conn:
        person, family = conn.execute(text(sql)).one()
        row = {
            "username": "analyst",
            "person_id": person,
            "event_id": "named",
            "case_id": None,
            "at": dt.datetime.now(dt.UTC),
            "summary": json.dumps({"status": "overstay"}),
        }
        conn.execute(alerts.insert(), [row])
    site.login(page, "analyst", "criminal_investigation")
    page.goto(f"{site.base}/ui/alerts")
    first = page.get_by_test_id("alerts").locator("li").first
    expect(first.get_by_test_id("person-name")).to_contain_text(family.upper())
    expect(first.locator(".pid")).to_have_text(person)  # the id as secondary text


@pytest.mark.parametrize(
    ("n", "caption"), [(20, "The 20 best matches are shown"), (3, "3 person(s)")]
)
def test_search_results_say_when_only_the_best_are_shown(n: int, caption: str) -> None:
    ids = [f"P{i}" for i in range(n)]
    hits = [{"person_id": i, "probability": 0.9, "matched": ["family_name"]} for i in ids]
    people = {i: Label(i, "DOE, Jane") for i in ids}
    html = environment().get_template("results.html").render(hits=hits, people=people)
    assert caption in html and html.count('data-testid="person-link"') == n


def test_users_are_counted(site: Site, page: Page) -> None:
    with site.engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM users")).scalar_one()
    site.login(page, "administrator", "administration")
    page.goto(f"{site.base}/ui/users?per=3")
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 1–3 of {total} users")
    assert page.get_by_test_id("users").locator("tr").count() == 4
    page.get_by_role("link", name="Next ›").click()
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 4–6 of {total} users")
    assert_clean(page)
