"""The preview's pages in a real headless browser (Debian's chromium, driven by Playwright): what a
page shows once its queries have run, and its screenshot."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from playwright.sync_api import Browser, Error, ViewportSize, sync_playwright

from tools.errors import ToolError

# Debian's package (apt-get install chromium); Playwright's own download needs the internet.
CHROMIUM_NAMES = ("chromium", "chromium-browser")
LOAD_TIMEOUT_MS = 60_000
VIEWPORT: ViewportSize = {"width": 1400, "height": 1800}


@dataclass(frozen=True)
class Shown:
    """What a loaded page shows: its KPI tiles {label: (value, delta)}, its tables {title: rows of
    cell texts, the header row first}, its messages (errors and notes) and all its text."""

    kpis: dict[str, tuple[str, str | None]]
    tables: dict[str, list[list[str]]]
    alerts: list[str]
    text: str


def chromium_path() -> str:
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise ToolError("no chromium on PATH: install Debian's package (`make browser`, or "
                    "`apt-get install chromium`)")


@contextmanager
def headless_chromium() -> Iterator[Browser]:
    path = chromium_path()
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(executable_path=path, headless=True,
                                                 args=["--no-sandbox", "--disable-gpu"])
        except Error as exc:
            raise ToolError(f"{path} could not start headless: {exc.message.splitlines()[0]}") from None
        try:
            yield browser
        finally:
            browser.close()


_DRAWN = """() => !document.querySelector('[data-testid="stSkeleton"], [data-testid="stStatusWidget"]')
    && [...document.querySelectorAll('[data-testid="stVegaLiteChart"]')].every((c) => c.querySelector('canvas, svg'))"""

_READ_PAGE = """() => {
    const text = (el) => el ? el.innerText.trim() : null;
    const kpis = {};
    for (const tile of document.querySelectorAll('[data-testid="stMetric"]')) {
        kpis[text(tile.querySelector('[data-testid="stMetricLabel"]'))] =
            [text(tile.querySelector('[data-testid="stMetricValue"]')),
             text(tile.querySelector('[data-testid="stMetricDelta"]'))];
    }
    const tables = {};
    let title = null;
    for (const el of document.querySelectorAll('h3, [data-testid="stTable"] table')) {
        if (el.tagName === 'H3') { title = el.innerText.trim(); continue; }
        tables[title] = [...el.querySelectorAll('tr')].map(
            (tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.innerText.trim()));
    }
    const alerts = [...document.querySelectorAll('[data-testid="stAlert"]')].map(text);
    return {kpis, tables, alerts, text: document.body.innerText};
}"""


def load(browser: Browser, url: str, screenshot: Path | None = None) -> Shown:
    """Open `url`, wait until the app has run the page (its closing caption "Shown as ..." or a
    message is drawn, then every placeholder and chart), and read it; with `screenshot`, also save
    a PNG of the window (VIEWPORT: the KPI tiles, the first charts and tables)."""
    page = browser.new_page(viewport=VIEWPORT)
    try:
        page.goto(url, timeout=LOAD_TIMEOUT_MS)
        done = page.locator('[data-testid="stAlert"]').or_(page.get_by_text(re.compile(r"^Shown as ")))
        done.first.wait_for(timeout=LOAD_TIMEOUT_MS)
        # Streamlit draws the page's last element before the ones above it have finished
        # (placeholders, "skeletons"), and charts after that
        page.wait_for_function(_DRAWN, timeout=LOAD_TIMEOUT_MS)
        read = page.evaluate(_READ_PAGE)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(screenshot))
        return Shown({label: (value, delta) for label, (value, delta) in read["kpis"].items()},
                     read["tables"], read["alerts"], read["text"])
    except Error as exc:
        raise ToolError(f"{url} did not load in chromium: {exc.message.splitlines()[0]}") from None
    finally:
        page.close()
