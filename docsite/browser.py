"""The built site in headless Chromium (Debian's, driven by Playwright), offline.

Used by the browser tests, and run on its own as the *page check*: every page of a
built site loaded on a 375 px phone, with console errors, requests to other hosts,
a missing title and horizontal scrolling recorded, plus full-page screenshots;
all written to a JSON report (with an empty search index: see
`serve_an_empty_search_index`). The test session runs the page check in the
background as soon as the site is built (see ``tests/background.py``).

Usage::

    .venv/bin/python -m docsite.browser site/ report.json artifacts/screenshots/ [SITE_URL]
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # Offline, as on the build machines: any host but the test server fails at once.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True}
#: Full-page screenshots the page check saves: (file name, device, path, colour scheme).
SCREENSHOTS = [
    ("home", DESKTOP, "", "light"),
    ("convolution", DESKTOP, "convolution/", "light"),
    ("distances-phone-dark", PHONE, "distances/", "dark"),
]


@contextlib.contextmanager
def chromium() -> Iterator[object]:
    """Debian's headless Chromium, as a Playwright ``Browser``."""
    if not CHROMIUM.exists():
        raise RuntimeError(
            "Debian's chromium is missing: run `make browser` (or .ci/run) to install it"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


class Visit:
    """A new tab that records console errors, every request to a host other than 127.0.0.1,
    and every request that failed (an HTTP error or no answer)."""

    def __init__(self, context: object) -> None:
        self.page = context.new_page()
        self.errors: list[str] = []
        self.external: list[str] = []
        self.failed: list[str] = []
        self.page.on("requestfailed", self._record_failed)
        self.page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.url}: {r.status}")
        )
        self.page.on(
            "console",
            lambda m: m.type == "error" and self.errors.append(f"{self.page.url}: {m.text}"),
        )
        self.page.on("pageerror", lambda e: self.errors.append(f"{self.page.url}: {e}"))
        self.page.on("request", self._record_external)

    def _record_failed(self, request: object) -> None:
        # Leaving a page aborts what it was still loading (the search worker): not a failure.
        if request.failure != "net::ERR_ABORTED":
            self.failed.append(f"{request.url}: {request.failure}")

    def _record_external(self, request: object) -> None:
        if (
            not request.url.startswith(("data:", "blob:"))
            and urlparse(request.url).hostname != "127.0.0.1"
        ):
            self.external.append(request.url)

    def open(self, url: str) -> object:
        """Load ``url`` in the tab (until its load event) and return the tab."""
        self.page.goto(url, wait_until="load")
        return self.page


def site_pages(site: Path) -> list[str]:
    """The URL paths of a built site's pages (``""`` for the home page, ``"pooling/"``, ...)."""
    return sorted(
        p.relative_to(site).parent.as_posix().removeprefix(".") + "/"
        for p in site.rglob("index.html")
        if "assets" not in p.parts
    )


def serve_an_empty_search_index(context: object, site: Path) -> None:
    """Answer ``context``'s requests for the search index with an index of no entries.

    On every page load Material's search worker builds its language's whole index (some
    300 sections), which costs Chromium as much CPU again as the page itself, though it
    is the same file on every page. The page check therefore loads pages
    with an empty index; the search tests load the real one.
    """
    config = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))[
        "config"
    ]
    body = json.dumps({"config": config, "docs": []})
    context.route(
        "**/search/search_index.json",
        lambda route: route.fulfill(body=body, content_type="application/json"),
    )


# How a page reads on the phone: [code blocks that scroll sideways, code blocks], and the
# code in tables that wraps inside a word (a line ends after a character that is not a
# space, "." or "_": "nn.Dropou|t").
_PHONE_LAYOUT = """() => {
  const code = [...document.querySelectorAll(".md-content pre > code")];
  const scrolling = code.filter(c => c.scrollWidth > c.clientWidth + 1).length;
  const breaksInsideWords = (element) => {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    let lastTop = null, lastChar = "";
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.data.length; i++) {
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rect = range.getBoundingClientRect();
        if (rect.width === 0) { lastChar = node.data[i]; continue; }  // a space at a line end
        if (lastTop !== null && rect.top > lastTop + 2 && !/[\\s._]/.test(lastChar)) return true;
        lastTop = rect.top; lastChar = node.data[i];
      }
    }
    return false;
  };
  const split = [...document.querySelectorAll(".md-content td code")]
    .filter(c => c.getClientRects().length > 1 && breaksInsideWords(c)).map(c => c.textContent);
  return {code: [scrolling, code.length], split: split};
}"""


def check_pages(browser: object, base_url: str, site: Path) -> dict[str, list]:
    """Load every page of ``site`` on a phone; report what went wrong (empty lists if nothing)."""
    pages = site_pages(site)
    context = browser.new_context(**PHONE)
    serve_an_empty_search_index(context, site)
    visit = Visit(context)
    untitled, too_wide, code_scrolling, split_names = [], [], {}, []
    for path in pages:
        page = visit.open(base_url + path.lstrip("/"))
        if not page.locator("h1").first.is_visible():
            untitled.append(path)
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > PHONE["viewport"]["width"]:
            too_wide.append([path, width])
        layout = page.evaluate(_PHONE_LAYOUT)
        code_scrolling[path] = layout["code"]
        split_names += [f"{path}: {name}" for name in layout["split"]]
    context.close()
    return {
        "pages": pages,
        "code_blocks_scrolling_sideways": code_scrolling,
        "identifiers_split_in_tables": split_names,
        "failed_requests": visit.failed,
        "console_errors": visit.errors,
        "external_requests": visit.external,
        "without_visible_title": untitled,
        "wider_than_the_phone": too_wide,
    }


def screenshot(browser: object, base_url: str, site: Path, folder: Path) -> list[str]:
    """Save the `SCREENSHOTS` of ``site`` into ``folder``; return their file names."""
    folder.mkdir(parents=True, exist_ok=True)
    saved = []
    for name, device, path, scheme in SCREENSHOTS:
        context = browser.new_context(**device, color_scheme=scheme)
        serve_an_empty_search_index(context, site)
        Visit(context).open(base_url + path).screenshot(
            path=str(folder / f"{name}.png"), full_page=True
        )
        context.close()
        saved.append(f"{name}.png")
    return saved


def main(argv: list[str]) -> int:
    from docsite.serve import serve, site_path

    site, report, screenshots = (Path(arg) for arg in argv[:3])
    # The address the site was built for decides the path it is served under.
    prefix = site_path(argv[3]) if len(argv) > 3 else "/"
    with serve(site, prefix) as base_url, chromium() as browser:
        result = check_pages(browser, base_url, site)
        result["screenshots"] = screenshot(browser, base_url, site, screenshots)
    report.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
