"""The strict site build: clean when the pages are right, failing when they are not."""

from __future__ import annotations

import html
import json
import re
import subprocess
from pathlib import Path

import pytest
from background import Command, recipe

from docsite.minisite import ROOT, TEST_SITE_URL, build_command, copy_project, replace_pages
from docsite.search import prose_only
from docsite.serve import site_path

pytestmark = pytest.mark.build


def test_strict_build_is_clean(built_site):
    result, site = built_site
    assert result.returncode == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if "WARNING" in line or "ERROR" in line]
    assert warnings == []
    assert (site / "index.html").is_file() and (site / "404.html").is_file()


# A real traceback names files; a doctest example in a docstring writes "..." instead.
_TRACEBACK = re.compile(r'Traceback \(most recent call last\):\s+File "')


def test_no_page_contains_a_traceback(built_site):
    _, site = built_site
    bad = [
        p.relative_to(site).as_posix() for p in site.rglob("*.html") if _TRACEBACK.search(_text(p))
    ]
    assert bad == []


_HREF = re.compile(r'\bhref="([^"]*)"')


def test_every_internal_link_resolves(built_site):
    """Every link between the built pages reaches a file and, if it names one, an anchor.

    MkDocs validates the links of the pages' Markdown; this also covers links in what
    the blocks print (the Coverage tables) and in the theme.
    """
    _, site = built_site
    pages = {p: p.read_text(encoding="utf-8") for p in site.rglob("*.html")}
    root = site_path(TEST_SITE_URL)  # an absolute path starts with the site's: /layerref/
    broken = []
    for page, text in pages.items():
        for href in set(_HREF.findall(html.unescape(text))):
            if re.match(r"[a-z]+:", href):
                continue  # other sites (the browser tests' offline guard checks them)
            path, _, anchor = href.partition("#")
            if path.startswith("/"):
                path = str(site / path.removeprefix(root)) if path.startswith(root) else path
            target = (page.parent / path).resolve() if path else page
            if target.is_dir():
                target /= "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site)}: {href} (no such file)")
            elif (
                anchor
                and target.suffix == ".html"
                and f'id="{anchor}"' not in pages.get(target, "")
            ):
                broken.append(f"{page.relative_to(site)}: {href} (no such anchor)")
    assert broken == [], f"{len(broken)} broken links, e.g. {broken[:10]}"


def _text(page: Path) -> str:
    """The visible text of a built page."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


# --- negative tests: each fault, injected into a copy of the project, must fail ---


def _slug(fault: str) -> str:
    """The name of the page that holds ``fault``."""
    return "neg-" + fault.replace(" ", "-")


# Each fault's page, or its block's id, is named on the WARNING line that reports it.
FAULTS = {
    "raising block": '```python exec="on" result="text" id="neg-raise"\n'
    'raise ValueError("boom")\n```\n',
    "warning block": '```python exec="on" result="text" id="neg-warn"\n'
    'import warnings\nwarnings.warn("careful")\n```\n',
    "missing page": "See [nowhere](no-such-page.md).\n",
    "missing anchor": "## A section\n\nSee [the other section](#no-such-anchor).\n",
    "unknown official name": "[[official: torch.nn.Conv4d]]\n",
}
EXPECTED = {
    "raising block": "ValueError: boom",
    "warning block": "UserWarning: careful",
    "missing page": "no-such-page.md",
    "missing anchor": "no-such-anchor",
    "unknown official name": "torch.nn.Conv4d",
}


@recipe("faulty_build", deferrable=True)
def _build_faulty_pages(workdir: Path) -> Command:
    """A strict build of a copy of the project whose only pages are one per fault."""
    project = copy_project(workdir)
    replace_pages(
        project, {f"{_slug(fault)}.md": f"# {fault}\n\n{text}" for fault, text in FAULTS.items()}
    )
    args, env = build_command(project)
    return Command(args, project, env)


@pytest.fixture(scope="module")
def faulty_build(jobs) -> str:
    """What the strict build of the faulty pages reported."""
    result = jobs.result("faulty_build")
    assert result.returncode != 0, "the build accepted every fault"
    return result.stderr


_LEVEL = re.compile(r"^(?P<level>DEBUG|INFO|WARNING|ERROR)\b", re.M)


def log_records(log: str) -> list[tuple[str, str]]:
    r"""``(level, text)`` of each record of a MkDocs log (a record runs to the next level word).

    Examples:
        >>> log_records("INFO -  a\nWARNING -  b\n  detail\n")
        [('INFO', 'INFO -  a\n'), ('WARNING', 'WARNING -  b\n  detail\n')]
    """
    starts = list(_LEVEL.finditer(log))
    return [
        (m["level"], log[m.start() : (starts[i + 1].start() if i + 1 < len(starts) else len(log))])
        for i, m in enumerate(starts)
    ]


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_strict_build_rejects(faulty_build: str, fault: str):
    """The fault is reported as a WARNING or an ERROR (an INFO line would not fail the build)."""
    page, block = f"{_slug(fault)}.md", _block_id(FAULTS[fault])
    reported = [
        text
        for level, text in log_records(faulty_build)
        if level in {"WARNING", "ERROR"}
        and (page in text.splitlines()[0] or (block and f"'{block}'" in text.splitlines()[0]))
    ]
    assert any(EXPECTED[fault] in text for text in reported), faulty_build[-3000:]


def _block_id(markdown: str) -> str:
    match = re.search(r'id="([^"]+)"', markdown)
    return match[1] if match else ""


def test_an_info_line_does_not_count_as_a_rejection():
    """Negative test of the check above: the same words at INFO level are not a rejection."""
    log = "INFO -  neg-raising-block.md: ValueError: boom\n"
    assert [level for level, text in log_records(log) if "ValueError: boom" in text] == ["INFO"]


def test_faulty_build_reports_only_the_faults(faulty_build: str):
    """The control for the tests above: every warning is one of the injected faults.

    Each fault's page, and each block id, is named ``neg-...``; so is nothing else.
    """
    warnings = [line for line in faulty_build.splitlines() if "WARNING" in line or "ERROR" in line]
    unexplained = [line for line in warnings if "neg-" not in line]
    assert len(warnings) >= len(FAULTS) and unexplained == [], faulty_build[-3000:]


# --- determinism ---


@recipe("second_build", deferrable=True)
def _build_again(workdir: Path) -> Command:
    args, env = build_command(ROOT, workdir / "site", TEST_SITE_URL)
    # Built "on another day" (MkDocs dates pages by SOURCE_DATE_EPOCH, else today): the
    # sitemap must not change, as its dates come from the pages' last commits.
    return Command(args, ROOT, {**env, "SOURCE_DATE_EPOCH": "978307200"})


@pytest.fixture(scope="module")
def second_build(jobs) -> tuple[subprocess.CompletedProcess[str], Path]:
    """A second clean build of the same sources, run alongside the first."""
    return jobs.result("second_build"), jobs.workdir("second_build") / "site"


def test_two_clean_builds_are_byte_identical(built_site, second_build):
    """Determinism: a second clean build, on another day, writes the same bytes (sitemap too)."""
    (_, site), (result, again) = built_site, second_build
    assert result.returncode == 0, result.stderr
    assert different_files(site, again) == []


def different_files(a: Path, b: Path) -> list[str]:
    """Files that differ between two site folders."""

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    left, right = files(a), files(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def test_determinism_check_can_fail(tmp_path):
    """Negative test: a changed byte in one page is reported."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("<p>same</p>")
    (tmp_path / "b" / "index.html").write_text("<p>s4me</p>")
    (tmp_path / "a" / "sitemap.xml").write_text("<lastmod>2026-11-26</lastmod>")
    (tmp_path / "b" / "sitemap.xml").write_text("<lastmod>2026-11-27</lastmod>")
    assert different_files(tmp_path / "a", tmp_path / "b") == ["index.html", "sitemap.xml"]


def _search_sections(page_html: str) -> list[tuple[str | None, str, str]]:
    """What Material's search indexer reads of ``page_html``: (anchor, title, text) per section."""
    from material.plugins.search.plugin import Parser

    parser = Parser()
    parser.feed(page_html)
    parser.close()
    return [(s.id, "".join(s.title), "".join(s.text)) for s in parser.data]


def _index(site: Path) -> list[dict]:
    return json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]


@pytest.mark.parametrize("page", ["normalization", "activations", "api"])
def test_search_indexes_every_section_of_a_page(built_site, page: str):
    """Indexing prose only loses no layer: one entry per ``##`` section (subsections merged).

    The heaviest page, a page with figures, and the mkdocstrings page.
    """
    _, site = built_site
    html = (site / page / "index.html").read_text(encoding="utf-8")
    article = html[html.index("<article") : html.index("</article>")]
    headings = re.findall(r'<h[12] id="([^"]+)"', article)
    indexed = [
        e["location"].partition("#")[2]
        for e in _index(site)
        if e["location"].partition("#")[0] == f"{page}/"
    ]
    assert indexed == ["", *headings[1:]] and len(indexed) > 5  # the page title is ""


def test_search_previews_are_prose_not_code_or_figures(built_site):
    _, site = built_site
    texts = " ".join(entry["text"] for entry in _index(site))
    for inside_code_or_figures in ("torch.manual_seed(", "Matplotlib", "svg+xml"):
        assert inside_code_or_figures not in texts
    assert "running statistics" in texts  # prose is indexed
    boosted = {e["location"] for e in _index(site) if e.get("boost") == 3}
    assert {"recurrent/#lstm", "linear-embedding/#embedding"} <= boosted  # a layer's own section
    assert "recurrent/#cells" not in boosted


def test_prose_only_removes_code_and_figures_only():
    """Negative test of the stripping: prose, captions and inline code stay."""
    html = (
        '<h2 id="a">A</h2><p>Use <code>nn.Conv2d</code>.</p><div class="highlight"><pre>'
        "<code>import torch</code></pre></div><figure><svg><text>x</text></svg>"
        "<figcaption>Cap</figcaption></figure>"
    )
    assert _search_sections(prose_only(html))[-1] == (
        "a",
        "A",
        "<p>Use <code>nn.Conv2d</code>.</p>Cap",
    )
