"""The dashboard (issue 18, item 4): oversight figures first, then the overstay report, then
departures; groups under the minimum size suppressed with a note; words, never None or nan;
legends on the charts; the second view answers from the kept figures; axe-clean and no
sideways scroll at 390 px."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect
from sqlalchemy import text

from sojourn.reports.dashboard import last_complete_year
from sojourn.reports.store import overstay_report
from sojourn.settings import today
from tests.web.axe import assert_clean
from tests.web.conftest import Site, document

MIN_GROUP = 10  # the default of SOJOURN_REPORT_MIN_GROUP
NOT_A_VALUE = re.compile(r"\b(None|nan|NaN|null)\b")


def _open(page: Page, site: Site, query: str = "?fy=2025") -> None:
    page.goto(f"{site.base}/ui/dashboard{query}")
    for summary in page.locator("details > summary").all():
        summary.click()


def _last_view(site: Site) -> dict[str, object]:
    sql = ("SELECT resource_ids, detail FROM audit_events WHERE action = 'report.read' "
           "ORDER BY seq DESC LIMIT 1")  # fmt: skip
    with site.engine.connect() as conn:
        ids, detail = conn.execute(text(sql)).one()
    return {"ids": json.loads(ids), **json.loads(detail)}


def test_oversight_first_then_overstays_then_departures(page: Page, site: Site) -> None:
    site.login(page, "privacy_officer", "oversight_audit")
    page.set_viewport_size({"width": 1440, "height": 900})
    page.goto(f"{site.base}/ui/dashboard")
    year = last_complete_year(today())
    expect(page.get_by_role("heading", name=f"Overstays, fiscal year {year}")).to_be_visible()
    tops = [page.get_by_test_id(t).bounding_box() for t in ("oversight", "overstay", "departures")]
    assert all(box is not None for box in tops)
    ys = [box["y"] for box in tops if box is not None]
    assert ys == sorted(ys), f"sections out of order: {ys}"
    expect(page.get_by_test_id("oversight")).to_contain_text("persons assessed")
    expect(page.locator("ul.legend")).to_have_count(2)  # overstay kinds, evidence levels
    assert_clean(page)
    document(page, "dashboard-1440")


def test_small_groups_are_suppressed_and_nothing_reads_none(page: Page, site: Site) -> None:
    report = overstay_report(site.engine, 2025, today())
    small = [r for r in report.by_country if r.expected < MIN_GROUP]
    large = [r for r in report.by_country if r.expected >= MIN_GROUP]
    assert len(small) >= 2 and large, "the test population needs small and large countries"
    site.login(page, "analyst", "statistics")
    _open(page, site)
    expect(page.get_by_test_id("suppression-note")).to_contain_text(f"fewer than {MIN_GROUP}")
    table = page.get_by_test_id("by-country")
    for row in small:
        cells = table.get_by_role("row", name=re.compile(rf"^{row.key}\b")).locator("td")
        expect(cells.first).to_have_text(f"fewer than {MIN_GROUP}")
        expect(cells.nth(2)).to_have_text("suppressed")
    big = large[0]
    cells = table.get_by_role("row", name=re.compile(rf"^{big.key}\b")).locator("td")
    expect(cells.nth(2)).to_have_text(f"{big.rate(big.overstays):.2%}")
    pooled = f"the {len(small)} countries suppressed above, together"
    expect(table.get_by_role("row", name=re.compile(re.escape(pooled)))).to_have_count(1)
    html = page.content()
    assert not NOT_A_VALUE.search(html), NOT_A_VALUE.search(html)
    expect(page.get_by_test_id("self-departures")).not_to_contain_text("None")
    assert_clean(page)  # with every <details> open


def test_the_second_view_answers_from_the_kept_figures(page: Page, site: Site) -> None:
    site.login(page, "privacy_officer", "oversight_audit")
    page.goto(f"{site.base}/ui/dashboard?fy=2024")
    first = _last_view(site)
    assert first["ids"] == ["overstay-FY2024", "departures", "oversight"]
    answer = page.request.get(f"{site.base}/ui/dashboard?fy=2024")
    assert answer.ok and "Overstays, fiscal year 2024" in answer.text()
    second = _last_view(site)
    assert second["kept"] is True and second["snapshot"] == first["snapshot"]
    # its speed is measured by bench/pages.py, not asserted here


def test_no_sideways_scroll_at_390_px(page: Page, site: Site) -> None:
    site.login(page, "privacy_officer", "oversight_audit")
    page.set_viewport_size({"width": 390, "height": 844})
    _open(page, site)
    wide = page.evaluate("document.documentElement.scrollWidth")
    assert wide <= 390, f"the page scrolls sideways: {wide}px"
    assert_clean(page)
    document(page, "dashboard-390")


def test_other_purposes_see_no_oversight_figures(page: Page, site: Site) -> None:
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/dashboard?fy=2025")
    expect(page.get_by_test_id("overstay")).to_be_visible()
    expect(page.get_by_test_id("oversight")).to_have_count(0)
    assert _last_view(site)["ids"] == ["overstay-FY2025", "departures"]
