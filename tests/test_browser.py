"""The built site in headless Chromium: loads cleanly, offline, searchable, usable on a phone."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from pathlib import Path

import pytest
from background import Command, recipe
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from docsite.browser import (
    DESKTOP,
    PHONE,
    SCREENSHOTS,
    Visit,
    chromium,
    serve_an_empty_search_index,
    site_pages,
)
from docsite.minisite import ROOT, SITE_DIR, TEST_SITE_URL
from docsite.serve import serve, site_path

pytestmark = pytest.mark.browser
ARTIFACTS = ROOT / "artifacts" / "screenshots"


@recipe("page_check", after="built_site")
def _check_every_page(workdir: Path) -> Command:
    """Every page in Chromium and the screenshots, in the background once the site is built."""
    return Command(
        [
            sys.executable,
            "-m",
            "docsite.browser",
            str(SITE_DIR),
            str(workdir / "report.json"),
            str(ARTIFACTS),
            TEST_SITE_URL,
        ],
        ROOT,
    )


@pytest.fixture(scope="module")
def page_check(jobs, built_site) -> dict:
    """The page check's report (see `docsite.browser.check_pages`)."""
    assert built_site[0].returncode == 0, built_site[0].stderr
    result = jobs.result("page_check")
    assert result.returncode == 0, result.stderr
    report = jobs.workdir("page_check") / "report.json"
    return json.loads(report.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def base_url(built_site):
    result, site = built_site
    assert result.returncode == 0, result.stderr
    with serve(site, site_path(TEST_SITE_URL)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as browser:
        yield browser


# One desktop context shared by the tests: the theme's CSS and scripts are fetched and
# compiled once, as for a reader who opens one page after another. Only the search tests
# need the real search index; the others get an empty one (see serve_an_empty_search_index).
@pytest.fixture(scope="module")
def desktop(browser, built_site):
    context = browser.new_context(**DESKTOP)
    serve_an_empty_search_index(context, built_site[1])
    yield context
    context.close()


@pytest.fixture(scope="module")
def desktop_with_search(browser):
    context = browser.new_context(**DESKTOP)
    yield context
    context.close()


def test_external_requests_are_caught(desktop, base_url):
    """Negative test of the offline check: a request to another host is recorded."""
    visit = Visit(desktop)
    page = visit.open(base_url)
    page.evaluate("fetch('https://example.com/x.js').catch(() => null)")
    page.wait_for_timeout(200)
    assert visit.external == ["https://example.com/x.js"]


@pytest.fixture(scope="module")
def search(desktop_with_search, base_url):
    """The home page with its search box open and the real search index loaded cleanly.

    (The page check loads every page with an empty index; this loads the real one.)
    """
    visit = Visit(desktop_with_search)
    home = visit.open(base_url)
    home.locator("label.md-search__icon, .md-search__input").first.click()
    # The index (about 1 MB) loads in a web worker: a query typed before it is ready is lost.
    home.wait_for_function(
        "!document.querySelector('.md-search-result__meta').textContent.includes('Initializing')",
        timeout=60_000,
    )
    assert visit.errors == [] and visit.external == []
    return home


@pytest.mark.parametrize(
    ("query", "section"),
    [
        ("Conv2d", "convolution/#conv"),
        ("conv2d output shape", "convolution/#conv"),
        ("LSTM proj_size", "recurrent/"),
        ("CrossEntropyLoss", "losses-classification/#cross-entropy"),
        ("BatchNorm2d", "normalization/#batchnorm"),
        ("MultiheadAttention", "transformer-attention/#mha"),
        ("key_padding_mask", "transformer-attention/#mha"),
        ("multi-label", "losses/#which-loss"),
    ],
)
def test_search_puts_the_section_first(search, query, section):
    """The first page of the results is the layer's page, its first section the layer's."""
    box = search.locator("input.md-search__input")
    box.fill("")
    box.press_sequentially(query)
    first_two = (
        "[...document.querySelectorAll('.md-search-result__item a')].slice(0, 2)"
        ".map(a => a.pathname + a.hash)"
    )
    with contextlib.suppress(PlaywrightTimeout):  # the assertion below reports what was found
        search.wait_for_function(
            f"{first_two}.some(href => href.endsWith({section!r}))", timeout=30_000
        )
    hrefs = search.evaluate(first_two)
    assert hrefs[-1].endswith(section) or hrefs[0].endswith(section), (query, hrefs)


@pytest.mark.parametrize("language", ["", "zh/"])
def test_copied_example_runs_and_prints_what_the_page_shows(desktop, base_url, tmp_path, language):
    """In both languages (the Chinese page shows the same example, comments aside)."""
    desktop.grant_permissions(["clipboard-read", "clipboard-write"])
    page = Visit(desktop).open(base_url + language + "submodules/")
    blocks = page.locator(
        "xpath=//h2[@id='modules']/following-sibling::div[contains(@class,'highlight')]"
    )
    source, shown = blocks.nth(0), blocks.nth(1)
    source.hover()
    source.locator("button[data-md-type=copy], button.md-clipboard").first.click()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "TextCNN" in copied and "assert" in copied
    # A reader runs it in a fresh Python, from their own folder, not the repository.
    run = subprocess.run(
        [sys.executable, "-c", copied], capture_output=True, text=True, cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == shown.inner_text().strip()


def test_every_code_block_has_a_copy_button(desktop, base_url):
    page = Visit(desktop).open(base_url + "convolution/")
    blocks = page.locator("div.highlight pre")
    buttons = page.locator(
        "div.highlight button[data-md-type=copy], div.highlight button.md-clipboard"
    )
    assert blocks.count() > 5 and buttons.count() == blocks.count()


def test_dark_light_toggle(desktop, base_url):
    visit = Visit(desktop)
    visit.page.emulate_media(color_scheme="light")
    page = visit.open(base_url)

    def scheme() -> str:
        return page.evaluate("document.body.getAttribute('data-md-color-scheme')")

    assert scheme() == "default"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert scheme() == "slate"
    page.locator("label.md-header__button[for^='__palette']:visible").first.click()
    assert scheme() == "default"


def test_content_tabs_switch(desktop, base_url):
    page = Visit(desktop).open(base_url + "functional-vs-module/")
    tabs = page.locator(".tabbed-set").first
    labels = tabs.locator(".tabbed-labels label")
    assert labels.count() >= 2
    panels = tabs.locator(".tabbed-content > .tabbed-block")
    assert panels.nth(0).is_visible() and not panels.nth(1).is_visible()
    labels.nth(1).click()
    assert panels.nth(1).is_visible() and not panels.nth(0).is_visible()


def test_missing_url_shows_the_404_page_with_its_styles(desktop, base_url):
    """Under the site's sub-path, the 404 page finds its stylesheets, scripts and links."""
    visit = Visit(desktop)
    missing = base_url + "no-such-page/"
    page = visit.open(missing)
    assert "404" in page.locator("article").inner_text()
    assert (
        page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"
    )
    assert visit.failed == [f"{missing}: 404"]  # the page itself, nothing it loads
    home = page.locator(".md-header__title a, a.md-header__button.md-logo").first.get_attribute(
        "href"
    )
    assert page.evaluate(f"new URL({home!r}, location.href).href") == base_url


# Last in this file: by now the page check, started in the background, is likely done.
def test_every_page_loads_cleanly_offline_and_fits_a_phone(page_check, built_site):
    """Every page on a 375 px phone, served under the site's sub-path: no console error,
    no failed request, nothing fetched from another host, a visible title, and no
    horizontal scrolling. (The tests above use the desktop.)"""
    assert page_check["pages"] == site_pages(built_site[1]) and len(page_check["pages"]) >= 20
    assert page_check["console_errors"] == []
    assert page_check["failed_requests"] == []
    assert page_check["external_requests"] == []
    assert page_check["without_visible_title"] == []
    assert page_check["wider_than_the_phone"] == []


def test_code_and_tables_read_on_a_phone(page_check):
    """On a 375 px phone at most one code block in ten scrolls sideways on any page (code
    wraps), and no identifier in a table breaks across lines (rows become cards)."""
    scrolling = {
        page: f"{n} of {total}"
        for page, (n, total) in page_check["code_blocks_scrolling_sideways"].items()
        if n * 10 > total
    }
    assert scrolling == {}
    assert page_check["identifiers_split_in_tables"] == []


def test_screenshots(page_check):
    """Full-page screenshots for people to look at (git-ignored artifacts)."""
    assert page_check["screenshots"] == [f"{name}.png" for name, *_ in SCREENSHOTS]
    for name in page_check["screenshots"]:
        assert (ARTIFACTS / name).stat().st_size > 10_000


def test_a_long_page_shows_the_current_layer_and_the_next_on_a_phone(browser, built_site, base_url):
    """Deep in a section on a phone, its ``##`` heading stays under the header, and the
    section ends with a link to the next one (a link shown only on narrow screens)."""
    context = browser.new_context(**PHONE)
    serve_an_empty_search_index(context, built_site[1])
    page = Visit(context).open(base_url + "recurrent/")
    lstm = page.locator("h2#lstm")
    next_link = page.locator("p.layerref-next a[href='#lstm']")
    assert next_link.is_visible()
    page.evaluate("document.getElementById('lstm').nextElementSibling.scrollIntoView()")
    page.evaluate("window.scrollBy(0, 1500)")  # well into the LSTM section
    page.wait_for_timeout(300)
    header = page.evaluate("document.querySelector('.md-header').getBoundingClientRect().bottom")
    top = page.evaluate("document.getElementById('lstm').getBoundingClientRect().top")
    assert lstm.is_visible() and abs(top - header) < 2, (top, header)
    context.close()
    desktop = browser.new_context(**DESKTOP)
    serve_an_empty_search_index(desktop, built_site[1])
    wide = Visit(desktop).open(base_url + "recurrent/")
    assert not wide.locator("p.layerref-next").first.is_visible()
    desktop.close()


def test_the_split_identifier_check_can_fail(desktop):
    """Negative test: a name forced to break inside a word is reported; at a dot it is not."""
    from docsite.browser import _PHONE_LAYOUT

    page = desktop.new_page()
    cell = '<td style="width: 6em"><code style="overflow-wrap: anywhere">{}</code></td>'
    page.set_content(
        '<div class="md-content"><table><tr>'
        + cell.format("nn.CrossEntropyLossFunction")
        + "</tr><tr>"
        + cell.format("nn.<wbr>CrossEntropy")
        + "</tr></table></div>"
    )
    assert page.evaluate(_PHONE_LAYOUT)["split"] == ["nn.CrossEntropyLossFunction"]
    page.close()


def test_the_language_menu_keeps_the_page_and_the_section(desktop, base_url):
    page = Visit(desktop).open(base_url + "zh/pooling/#adaptive")
    assert page.evaluate("document.documentElement.lang") == "zh"
    with page.expect_navigation():
        page.evaluate("document.querySelector('a.md-select__link[hreflang=en]').click()")
    assert page.url == base_url + "pooling/#adaptive"
    assert page.evaluate("document.documentElement.lang") == "en"
    with page.expect_navigation():
        page.evaluate("document.querySelector('a.md-select__link[hreflang=zh]').click()")
    assert page.url == base_url + "zh/pooling/#adaptive"


def test_chinese_search_finds_a_word_from_the_middle_of_a_title(desktop_with_search, base_url):
    """转置 (transposed) is the first half of 转置卷积: jieba's segments must be searchable."""
    visit = Visit(desktop_with_search)
    home = visit.open(base_url + "zh/")
    home.locator("label.md-search__icon, .md-search__input").first.click()
    home.wait_for_function(
        "!document.querySelector('.md-search-result__meta').textContent.includes('Initializing')",
        timeout=60_000,
    )
    home.locator("input.md-search__input").press_sequentially("转置")
    hrefs = "[...document.querySelectorAll('.md-search-result__item a')].map(a => a.pathname)"
    with contextlib.suppress(PlaywrightTimeout):
        home.wait_for_function(
            f"{hrefs}.some(h => h.endsWith('/zh/transposed-convolution/'))", timeout=30_000
        )
    assert any(h.endswith("/zh/transposed-convolution/") for h in home.evaluate(hrefs))
    assert visit.errors == [] and visit.external == []
