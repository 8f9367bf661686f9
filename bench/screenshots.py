"""The documentation's screenshots (docs/screenshots/), taken as users see the pages: the demo
population (``bench/pages.py`` builds it in ``--data-dir`` when missing), the web app served on
it, each role signed in through the forms in Debian's Chromium, each page at 1440 and 390 px.

    .venv/bin/python bench/screenshots.py [--data-dir DIR] [--persons N]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

from pages import demo_store, samples, serve

OUT = Path(__file__).parents[1] / "docs" / "screenshots"
#: name: (role, purpose, path pattern).
SHOTS = {
    "reviews-queue": ("supervisor", "civil_enforcement", "/ui/reviews"),
    "review-pair": ("analyst", "criminal_investigation", "/ui/reviews/{review}"),
    "person": ("analyst", "criminal_investigation", "/ui/persons/{person}"),
    "cases": ("officer", "civil_enforcement", "/ui/cases"),
    "dashboard": ("privacy_officer", "oversight_audit", "/ui/dashboard"),
    "audit": ("privacy_officer", "oversight_audit", "/ui/audit"),
}


def sign_in(page: Page, base: str, role: str, purpose: str) -> None:
    from sojourn.access.model import PURPOSES
    from sojourn.cli.users import demo_password

    page.goto(f"{base}/ui/login")
    page.get_by_label("User name").fill(f"demo-{role.replace('_', '-')}")
    page.get_by_label("Password").fill(demo_password(role))
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label(PURPOSES[purpose]).check()
    page.get_by_role("button", name="Continue").click()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/sojourn-bench-pages"))
    parser.add_argument("--persons", type=int, default=20_000)
    args = parser.parse_args()
    engine = demo_store(args.data_dir, args.persons)
    base, found = serve(engine), samples(engine)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        for name, (role, purpose, pattern) in SHOTS.items():
            context = browser.new_context(viewport={"width": 1440, "height": 900})
            page = context.new_page()
            sign_in(page, base, role, purpose)
            page.goto(base + pattern.format(**found))
            for width in (1440, 390):
                page.set_viewport_size({"width": width, "height": 900})
                page.screenshot(path=str(OUT / f"{name}-{width}.png"), full_page=True)
                print(f"{name}-{width}.png as {role} ({purpose})")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
