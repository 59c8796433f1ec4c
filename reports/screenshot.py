"""Screenshot the HTML report of a period in headless Chromium (Debian's chromium, driven
by Playwright), a finding's cell selected: docs/report-2020-09.png.

    python reports/screenshot.py reports/2020-09/report.html docs/report-2020-09.png
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def main() -> None:
    report, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2])
    select = sys.argv[3] if len(sys.argv) > 3 else "a2_investment.csv:9:plan_industry"
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"),
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(report.as_uri())
        cell = page.locator(f'td[data-key="{select}"]')
        cell.scroll_into_view_if_needed()
        cell.click()
        page.evaluate("window.scrollBy(0, -420)")  # the panel and the table both in view
        out.write_bytes(page.screenshot())
        browser.close()


if __name__ == "__main__":
    main()
