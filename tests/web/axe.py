"""axe-core in the browser (vendored from the npm registry's axe-core 4.14.1, MPL-2.0:
``vendor/axe.min.js``, its licence beside it): the WCAG 2.x A/AA and best-practice rules."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).with_name("vendor") / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]


@lru_cache(maxsize=1)
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """axe's violations on the page as it is now: each rule's id and the nodes it failed."""
    page.add_script_tag(content=_source())
    found: list[dict[str, Any]] = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))",
        TAGS,
    )
    return found


def assert_clean(page: Page) -> None:
    found = violations(page)
    assert not found, f"axe found {found}"
