"""Page 1 of the patient copy as printed, in English and in Spanish: the real HTML rendered by
Chromium in print media on a US Letter page. The whom-to-call list, with the numbers, ends on
page 1. Screenshots go to build/screenshots/ (`make screenshots` copies them to docs/screenshots/)."""

from __future__ import annotations

import pytest

from workbench.export.patient_copy import patient_copy, to_html

from ..ui.conftest import CHROMIUM, CHROMIUM_ARGS, SCREENSHOTS

LETTER = {"width": 816, "height": 1056}  # 8.5 x 11 inches at 96 px per inch: one printed page


@pytest.fixture
def db_url(sqlite_url):
    """One backend is enough to photograph a page."""
    return sqlite_url


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _page_one(browser, html: str, name: str) -> dict:
    page = browser.new_page(viewport=LETTER)
    page.emulate_media(media="print")
    page.set_content(html, wait_until="load", timeout=60_000)
    box = page.evaluate("""() => {
        const calls = document.querySelector('ul.call').getBoundingClientRect();
        const night = [...document.querySelectorAll('ul.call li')].find(li => li.textContent.includes('24/7'));
        return {callsBottom: calls.bottom, nightText: night ? night.textContent : '', lang: document.documentElement.lang};
    }""")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), clip={"x": 0, "y": 0, **LETTER})
    page.close()
    return box


def test_page_one_in_english_shows_whom_to_call(copy_wb, browser):
    box = _page_one(browser, to_html(patient_copy(copy_wb, "P00001")), "patient-copy-page1-en.png")
    assert box["lang"] == "en" and "(518) 555-0199" in box["nightText"]
    assert box["callsBottom"] < LETTER["height"]
    assert (SCREENSHOTS / "patient-copy-page1-en.png").stat().st_size > 10_000


def test_page_one_in_spanish_shows_whom_to_call(spanish_copy, browser):
    box = _page_one(browser, to_html(spanish_copy()), "patient-copy-page1-es.png")
    assert box["lang"] == "es" and "(518) 555-0199" in box["nightText"]
    assert box["callsBottom"] < LETTER["height"]
