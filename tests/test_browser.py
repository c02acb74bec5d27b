"""The built site in headless Chromium: loads cleanly, offline, searchable, usable on a phone."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from layerref.docsite.serve import serve

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def base_url(built_site):
    result, site = built_site
    assert result.returncode == 0, result.stderr
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `make browser` (or .ci/run) to install it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


class Visit:
    """A browser context that records console errors and blocks requests leaving 127.0.0.1."""

    def __init__(self, browser, **context_options):
        self.context = browser.new_context(**context_options)
        self.errors: list[str] = []
        self.external: list[str] = []
        self.context.route("**/*", self._route)

    def _route(self, route):
        host = urlparse(route.request.url).hostname
        if host in ("127.0.0.1", None) or route.request.url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.external.append(route.request.url)
            route.abort()

    def open(self, url: str):
        page = self.context.new_page()
        page.on("console", lambda m: m.type == "error" and self.errors.append(f"{url}: {m.text}"))
        page.on("pageerror", lambda e: self.errors.append(f"{url}: {e}"))
        page.goto(url, wait_until="networkidle")
        return page


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).parent.as_posix() + "/" for p in site.rglob("index.html")
                  if "assets" not in p.parts)


def test_every_page_loads_cleanly_and_offline(browser, base_url, built_site):
    visit = Visit(browser)
    pages = site_pages(built_site[1])
    assert len(pages) >= 20
    for path in pages:
        page = visit.open(base_url + path.removeprefix("./"))
        assert page.locator("h1").first.is_visible()
        page.close()
    assert visit.errors == []
    assert visit.external == []


@pytest.mark.parametrize(("query", "page"), [
    ("Conv2d", "convolution/"), ("LSTM", "recurrent/"), ("CrossEntropyLoss", "losses/"),
])
def test_search_finds_the_layer(browser, base_url, query, page):
    visit = Visit(browser)
    home = visit.open(base_url)
    home.locator("label.md-search__icon, .md-search__input").first.click()
    # The index (about 1 MB) loads in a web worker: a query typed before it is ready is lost.
    home.wait_for_function(
        "!document.querySelector('.md-search-result__meta').textContent.includes('Initializing')",
        timeout=60_000)
    home.locator("input.md-search__input").press_sequentially(query)
    results = home.locator(".md-search-result__item a")
    results.first.wait_for(timeout=30_000)
    hrefs = [results.nth(i).get_attribute("href") for i in range(min(results.count(), 5))]
    assert any(page in href for href in hrefs), hrefs


def test_copied_example_runs_and_prints_what_the_page_shows(browser, base_url, tmp_path):
    visit = Visit(browser, permissions=["clipboard-read", "clipboard-write"])
    page = visit.open(base_url + "submodules/")
    blocks = page.locator("xpath=//h2[@id='modules']/following-sibling::div[contains(@class,'highlight')]")
    source, shown = blocks.nth(0), blocks.nth(1)
    source.hover()
    source.locator("button[data-md-type=copy], button.md-clipboard").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "TextCNN" in copied and "assert" in copied
    # A reader runs it in a fresh Python, from their own folder, not the repository.
    run = subprocess.run([sys.executable, "-c", copied], capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == shown.inner_text().strip()


def test_every_code_block_has_a_copy_button(browser, base_url):
    page = Visit(browser).open(base_url + "convolution/")
    blocks = page.locator("div.highlight pre")
    buttons = page.locator("div.highlight button[data-md-type=copy], div.highlight button.md-clipboard")
    assert blocks.count() > 5 and buttons.count() == blocks.count()


def test_dark_light_toggle(browser, base_url):
    page = Visit(browser, color_scheme="light").open(base_url)
    scheme = lambda: page.evaluate("document.body.getAttribute('data-md-color-scheme')")
    assert scheme() == "default"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert scheme() == "slate"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert scheme() == "default"


def test_content_tabs_switch(browser, base_url):
    page = Visit(browser).open(base_url + "functional-vs-module/")
    tabs = page.locator(".tabbed-set").first
    labels = tabs.locator(".tabbed-labels label")
    assert labels.count() >= 2
    panels = tabs.locator(".tabbed-content > .tabbed-block")
    assert panels.nth(0).is_visible() and not panels.nth(1).is_visible()
    labels.nth(1).click()
    assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()


def test_usable_on_a_375px_phone(browser, base_url, built_site):
    visit = Visit(browser, viewport={"width": 375, "height": 812}, is_mobile=True)
    too_wide = []
    for path in site_pages(built_site[1]):
        page = visit.open(base_url + path.removeprefix("./"))
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 375:
            too_wide.append((path, width))
        page.close()
    assert too_wide == []


def test_missing_url_shows_the_404_page(browser, base_url):
    page = Visit(browser).open(base_url + "no-such-page/")
    assert "404" in page.locator("article").inner_text()


def test_screenshots(browser, base_url):
    """Full-page screenshots for people to look at (git-ignored artifacts)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    visit = Visit(browser, viewport={"width": 1280, "height": 900})
    for name, path in [("home", ""), ("activations", "activations/"), ("convolution", "convolution/"),
                       ("coverage", "coverage/")]:
        page = visit.open(base_url + path)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        assert (ARTIFACTS / f"{name}.png").stat().st_size > 10_000
    phone = Visit(browser, viewport={"width": 375, "height": 812}, is_mobile=True,
                  color_scheme="dark").open(base_url + "recurrent/")
    phone.screenshot(path=str(ARTIFACTS / "recurrent-phone-dark.png"))
