"""The audit page as a privacy officer: filters by day, user, person and action with totals
and pages; a bad date kept and explained (400); CSV of the same filter, projected and audited;
verification on request (kept in the log), not on every load, on 5,500+ events."""

from __future__ import annotations

import csv
import io
import json
import statistics
import time
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from sojourn.access.fields import record_group
from sojourn.audit.log import AuditEvent, append
from sojourn.audit.tables import audit_events
from sojourn.audit.verify import Report
from sojourn.records.tables import records
from sojourn.web import pages_audit
from sojourn.web.audit_view import CSV_HEADER
from tests.web.axe import assert_clean
from tests.web.conftest import Site

BULK, DAYS, PER_DAY = "bulk.reader", 30, 185  # 5,550 events over November 2026


def _asylum_and_plain(site: Site) -> tuple[str, str]:
    with site.engine.connect() as conn:
        rows = conn.execute(select(records.c.id, records.c.kind, records.c.event)).all()
    groups = {r.id: record_group(r.kind, json.loads(r.event)) for r in rows}
    asylum = next(i for i, g in groups.items() if g == "asylum")
    plain = next(i for i, g in groups.items() if g == "travel_history")
    return asylum, plain


@pytest.fixture(scope="module")
def filled(site: Site) -> Iterator[dict[str, str]]:
    """5,550 reads by one user over 30 days (the 12th's name a person and an asylum record)."""
    asylum, plain = _asylum_and_plain(site)
    with site.engine.begin() as conn:
        for day in range(1, DAYS + 1):
            for i in range(PER_DAY):
                ids = ["P-AUDIT-12", asylum, plain] if day == 12 else [f"P-{day}-{i}"]
                action = "person.read" if i % 5 else "person.search"
                event = AuditEvent(BULK, "officer", "civil_enforcement", action, "person", ids)
                append(
                    conn, event, at=f"2026-11-{day:02d}T{i // 60 % 24:02d}:{i % 60:02d}:00+00:00"
                )
    yield {"asylum": asylum, "plain": plain}


def _login(site: Site, page: Page) -> None:
    site.login(page, "privacy_officer", "oversight_audit")


def test_the_audit_page_filters_pages_and_counts(
    site: Site, page: Page, filled: dict[str, str]
) -> None:
    _login(site, page)
    with site.engine.connect() as conn:
        before = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
    page.goto(f"{site.base}/ui/audit")
    expect(page.get_by_test_id("count")).to_contain_text(f"Showing 1–50 of {before:,} events")
    assert page.get_by_test_id("events").locator("tr").count() == 51
    page.get_by_label("User").fill(BULK)
    page.get_by_label("Action").select_option("person.search")
    start = page.get_by_role("group", name="From (UTC day)")
    start.get_by_label("Day").fill("10")
    start.get_by_label("Month").fill("11")
    start.get_by_label("Year").fill("2026")
    end = page.get_by_role("group", name="To, including that day")
    end.get_by_label("Day").fill("12")
    end.get_by_label("Month").fill("11")
    end.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Filter").click()
    want = 3 * PER_DAY // 5  # every fifth read is a search: 37 a day
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 1–50 of {want} events")
    cells = page.get_by_test_id("events").locator("tr td:nth-child(2)").all_inner_texts()
    assert cells and all("2026-11-10" <= c[:10] <= "2026-11-12" for c in cells)
    page.goto(f"{site.base}/ui/audit?person=P-AUDIT-12&actor={BULK}&per=20")
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 1–20 of {PER_DAY} events")
    page.get_by_role("link", name="Next ›").click()
    expect(page.get_by_test_id("count")).to_have_text(f"Showing 21–40 of {PER_DAY} events")
    assert "person=P-AUDIT-12" in page.url and "page=2" in page.url
    shown = page.get_by_test_id("events").inner_text()
    assert filled["plain"] in shown and filled["asylum"] not in shown  # withheld from the page
    assert_clean(page)
    site.shot(page, "audit-filtered")


def test_a_bad_date_is_kept_and_explained(site: Site, page: Page) -> None:
    _login(site, page)
    got = page.goto(f"{site.base}/ui/audit?start_day=31&start_month=2&start_year=2026&person=x%20y")
    assert got is not None and got.status == 400
    summary = page.get_by_test_id("error-summary")
    expect(summary).to_contain_text("The first day must be a real date")
    expect(summary).to_contain_text("Enter a person id")
    start = page.get_by_role("group", name="From (UTC day)")
    expect(start.get_by_label("Day")).to_have_value("31")
    expect(page.locator("#start-error")).to_contain_text("must be a real date")
    expect(page.get_by_label("Person or record id")).to_have_attribute("aria-invalid", "true")
    assert page.get_by_test_id("events").count() == 0
    assert_clean(page)
    got = page.goto(f"{site.base}/ui/audit?start_day=5&start_month=11&start_year=2026"
                    "&end_day=4&end_month=11&end_year=2026")  # fmt: skip
    assert got is not None and got.status == 400
    expect(page.get_by_test_id("error-summary")).to_contain_text("must be the same as or after")


def test_csv_export_keeps_the_filter_projects_and_is_audited(
    site: Site, page: Page, filled: dict[str, str]
) -> None:
    _login(site, page)
    page.goto(f"{site.base}/ui/audit?person=P-AUDIT-12&action=person.read")
    link = page.get_by_test_id("csv")
    assert link.get_attribute("href") == "/ui/audit.csv?person=P-AUDIT-12&action=person.read"
    got = page.request.get(f"{site.base}{link.get_attribute('href')}")
    assert got.status == 200 and got.headers["content-type"].startswith("text/csv")
    assert "attachment" in got.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(got.text())))
    assert tuple(rows[0]) == CSV_HEADER
    assert len(rows) - 1 == PER_DAY * 4 // 5
    assert all(r[2] == BULK and r[5] == "person.read" for r in rows[1:])
    assert [int(r[0]) for r in rows[1:]] == sorted((int(r[0]) for r in rows[1:]), reverse=True)
    assert all(filled["plain"] in r[7] and filled["asylum"] not in r[7] for r in rows[1:])
    with site.engine.connect() as conn:
        last = conn.execute(select(audit_events).where(audit_events.c.actor == "privacy_officer")
                            .order_by(audit_events.c.seq.desc()).limit(5)).all()  # fmt: skip
    exports = [json.loads(e.detail) for e in last if '"export"' in e.detail]
    assert exports and exports[0]["rows"] == len(rows) - 1
    assert exports[0]["person"] == "P-AUDIT-12"
    bad = page.request.get(f"{site.base}/ui/audit.csv?end_day=40&end_month=1&end_year=2026")
    assert bad.status == 400 and "real date" in bad.text()


def test_verification_on_request_is_kept_and_shown(
    site: Site, page: Page, monkeypatch: pytest.MonkeyPatch
) -> None:
    _login(site, page)
    page.goto(f"{site.base}/ui/audit")
    expect(page.get_by_test_id("verify")).to_contain_text("not been verified")
    broken = Report(events=9, problems=[(3, "event 3 was changed")])
    with monkeypatch.context() as m:  # the server runs in this process
        m.setattr(pages_audit, "verify", lambda engine: broken)
        page.get_by_role("button", name="Verify the log now").click()
    expect(page.get_by_test_id("verify")).to_contain_text("The log did NOT verify")
    expect(page.get_by_test_id("verify")).to_contain_text("first bad event 3")
    expect(page.get_by_test_id("verify")).to_contain_text("3: event 3 was changed")
    assert page.get_by_test_id("banner").count() == 0
    assert_clean(page)
    site.shot(page, "audit-verify-failed")
    page.get_by_role("button", name="Verify the log now").click()
    expect(page.get_by_test_id("banner")).to_contain_text("The log verifies")
    expect(page.get_by_test_id("verify")).to_contain_text("The log verified")
    expect(page.get_by_test_id("verify")).to_contain_text("by privacy_officer")
    assert_clean(page)
    site.shot(page, "audit-verified")
    forged = page.request.post(f"{site.base}/ui/audit/verify", form={"csrf": "forged"})
    assert forged.status == 403


def test_the_audit_page_reads_thousands_of_events_without_verifying_them(
    site: Site, page: Page, filled: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    _login(site, page)
    monkeypatch.setattr(pages_audit, "verify", None)  # a load that verified would fail
    with site.engine.connect() as conn:
        n = conn.execute(select(func.count()).select_from(audit_events)).scalar_one()
    assert n >= 5500
    timings = {}
    for name, query in (("all", ""), ("filtered", "?actor=bulk.reader&start_day=1&start_month=11"
                        "&start_year=2026&page=3"), ("person", "?person=P-AUDIT-12")):  # fmt: skip
        took = []
        for _ in range(5):
            began = time.perf_counter()
            got = page.request.get(f"{site.base}/ui/audit{query}")
            took.append(time.perf_counter() - began)
            assert got.status == 200
        timings[name] = statistics.median(took)
    print(f"audit page on {n:,} events, median of 5 (s): {timings}")  # goals: bench/pages.py


def test_the_audit_page_fits_a_phone(site: Site, page: Page, filled: dict[str, str]) -> None:
    _login(site, page)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{site.base}/ui/audit")
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways: {wide}px"
    assert_clean(page)
    site.shot(page, "audit-390")
