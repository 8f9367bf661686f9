"""Persons by name everywhere (issue 18, items 1 and 6), as the roles that need them: an analyst
searching and reading why a person is actionable, an officer's board and a redress list, a
privacy officer's withheld records counted (never for an officer: the count would name an
asylum claim); axe clean; screenshots at 1440 and 390 px into docs/screenshots/."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect
from sqlalchemy import event, text

from sojourn.access.authz import Principal, authorizer
from sojourn.web.people import counts_withheld, person_labels
from tests.web.axe import assert_clean
from tests.web.conftest import Site, document

WIDTHS = {"wide": 1440, "narrow": 390}


def _rows(site: Site, sql: str) -> list[tuple[str, ...]]:
    with site.engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql)).all()]


def _current(where: str) -> str:
    """Persons with a currently linked record matching ``where`` (records ``r``)."""
    return (
        "SELECT DISTINCT l.person_id FROM links l JOIN records r ON r.id = l.record_id "
        "WHERE l.id = (SELECT max(id) FROM links x WHERE x.record_id = l.record_id) "
        f"AND {where} ORDER BY l.person_id"
    )


def _of(site: Site, person: str, columns: str, where: str = "1 = 1") -> list[tuple[str, ...]]:
    """Columns of the person's currently linked records (``r``) matching ``where``."""
    query = _current(f"l.person_id = '{person}' AND {where}")
    return _rows(site, query.replace("SELECT DISTINCT l.person_id", f"SELECT {columns}"))


def _shoot(page: Page, name: str) -> None:
    """The page at each width, whole, for the documentation; nothing wider than the window."""
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate("document.documentElement.scrollWidth")
        assert wide <= width, f"{name} is {wide} px wide at {width} px: {_overflow(page, width)}"
        document(page, f"{name}-{width}")


def _overflow(page: Page, width: int) -> list[str]:
    """The elements that reach past the window's right edge (to say what scrolls sideways)."""
    found: list[str] = page.evaluate(
        "(w) => [...document.querySelectorAll('body *')].filter(e => "
        "e.getBoundingClientRect().right > w + 1).slice(0, 8).map(e => e.tagName + '.' + "
        "e.className + ' ' + Math.round(e.getBoundingClientRect().right))",
        width,
    )
    return found


def _actionable(site: Site) -> str:
    """A person whose assessment put them in a priority (a supervisor's approval asked)."""
    sql = (
        "SELECT c.person_id FROM cases c JOIN tasks t ON t.case_id = c.id WHERE c.status = "
        "'open' AND t.type = 'supervisor_approval' ORDER BY c.id LIMIT 1"
    )
    return _rows(site, sql)[0][0]


def test_an_analyst_finds_a_person_by_name_and_reads_why(page: Page, site: Site) -> None:
    person = _actionable(site)
    family, given, born = _of(
        site, person, "r.family_name, r.given_name, r.birth_date",
        "r.family_name IS NOT NULL AND r.given_name IS NOT NULL AND length(r.birth_date) = 10",
    )[0]  # fmt: skip
    site.login(page, "analyst", "criminal_investigation")
    page.get_by_label("Name").fill(f"{given} {family}")
    year, month, day = born.split("-")  # a memorable date: day, month and year
    page.get_by_label("Day").fill(day)
    page.get_by_label("Month").fill(month)
    page.get_by_label("Year").fill(year)
    page.get_by_role("button", name="Search").click()
    hit = page.get_by_test_id("results").get_by_role("row").filter(has_text=person)
    expect(hit.get_by_test_id("person-name")).to_have_text(re.compile(r"\S+, \S+"))
    expect(hit).to_contain_text(re.compile(r"\d{4}-\d{2}-\d{2}"))  # the birth date beside it
    assert_clean(page)
    _shoot(page, "search-results")
    page.set_viewport_size({"width": 1440, "height": 900})
    hit.get_by_test_id("person-link").click()
    expect(page.get_by_test_id("person-id")).to_have_text(person)
    expect(page.get_by_role("heading", level=1)).to_contain_text(",")  # "FAMILY, Given"
    _reads_why(page)
    assert_clean(page)
    _shoot(page, "person")


def _reads_why(page: Page) -> None:
    assessment = page.get_by_test_id("assessment")
    expect(assessment.get_by_test_id("assessed-on")).to_have_text(re.compile(r"\d{4}-\d{2}-\d{2}"))
    presence = assessment.get_by_test_id("presence")
    expect(presence).to_contain_text(
        re.compile(
            r"In the U\.S\.: yes — last record placing them here: [a-z ]+, \d{4}-\d{2}-\d{2}"
        )
    )
    expect(presence).to_contain_text(re.compile(r"link confidence \d\.\d\d"))
    checked = assessment.get_by_test_id("departures-checked")
    for source in ("carrier manifests", "biometric exit", "land-border exchange"):
        expect(checked).to_contain_text(source)
    assert assessment.get_by_test_id("why-rule").count() > 0
    expect(assessment).not_to_contain_text("in_us =")
    statuses = page.get_by_test_id("timeline").locator("rect[data-status]")
    shown = {statuses.nth(i).get_attribute("data-status") for i in range(statuses.count())}
    legend = page.get_by_test_id("legend")
    for status in shown:
        expect(legend).to_contain_text(str(status).replace("_", " "))


def test_an_officer_s_board_and_redress_list_name_the_persons(page: Page, site: Site) -> None:
    site.login(page, "officer", "civil_enforcement")
    page.goto(f"{site.base}/ui/cases")
    names = page.locator("[data-testid^=board-]").get_by_test_id("person-name")
    assert names.count() > 0, "the board names its persons"
    expect(names.first).to_have_text(re.compile(r"\S+, \S+"))
    assert_clean(page)
    site.shot(page, "board-by-name")
    page.locator("[data-testid^=board-] a[href^='/ui/cases/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(",")
    site.shot(page, "case-by-name")
    page.goto(f"{site.base}/ui/redress")
    assert_clean(page)
    site.shot(page, "redress-by-name")


def test_an_analyst_s_reviews_name_both_records(page: Page, site: Site) -> None:
    site.login(page, "analyst", "criminal_investigation")
    page.goto(f"{site.base}/ui/reviews")
    first = page.get_by_test_id("reviews").get_by_role("row").nth(1)
    assert first.get_by_test_id("record-name").count() == 2
    assert_clean(page)
    site.shot(page, "reviews-by-name")


def test_an_officer_is_never_told_a_record_is_withheld(page: Page, site: Site) -> None:
    asylum = _rows(site, _current("r.kind = 'status' AND r.event LIKE '%I-589%'"))[0][0]
    plain = _rows(site, _current("r.kind = 'arrival'"))[0][0]
    site.login(page, "officer", "civil_enforcement")
    for person in (asylum, plain):
        page.goto(f"{site.base}/ui/persons/{person}")
        shown = page.get_by_test_id("records").locator("tr[data-kind]").count()
        expect(page.get_by_test_id("records-heading")).to_have_text(f"Records ({shown})")
        section = page.locator("section").filter(has=page.get_by_test_id("records-heading"))
        expect(section).not_to_contain_text("withheld")
    assert_clean(page)


def test_a_privacy_officer_sees_withheld_records_counted(page: Page, site: Site) -> None:
    asylum = _rows(site, _current("r.kind = 'status' AND r.event LIKE '%I-589%'"))[0][0]
    kinds = _of(site, asylum, "r.kind, r.event")
    relief = sum(1 for k, e in kinds if k == "status" and ("I-589" in e or "I-485" in e))
    listed = sum(1 for k, _ in kinds if k == "person")
    site.login(page, "privacy_officer", "oversight_audit")
    page.goto(f"{site.base}/ui/persons/{asylum}")
    withheld = len(kinds) - relief - listed  # the relief application left out, unmarked
    assert relief and withheld
    expect(page.get_by_test_id("records-heading")).to_have_text(
        f"Records ({listed} shown, {withheld} withheld)"
    )
    expect(page.get_by_test_id("withheld-note")).not_to_contain_text("asylum")
    assert_clean(page)


def _groups(role: str, purpose: str) -> frozenset[str]:
    return authorizer().field_groups(Principal(role, role), purpose)[0]


def test_labels_take_one_query_and_only_records_the_caller_may_see(site: Site) -> None:
    persons = [p for (p,) in _rows(site, _current("r.kind = 'arrival'"))[:50]]
    officer = _groups("officer", "civil_enforcement")
    said: list[str] = []
    listen = lambda *args: said.append(str(args[2]))  # noqa: E731
    event.listen(site.engine, "before_cursor_execute", listen)
    try:
        labels = person_labels(site.engine, persons, officer)
    finally:
        event.remove(site.engine, "before_cursor_execute", listen)
    assert len(said) == 1, said
    assert all(labels[p].name for p in persons), "every admitted person has a name"
    for p in persons:  # the label's family name is on a record the officer may see
        rows = _of(site, p, "r.family_name, r.kind, r.event")
        seen = {f for f, k, e in rows if not (k == "status" and re.search("I-589|I-485", e))}
        assert str(labels[p].name).split(", ")[0] in seen
    nameless = person_labels(site.engine, persons, officer - {"identity"})
    assert all(v.name is None and v.text == p for p, v in nameless.items())


def test_a_withheld_count_only_where_it_names_no_kind() -> None:
    told = {
        role: counts_withheld(_groups(role, purpose))
        for role, purpose in (("analyst", "criminal_investigation"),
                              ("officer", "civil_enforcement"),
                              ("supervisor", "civil_enforcement"),
                              ("redress_officer", "redress"),
                              ("privacy_officer", "oversight_audit"))
    }  # fmt: skip
    assert told == {"analyst": False, "officer": False, "supervisor": False,
                    "redress_officer": False, "privacy_officer": True}  # fmt: skip
