"""The built site in headless Chromium: loads cleanly, offline, searchable, usable on a phone."""

from __future__ import annotations

import contextlib
import inspect
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
from layerref import formulas as fm

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
        ("LSTM", "recurrent/#lstm"),
        ("GRU", "recurrent/#gru"),
        ("freeze embedding", "linear-embedding/#embedding"),
        ("Embedding", "linear-embedding/#embedding"),
        ("Dropout", "/dropout/#dropout"),
        ("EmbeddingBag", "linear-embedding/#embedding-bag"),
        ("Dropout2d", "dropout/#dropout-nd"),
        ("Tanh", "activations/#tanh"),
        ("Tanhshrink", "activations/#shrink"),
        ("LSTMCell", "recurrent/#cells"),
        ("ModuleList", "containers-hooks/#modulelist"),
        ("TransformerEncoderLayer", "transformer-attention/#encoder-layer"),
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
    # An English reader's results are English pages (the Chinese ones have their own index).
    every = "[...document.querySelectorAll('.md-search-result__item a')].map(a => a.pathname)"
    assert not [href for href in search.evaluate(every) if "/zh/" in href]


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


# --- the Calculators page ---------------------------------------------------------

# Runs every case of assets/calculator-cases.json (torch's answers, written by the build)
# through the page's window.layerrefFormulas: per family, how many agree, and the first
# disagreements. A case agrees when the function returns torch's result (an object may
# hold more keys than torch's, e.g. a stack row's text) or throws where torch raised; for
# a stack, the error must also name the layer torch refused.
_RUN_EVERY_CASE = """
async () => {
  // beside the page's calculators.js (assets/ at the site's root, for either language)
  const script = [...document.scripts].find((s) => s.src.endsWith("/calculators.js"));
  const response = await fetch(new URL("calculator-cases.json", script.src));
  const data = await response.json();
  const F = window.layerrefFormulas;
  const matches = (expected, actual) => {
    if (Array.isArray(expected)) {
      return Array.isArray(actual) && expected.length === actual.length
        && expected.every((e, i) => matches(e, actual[i]));
    }
    if (expected !== null && typeof expected === "object") {
      return actual !== null && typeof actual === "object"
        && Object.keys(expected).every((k) => k in actual && matches(expected[k], actual[k]));
    }
    return expected === actual;
  };
  const report = {torch: data.torch, families: {}, mismatches: [], outcomes: 0};
  // A digest of every result and message (FNV-1a), to compare the two languages' pages.
  const digest = (text) => {
    for (let i = 0; i < text.length; i++) {
      report.outcomes = Math.imul(report.outcomes ^ text.charCodeAt(i), 16777619) >>> 0;
    }
  };
  for (const family of data.families) {
    let agreed = 0;
    for (const c of family.cases) {
      let result, error = null;
      try {
        result = F[c.fn](structuredClone(c.args));
      } catch (thrown) {
        error = thrown;
      }
      digest(error === null ? JSON.stringify(result) ?? "undefined"
        : error.name + ": " + error.message + " @" + (error.arg ?? "") + "," + (error.index ?? ""));
      let problem = null;
      if ("error" in c) {
        if (error === null) problem = "returned " + JSON.stringify(result);
        else if (!(error instanceof Error)) problem = "threw a non-Error " + String(error);
        else if ("index" in c && (error.index ?? null) !== c.index) {
          problem = "refused layer " + error.index + ": " + error.message;
        }
      } else if (error !== null) {
        problem = "threw " + error.message;
      } else if (!matches(c.expect, result)) {
        problem = "returned " + JSON.stringify(result);
      }
      if (problem === null) agreed += 1;
      else if (report.mismatches.length < 10) {
        report.mismatches.push({family: family.key, case: c, javascript: problem});
      }
    }
    report.families[family.key] = [agreed, family.cases.length];
  }
  return report;
}
"""


def _open_calculators(desktop, address: str):
    """The Calculators page at ``address`` once its calculators are drawn, and its Visit
    (console errors, requests)."""
    visit = Visit(desktop)
    page = visit.open(address)
    page.wait_for_function("document.querySelectorAll('.lr-calc').length >= 11")
    return page, visit


@pytest.fixture(scope="module")
def calculators(desktop, base_url):
    """The Calculators page on a desktop."""
    return _open_calculators(desktop, base_url + "calculators/")


def test_calculators_agree_with_torch_on_every_case(calculators):
    """100 % agreement with torch, through the page's own JavaScript in Chromium."""
    page, visit = calculators
    report = page.evaluate(_RUN_EVERY_CASE)
    assert report["mismatches"] == [], json.dumps(report["mismatches"][:5], indent=1)
    total = sum(count for _, count in report["families"].values())
    assert all(agreed == count >= 1000 for agreed, count in report["families"].values())
    # The page states the number, computed by the build: the same cases.
    stated = page.locator("p", has_text="Verified against torch").first.inner_text()
    assert f"on {total:,} configurations" in stated, stated
    assert report["torch"].split("+")[0] in stated
    assert visit.errors == [] and visit.external == [] and visit.failed == []


def test_the_api_example_of_the_page(calculators):
    page, _ = calculators
    result = page.evaluate(
        "layerrefFormulas.conv_output_shape("
        "{input_size: [32, 32], kernel_size: 3, stride: 2, padding: 1})"
    )
    assert result == [16, 16]
    message = page.evaluate(
        "(() => { try { layerrefFormulas.rnn_params({mode: 'GRU', input_size: 3, "
        "hidden_size: 4, proj_size: 2}); } catch (e) { return e.message; } })()"
    )
    assert message == "proj_size is only supported by LSTM, got mode='GRU'"


def test_the_javascript_api_mirrors_layerref_formulas(calculators):
    """Every function of layerref.formulas, under its name, with its parameters and defaults;
    and the stack calculator's table of layers."""
    page, _ = calculators
    functions = {
        name: function
        for name, function in vars(fm).items()
        if inspect.isfunction(function)
        and function.__module__ == fm.__name__
        and not name.startswith("_")
    }
    javascript = page.evaluate(
        "Object.fromEntries(Object.entries(layerrefFormulas)"
        ".filter(([, f]) => typeof f === 'function' && f.parameters)"
        ".map(([name, f]) => [name, [f.parameters, f.defaults]]))"
    )
    assert sorted(javascript) == sorted(functions)
    for name, function in functions.items():
        parameters = inspect.signature(function).parameters
        defaults = {
            key: p.default
            for key, p in parameters.items()
            if p.default is not inspect.Parameter.empty
        }
        assert javascript[name] == [list(parameters), defaults], name
    layers = page.evaluate("layerrefFormulas.STACK_LAYERS")
    assert layers == {
        name: None if signature is None else [list(part) for part in signature]
        for name, signature in fm.STACK_LAYERS.items()
    }


def _field(calculator, name: str):
    """A calculator's field: its input and its error message slot, found by its label."""
    wrapper = calculator.locator(".lr-calc__field").filter(
        has=calculator.page.locator(f"[name={name}]")
    )
    return wrapper.locator(f"[name={name}]"), wrapper.locator(".lr-calc__error")


def test_a_calculator_updates_as_the_reader_types(calculators):
    page, _ = calculators
    conv = page.locator("[data-calc=conv]")
    output = conv.locator("output")
    assert "(N, 16, 16, 16)" in output.inner_text()
    stride, stride_error = _field(conv, "stride")
    stride.fill("")
    stride.press_sequentially("1")  # typing, key by key
    assert "(N, 16, 32, 32)" in output.inner_text()
    assert stride_error.inner_text() == ""
    # An invalid value: the message appears next to its field, which is marked invalid.
    kernel, kernel_error = _field(conv, "kernel_size")
    kernel.fill("")
    kernel.press_sequentially("40")
    assert "too small" in _field(conv, "input_size")[1].inner_text()
    kernel.fill("")
    kernel.press_sequentially("0")
    assert kernel_error.inner_text() == "kernel_size must be a positive int, got 0"
    assert kernel.get_attribute("aria-invalid") == "true"
    kernel.fill("3")
    assert kernel_error.inner_text() == "" and kernel.get_attribute("aria-invalid") is None
    # groups that do not divide the channels: torch's ValueError, by the groups field
    groups, groups_error = _field(conv, "groups")
    groups.fill("2")
    assert groups_error.inner_text() == "in_channels=3 must be divisible by groups=2"
    groups.fill("1")


def test_transposed_convolution_finds_the_output_padding(calculators):
    page, _ = calculators
    convt = page.locator("[data-calc=conv-transpose]")
    assert "output_padding=(1, 1)" in convt.locator("output").inner_text()  # 14 -> 28
    target, _ = _field(convt, "target")
    target.fill("27, 27")
    assert "output_padding=(0, 0)" in convt.locator("output").inner_text()


def test_stack_calculator_fills_the_question_mark_and_flags_the_first_bad_layer(calculators):
    page, _ = calculators
    stack = page.locator("[data-calc=stack]")
    layers, layers_error = _field(stack, "layers")
    shape, _ = _field(stack, "input_shape")
    shape.fill("2, 3, 8, 8")
    layers.fill("Conv2d(3, 8, 3), ReLU(), Flatten(), Linear(?, 10)")
    rows = stack.locator("tbody tr")
    assert rows.nth(4).inner_text().split("\t")[1:] == ["Linear(288, 10)", "(2, 10)", "2,890"]
    assert "Total parameters 3,114" in stack.locator("output").inner_text()
    layers.fill("Conv2d(3, 8, 3), Conv2d(4, 8, 3), Linear(?, 10)")
    assert layers_error.inner_text().startswith("layer 2, Conv2d(4, 8, 3): expected input")
    bad = stack.locator("tr.lr-calc__bad")
    assert bad.count() == 1 and "Conv2d(4, 8, 3)" in bad.inner_text()
    reason = stack.locator("tr.lr-calc__reason").inner_text()
    assert "to have 4 channels, but got 8 channels instead" in reason
    assert rows.nth(1).inner_text().split("\t")[2] == "(2, 8, 6, 6)"  # the layer before it


def test_rnn_calculator_lists_parameters_that_add_up(calculators):
    page, _ = calculators
    rnn = page.locator("[data-calc=rnn]")
    for mode, proj, bidirectional in (("LSTM", "5", True), ("GRU", None, False)):
        rnn.locator("[name=mode]").select_option(mode)
        if proj is not None:
            rnn.locator("[name=proj_size]").fill(proj)
        rnn.locator("[name=bidirectional]").set_checked(bidirectional)
        counts = [
            int(c.replace(",", "")) for c in rnn.locator("tbody td:last-child").all_inner_texts()
        ]
        total = rnn.locator(".lr-calc__result", has_text="Parameters").locator("strong")
        assert sum(counts) == int(total.inner_text().replace(",", "")), (mode, counts)
        assert len(counts) == 2 * (4 + (mode == "LSTM")) * (1 + bidirectional)  # 2 layers


def test_calculators_are_labelled_and_keyboard_usable(calculators):
    page, _ = calculators
    unlabelled = page.evaluate(
        "[...document.querySelectorAll('.lr-calc :is(input, select, textarea)')]"
        ".filter(e => !document.querySelector(`label[for='${e.id}']`)).map(e => e.name)"
    )
    assert unlabelled == []
    first = page.locator("[data-calc=mha] [name=embed_dim]")
    first.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "num_heads"
    page.keyboard.press("Control+A")
    page.keyboard.type("3")
    mha_output = page.locator("[data-calc=mha] output")
    error = page.locator("[data-calc=mha] .lr-calc__error").filter(has_text="divisible")
    assert error.inner_text() == "embed_dim=16 must be divisible by num_heads=3"
    page.keyboard.press("Backspace")
    page.keyboard.type("2")
    assert "1,088" in mha_output.inner_text()
    # checkboxes toggle from the keyboard too
    page.keyboard.press("Tab")  # kdim
    page.keyboard.press("Tab")  # vdim
    page.keyboard.press("Tab")  # bias
    page.keyboard.press("Space")
    assert "1,024" in mha_output.inner_text()  # 4 * 16 * 16, no biases


# --- the Calculators page in Chinese ----------------------------------------------------

# Takes the page's calculators through many states (each layer kind, valid and invalid
# values, a stack torch refuses in each way the calculator words) and returns every text
# the forms showed on the way: labels, hints, options, results, tables and messages.
_EVERY_STATE = """
(steps) => {
  const texts = new Set();
  const collect = () => {
    for (const root of document.querySelectorAll(".lr-calc")) {
      const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      while (walker.nextNode()) {
        const text = walker.currentNode.textContent.trim();
        if (text) texts.add(text);
      }
    }
  };
  const set = (calc, name, value) => {
    const input = document.querySelector(`[data-calc=${calc}] [name=${name}]`);
    if (input.type === "checkbox") input.checked = value;
    else input.value = value;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new Event("change", {bubbles: true}));
  };
  collect();
  for (const root of document.querySelectorAll(".lr-calc")) {
    for (const select of root.querySelectorAll("select")) {
      const initial = select.value;
      for (const option of select.options) {
        set(root.dataset.calc, select.name, option.value);
        collect();
      }
      set(root.dataset.calc, select.name, initial);
    }
  }
  for (const [calc, name, value] of steps) {
    set(calc, name, value);
    collect();
  }
  return [...texts];
}
"""

_STATES = [
    ("conv", "stride", "1"),
    ("conv", "padding", "same"),
    ("conv", "padding", "valid"),
    ("conv", "padding", "1"),
    ("conv", "stride", "2"),
    ("conv", "input_size", ""),  # a parse message
    ("conv", "input_size", "32, y"),
    ("conv", "input_size", "32"),  # one size for 2d
    ("conv", "input_size", "32, 32"),
    ("conv", "kernel_size", "0"),  # torch's wording
    ("conv", "kernel_size", "3"),
    ("conv", "bias", False),
    ("conv", "bias", True),
    ("conv-transpose", "target", "100, 100"),  # no output_padding reaches it
    ("conv-transpose", "target", "28, 28, 28"),
    ("conv-transpose", "target", "28, 28"),
    ("pool", "kind", "avg"),
    ("pool", "dims", "3"),
    ("pool", "input_size", "2, 2, 2"),
    ("pool", "kernel_size", "3"),  # AvgPool3d refuses the small input
    ("pool", "kind", "max"),
    ("pool", "dims", "2"),
    ("pool", "input_size", "1, 1"),
    ("pool", "kernel_size", "2"),
    ("pool", "ceil_mode", True),  # the other ceil_mode is an error
    ("pool", "input_size", "5, 5"),
    ("pool", "ceil_mode", False),
    ("adaptive", "output_size", "3, y"),
    ("adaptive", "dims", "1"),
    ("adaptive", "input_size", "100"),
    ("adaptive", "output_size", "70"),  # more bins than shown
    ("adaptive", "dims", "2"),
    ("adaptive", "input_size", "10, 7"),
    ("adaptive", "output_size", "3, None"),
    ("interpolate", "scale_factor", ""),
    ("interpolate", "scale_factor", "1.5, x"),
    ("interpolate", "scale_factor", "1.5"),
    ("interpolate", "recompute_scale_factor", "True"),
    ("interpolate", "recompute_scale_factor", "None"),
    ("rnn", "batch", ""),
    ("rnn", "batch", "3"),
    ("rnn", "bidirectional", True),
    ("rnn", "bidirectional", False),
    ("mha", "kdim", "8"),
    ("mha", "kdim", ""),
    ("norm", "kind", "instance"),
    ("norm", "kind", "batch"),
    ("stack", "layers", "Conv2d(3, 8, 3), Conv2d(4, 8, 3), Linear(?, 10)"),
    ("stack", "layers", "Conv2d(3, 8, 3) ReLU()"),
    ("stack", "layers", "Conv2d(3, 8, 3), ReLU("),
    ("stack", "layers", "Conv2d(3, 8, 3), ReLU() +"),
    ("stack", "layers", ""),
    ("stack", "layers", "Sequential(a=ReLU())"),
    ("stack", "layers", "3, ReLU()"),
    ("stack", "layers", "Conv(3, 8, 3)"),
    ("stack", "layers", "Qwertz()"),
    ("stack", "layers", "Conv2d(3, 8, x)"),
    ("stack", "layers", "Linear(3, ?)"),
    ("stack", "layers", "Flatten(?)"),
    ("stack", "layers", "MaxPool2d(2, return_indices=True)"),
    ("stack", "layers", "Conv2d(3, 8, 3, padding_mode='reflect')"),
    ("stack", "layers", "ReLU(), Embedding(10, 3)"),
    ("stack", "input_shape", "1, 1, 2, 2, 2"),
    ("stack", "layers", "AvgPool3d(3)"),
    ("stack", "input_shape", "1, 3, 28, 28"),
    ("stack", "layers", "Conv2d(3, 8, 3), ReLU(), Flatten(), Linear(?, 10)"),
]

# A text of the table (English or Chinese, "{name}" for a value) as a pattern: found
# anywhere in a text the page shows, but a word only as a whole word ("Layer", not the
# start of "LayerNorm").
_TEXT_PATTERN = r"""
(text) => {
  text = text.trim();
  let source = text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  source = source.replace(/\\\{\w+\\\}/g, "[^]*?");
  if (/^\w/.test(text)) source = "\\b" + source;
  if (/\w$/.test(text)) source = source + "\\b";
  return source;
}
"""


def _texts_found(page, texts: list[str], shown: list[str]) -> list[str]:
    """Which of `texts` (with "{name}" placeholders) the page showed in one of `shown`."""
    return page.evaluate(
        f"([texts, shown]) => {{ const pattern = {_TEXT_PATTERN};"
        " return texts.filter((text) => { const re = new RegExp(pattern(text));"
        " return shown.some((s) => re.test(s)); }); }",
        [texts, shown],
    )


@pytest.fixture(scope="module")
def calculators_zh(desktop, base_url):
    """The Chinese Calculators page on a desktop."""
    return _open_calculators(desktop, base_url + "zh/calculators/")


def test_calculators_show_chinese_results_as_the_reader_types_on_the_chinese_page(
    calculators_zh,
):
    page, visit = calculators_zh
    assert page.evaluate("document.documentElement.lang") == "zh"
    conv = page.locator("[data-calc=conv]")
    labels = conv.locator("label").all_inner_texts()
    assert labels[:2] == ["维数", "输入大小"] and "kernel_size" in labels and "bias" in labels
    assert "空间尺寸：L、H×W 或 D×H×W" in conv.locator(".lr-calc__hint").all_inner_texts()
    output = conv.locator("output")
    text = output.inner_text()
    assert "输出形状 (N, 16, 16, 16)" in text
    assert "可学习参数 448 = 权重 (16, 3, 3, 3) + 偏置 (16,)" in text
    assert "各维度" in text and "⌊(32 + 2·1 − 1·(3 − 1) − 1) / 2⌋ + 1 = 16" in text
    stride, stride_error = _field(conv, "stride")
    stride.fill("")
    stride.press_sequentially("1")  # typing, key by key
    assert "输出形状 (N, 16, 32, 32)" in output.inner_text()
    assert "⌊(32 + 2·1 − 1·(3 − 1) − 1) / 1⌋ + 1 = 32" in output.inner_text()
    assert stride_error.inner_text() == ""
    padding, _ = _field(conv, "padding")
    padding.fill("same")
    assert "padding='same'：输出保持输入的大小" in output.inner_text()
    padding.fill("1")
    # What the reader wrote, in Chinese; what torch refuses, in torch's words.
    kernel, kernel_error = _field(conv, "kernel_size")
    kernel.fill("")
    assert kernel_error.inner_text() == "请写一个整数，或每个维度一个：3 或 3, 5"
    kernel.press_sequentially("0")
    assert kernel_error.inner_text() == "kernel_size must be a positive int, got 0"
    kernel.fill("3")
    size, size_error = _field(conv, "input_size")
    size.fill("32")
    assert size_error.inner_text() == "请给出 2 个空间尺寸，对应 2d（不含批次维度和通道维度）"
    size.fill("32, 32")
    groups, groups_error = _field(conv, "groups")
    groups.fill("2")
    assert groups_error.inner_text() == "in_channels=3 must be divisible by groups=2"
    groups.fill("1")
    assert "输出形状 (N, 16, 32, 32)" in output.inner_text()
    # A stack torch refuses: the layer named in Chinese, torch's reason as torch gives it.
    stack = page.locator("[data-calc=stack]")
    layers, layers_error = _field(stack, "layers")
    layers.fill("Conv2d(3, 8, 3), Conv2d(4, 8, 3), Linear(?, 10)")
    assert layers_error.inner_text().startswith("第 2 层 Conv2d(4, 8, 3)：expected input")
    assert stack.locator("thead th").all_inner_texts() == ["序号", "层", "输出形状", "参数个数"]
    assert "✗ 被拒绝" in stack.locator("tr.lr-calc__bad").inner_text()
    assert visit.errors == [] and visit.failed == [] and visit.external == []


def _every_state(desktop, url: str) -> tuple[dict[str, str], list[str], dict[str, list[str]]]:
    """A fresh Calculators page's table of texts, every text it shows through _STATES, and
    which texts of the table (English, Chinese) were among them."""
    visit = Visit(desktop)
    page = visit.open(url)
    page.wait_for_function("document.querySelectorAll('.lr-calc').length >= 11")
    table = page.evaluate("window.layerrefCalculatorTexts")
    shown = page.evaluate(_EVERY_STATE, _STATES)
    found = {
        "english": _texts_found(page, list(table), shown),
        "chinese": _texts_found(page, list(table.values()), shown),
    }
    assert visit.errors == [] and visit.failed == [] and visit.external == []
    page.close()
    return table, shown, found


def test_calculators_leave_no_english_text_on_the_chinese_page(desktop, base_url):
    """Every text of the table shows in Chinese on the Chinese page, none in English; the
    English page still shows every one in English, and no Chinese."""
    table, shown, found = _every_state(desktop, base_url + "zh/calculators/")
    assert len(table) >= 60 and all(english != chinese for english, chinese in table.items())
    assert found["english"] == []  # no English text of the table left
    assert sorted(found["chinese"]) == sorted(table.values())  # each one shown, in Chinese

    same_table, shown, found = _every_state(desktop, base_url + "calculators/")
    assert same_table == table
    assert sorted(found["english"]) == sorted(table)
    assert [text for text in shown if any("\u4e00" <= c <= "\u9fff" for c in text)] == []


def test_calculators_compute_the_same_in_both_languages(calculators, calculators_zh):
    """window.layerrefFormulas on the Chinese page: every torch-made case agrees, with the
    same results and the same (English, torch-worded) messages as on the English page."""
    english = calculators[0].evaluate(_RUN_EVERY_CASE)
    chinese = calculators_zh[0].evaluate(_RUN_EVERY_CASE)
    assert chinese["mismatches"] == [], json.dumps(chinese["mismatches"][:5], indent=1)
    assert chinese["families"] == english["families"]
    assert chinese["outcomes"] == english["outcomes"]


def test_calculators_fit_a_phone_in_dark_mode(browser, built_site, base_url):
    context = browser.new_context(**PHONE, color_scheme="dark")
    serve_an_empty_search_index(context, built_site[1])
    visit = Visit(context)
    page = visit.open(base_url + "calculators/")
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    stack = page.locator("[data-calc=stack]")
    stack.locator("[name=layers]").fill(
        "nn.Sequential(nn.Conv2d(3, 64, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1)), "
        "nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.Flatten(), nn.Linear(12345, 10))"
    )
    assert stack.locator("tr.lr-calc__bad").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["viewport"]["width"]
    # The text reads on the dark background: the theme's colours, not black on black.
    colours = page.evaluate(
        "[getComputedStyle(document.querySelector('.lr-calc textarea')).color,"
        " getComputedStyle(document.querySelector('.lr-calc textarea')).backgroundColor]"
    )
    assert colours[0] != colours[1] and colours[1] != "rgb(255, 255, 255)"
    assert visit.errors == []
    context.close()


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
    found = home.evaluate(hrefs)
    assert any(h.endswith("/zh/transposed-convolution/") for h in found)
    assert all("/zh/" in h for h in found), found  # Chinese pages only, and links that work
    assert visit.errors == [] and visit.external == []
