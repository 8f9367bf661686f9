"""The identity review queue (issue 18, item 2), as the roles that use it: a supervisor
filtering, sorting, paging, claiming and assigning; an analyst reading a pair in plain words
(each record's agency and date, missing shown as missing, no level codes), refused without a
reason (the reason typed kept), then judging and landing on the next review of the same
queue; a redress officer's queue. Every page axe clean; screenshots at 1440 and 390 px into
docs/screenshots/ when SOJOURN_SCREENSHOTS=1, nothing scrolling sideways."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import insert, text

from sojourn.resolve.tables import reviews
from tests.web.axe import assert_clean
from tests.web.conftest import Site
from tests.web.test_people import _shoot

PLANTED = 12


@pytest.fixture(scope="module", autouse=True)
def queue(site: Site) -> None:
    """More open reviews than the small population makes: pairs of arrivals next to each
    other by name, of varied probability, some opened weeks ago (a queue of hundreds in
    miniature: enough to filter and page)."""
    pick = (
        "SELECT r.id, l.person_id FROM records r JOIN links l ON l.record_id = r.id "
        "AND l.id = (SELECT max(id) FROM links x WHERE x.record_id = r.id) "
        "WHERE r.kind = 'arrival' ORDER BY r.family_name, r.given_name, r.id "
        f"LIMIT {2 * PLANTED}"
    )
    now = dt.datetime.now(dt.UTC)
    with site.engine.begin() as conn:
        found = conn.execute(text(pick)).all()
        run, model = conn.execute(
            text("SELECT id, model_version FROM resolve_runs ORDER BY id DESC LIMIT 1")
        ).one()
        for i in range(PLANTED):
            (a, pa), (b, pb) = sorted(found[2 * i : 2 * i + 2])
            conn.execute(insert(reviews).values(
                run_id=run, created_at=now - dt.timedelta(days=3 * i + 1), record_l=a, record_r=b,
                person_l=pa, person_r=pb, match_probability=0.55 + 0.04 * i,
                model_version=model, reason="planted by the test",
            ))  # fmt: skip


def _open_reviews(site: Site) -> int:
    query = (
        "SELECT count(*) FROM identity_reviews v WHERE NOT EXISTS (SELECT 1 FROM judgements j "
        "WHERE j.record_l = v.record_l AND j.record_r = v.record_r AND j.verdict != 'retracted' "
        "AND j.at >= v.created_at AND j.id NOT IN (SELECT retracts FROM judgements "
        "WHERE retracts IS NOT NULL))"
    )
    with site.engine.connect() as conn:
        return int(conn.execute(text(query)).scalar_one())


def _count(page: Page) -> tuple[int, int, int]:
    said = page.get_by_test_id("count").inner_text()
    found = re.search(r"Showing ([\d,]+)–([\d,]+) of ([\d,]+)", said)
    assert found, said
    first, last, total = (int(x.replace(",", "")) for x in found.groups())
    return first, last, total


def _rows(page: Page) -> list[str]:
    return page.locator("[data-testid=reviews] tr[data-review]").evaluate_all(
        "rows => rows.map(r => r.dataset.review)"
    )


def test_a_supervisor_filters_pages_claims_and_assigns(page: Page, site: Site) -> None:
    site.login(page, "supervisor", "civil_enforcement")
    page.goto(f"{site.base}/ui/reviews")
    _, _, total = _count(page)
    assert total >= PLANTED
    assert total <= _open_reviews(site)  # only the reviews whose records the role may see
    whys = page.get_by_test_id("why").all_inner_texts()
    assert len(set(whys)) > 1, whys  # a reason of its own per pair, not one repeated string
    assert all(re.match(r"^(Differs|Close|Same): ", w) for w in whys), whys
    assert_clean(page)
    _shoot(page, "reviews-queue")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label("Model probability").select_option(label="0.9 and above")
    page.get_by_label("Order").select_option(label="Oldest first")
    page.get_by_role("button", name="Show reviews").click()
    shown = page.locator("[data-testid=reviews] tr[data-review] td[data-label=Probability]")
    assert all(float(p) >= 0.9 for p in shown.all_inner_texts())
    assert "band=high" in page.url and "sort=oldest" in page.url
    page.goto(f"{site.base}/ui/reviews?older=30")  # planted 31 and 34 days ago
    opened = page.locator("td[data-label=Opened]").all_inner_texts()
    limit = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).date().isoformat()
    assert opened and all(day <= limit for day in opened)

    page.goto(f"{site.base}/ui/reviews?per=2&sort=oldest")
    assert _count(page)[:2] == (1, 2)
    one = _rows(page)
    page.get_by_role("navigation", name="Pages of reviews").get_by_role(
        "link", name="Page 2"
    ).click()
    assert _count(page)[:2] == (3, min(4, total))
    assert not set(one) & set(_rows(page))
    assert "sort=oldest" in page.url  # the pager keeps the filters

    page.goto(f"{site.base}/ui/reviews?sort=oldest")
    first = _rows(page)[0]
    row = page.locator(f"tr[data-review='{first}']")
    row.get_by_role("button", name=f"Claim review {first}").click()
    expect(page.get_by_test_id("banner")).to_have_text(re.compile(f"Review {first} claimed by you"))
    expect(page.locator(f"tr[data-review='{first}'] [data-testid=assignee]")).to_have_text(
        "supervisor"
    )
    page.goto(f"{site.base}/ui/reviews?assignee=me")
    assert _rows(page) == [first]
    page.get_by_label(f"Assign review {first} to").select_option("analyst")
    page.get_by_role("button", name=f"Assign review {first}").click()
    expect(page.get_by_test_id("banner")).to_contain_text(f"Review {first} assigned to analyst")
    expect(page.get_by_test_id("count")).to_have_text("No open reviews")  # no longer mine
    page.goto(f"{site.base}/ui/reviews?assignee=analyst")
    assert _rows(page) == [first]
    with site.engine.connect() as conn:
        claims = conn.execute(
            text("SELECT actor, assignee FROM review_claims WHERE review_id = :r ORDER BY id"),
            {"r": int(first)},
        ).all()
        audited = conn.execute(
            text(
                "SELECT count(*) FROM audit_events WHERE actor = 'supervisor' AND "
                "detail LIKE '%\"claim\"%'"
            )
        ).scalar_one()
    assert [tuple(c) for c in claims] == [("supervisor", "supervisor"), ("supervisor", "analyst")]
    assert audited >= 2


def test_an_analyst_reads_the_pair_and_judges_then_the_next_opens(page: Page, site: Site) -> None:
    site.login(page, "analyst", "criminal_investigation")
    page.goto(f"{site.base}/ui/reviews?sort=newest")
    ids = _rows(page)
    assert len(ids) >= 2
    page.get_by_role("link", name=f"Review {ids[0]}", exact=True).click()
    assert page.url.endswith(f"/ui/reviews/{ids[0]}?sort=newest")
    pair = page.get_by_test_id("pair")
    expect(pair).to_be_visible()
    agencies = page.get_by_test_id("agency").all_inner_texts()
    assert len(agencies) == 2 and all(re.search(r"\d{4}-\d{2}-\d{2}", a) for a in agencies)
    said = set(page.get_by_test_id("verdict").all_inner_texts())
    allowed = re.compile(r"^(Same|Differs(: .+)?|Close: .+|Missing in one record)$")
    assert said and all(allowed.match(s) for s in said), said
    assert "jw>=" not in page.content() and "skeleton" not in page.content()
    missing = page.locator("tr.missing")
    if missing.count():  # a value on one side only is not a conflict
        expect(missing.first).not_to_have_class(re.compile("differs"))
    assert_clean(page)
    _shoot(page, "review-pair")
    page.set_viewport_size({"width": 1366, "height": 900})

    page.get_by_label("Your reason").fill("ok")
    page.get_by_role("button", name="Not the same").click()
    expect(page.get_by_test_id("error-summary")).to_contain_text("Enter your reason")
    expect(page.get_by_label("Your reason")).to_have_value("ok")  # what was typed is kept
    expect(page.locator("#reason-error")).to_be_visible()
    assert_clean(page)

    page.get_by_label("Your reason").fill("different birth dates and passports")
    page.get_by_role("button", name="Not the same").click()
    banner = page.get_by_test_id("banner")
    expect(banner).to_contain_text(f"Judgement recorded: review {ids[0]}, not the same person")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Identity review {ids[1]}")
    assert page.url.endswith(f"/ui/reviews/{ids[1]}?sort=newest")  # the same queue
    page.goto(f"{site.base}/ui/reviews?sort=newest")
    assert ids[0] not in _rows(page)


def test_a_redress_officer_has_the_queue(page: Page, site: Site) -> None:
    site.login(page, "redress_officer", "redress")
    page.goto(f"{site.base}/ui/reviews")
    expect(page.get_by_role("heading", level=1)).to_have_text("Identity reviews")
    _count(page)
    assert page.get_by_role("button", name=re.compile("^Assign")).count() == 0  # supervisors
    assert_clean(page)


def test_an_officer_has_no_queue(page: Page, site: Site) -> None:
    site.login(page, "officer", "civil_enforcement")
    answer = page.goto(f"{site.base}/ui/reviews")
    assert answer is not None and answer.status == 403
