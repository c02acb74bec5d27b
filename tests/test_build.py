"""The strict site build: clean when the pages are right, failing when they are not."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from layerref.docsite.minisite import build, copy_project, switch_off_exec

pytestmark = pytest.mark.build
ROOT = Path(__file__).resolve().parent.parent


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
    bad = [p.relative_to(site).as_posix() for p in site.rglob("*.html")
           if _TRACEBACK.search(_text(p))]
    assert bad == []


def _text(page: Path) -> str:
    """The visible text of a built page."""
    return html.unescape(re.sub(r"<[^>]+>", "", page.read_text(encoding="utf-8")))


def test_two_clean_builds_are_byte_identical(built_site, tmp_path):
    """Determinism: a second clean build writes the same bytes (the sitemap's dates aside)."""
    _, site = built_site
    again = tmp_path / "site"
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(again)],
        cwd=ROOT, capture_output=True, text=True, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
    )
    assert result.returncode == 0, result.stderr
    assert different_files(site, again) == []


def different_files(a: Path, b: Path) -> list[str]:
    """Files that differ between two site folders, ignoring the sitemap (it holds build dates)."""
    def files(root: Path) -> dict[str, bytes]:
        return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
                if p.is_file() and not p.name.startswith("sitemap.xml")}

    left, right = files(a), files(b)
    return sorted(name for name in left.keys() | right.keys() if left.get(name) != right.get(name))


def test_determinism_check_can_fail(tmp_path):
    """Negative test: a changed byte in one page is reported."""
    for name in ("a", "b"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "index.html").write_text("<p>same</p>")
    (tmp_path / "b" / "index.html").write_text("<p>s4me</p>")
    (tmp_path / "b" / "sitemap.xml").write_text("2026-11-26")
    assert different_files(tmp_path / "a", tmp_path / "b") == ["index.html"]


# --- negative tests: each fault, injected into a copy of the project, must fail ---

FAULTS = {
    "raising block": '```python exec="on" source="above" result="text" id="neg-raise"\nraise ValueError("boom")\n```\n',
    "warning block": '```python exec="on" source="above" result="text" id="neg-warn"\nimport warnings\nwarnings.warn("careful")\n```\n',
    "missing page": "See [nowhere](no-such-page.md).\n",
    "missing anchor": "See [the section](index.md#no-such-anchor).\n",
    "unknown official name": "[[official: torch.nn.Conv4d]]\n",
}
EXPECTED = {
    "raising block": "ValueError: boom",
    "warning block": "UserWarning: careful",
    "missing page": "no-such-page.md",
    "missing anchor": "no-such-anchor",
    "unknown official name": "torch.nn.Conv4d",
}


@pytest.fixture(scope="module")
def faulty_build(tmp_path_factory) -> str:
    """One strict build of a copy of the project with one faulty page per fault.

    Only the fault pages run their blocks; each fault must produce its own message.
    """
    project = tmp_path_factory.mktemp("faulty")
    copy_project(project)
    switch_off_exec(project / "docs", keep=[])
    nav = []
    for fault, text in FAULTS.items():
        name = "neg-" + fault.replace(" ", "-") + ".md"
        (project / "docs" / name).write_text(f"# {fault}\n\n{text}", encoding="utf-8")
        nav.append(f"  - {fault}: {name}\n")
    config = project / "mkdocs.yml"
    config.write_text(config.read_text().replace("nav:\n", "nav:\n" + "".join(nav), 1))
    result = build(project)
    assert result.returncode != 0, "the build accepted every fault"
    return result.stderr


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_strict_build_rejects(faulty_build: str, fault: str):
    page = "neg-" + fault.replace(" ", "-") + ".md"
    reported = [line for line in faulty_build.splitlines() if page in line or EXPECTED[fault] in line]
    assert any(EXPECTED[fault] in line for line in reported), faulty_build[-3000:]


def test_unchanged_copy_builds(tmp_path: Path):
    """The control for the tests above: the copy itself builds cleanly."""
    copy_project(tmp_path)
    switch_off_exec(tmp_path / "docs", keep=[])
    result = build(tmp_path)
    assert result.returncode == 0, result.stderr


SEEDED = "```python exec=\"on\" id=\"neg-seeded\"\nimport torch\ntorch.manual_seed(1)\nprint(torch.rand(1))\n```\n"
COLLECTOR_FAULTS = {
    "raising block": ("```python exec=\"on\" id=\"neg-raise\"\nx = 1\nraise ValueError('boom')\n```\n",
                      "docs/neg-raising-block.md:4: in <module>"),
    "warning block": ("```python exec=\"on\" id=\"neg-warn\"\nimport warnings\nwarnings.warn('careful')\n```\n",
                      "UserWarning: careful"),
    "leaked dtype": ("```python exec=\"on\" id=\"neg-dtype\"\nimport torch\ntorch.set_default_dtype(torch.float64)\n```\n",
                     "left global state changed"),
    "leaked hook": ("```python exec=\"on\" id=\"neg-hook\"\nfrom torch.nn.modules.module import register_module_forward_hook\n"
                    "register_module_forward_hook(lambda *args: None)\n```\n", "left global state changed"),
    "unseeded randomness": (SEEDED + "```python exec=\"on\" id=\"neg-unseeded\"\nimport torch\nprint(torch.rand(1))\n```\n",
                            "prints differently alone than after the blocks before it"),
    "hang": ("```python exec=\"on\" id=\"neg-hang\"\nimport time\ntime.sleep(60)\n```\n",
             "block 'neg-hang' (docs/neg-hang.md:3) did not finish within 2 s"),
    "snapshot drift": ("```python exec=\"on\" id=\"neg-drift\"\nprint(2 + 2)\n```\n",
                       "prints something other than its snapshot"),
    "duplicate id": ("```python exec=\"on\" id=\"home-versions\"\nprint(1)\n```\n",
                     "duplicate block id 'home-versions'"),
    "session": ("```python exec=\"on\" id=\"neg-session\" session=\"s\"\nprint(1)\n```\n",
                "remove session="),
    "missing id": ("```python exec=\"on\"\nprint(1)\n```\n", "needs a unique id"),
}


def _slug(fault: str) -> str:
    return "neg-" + fault.replace(" ", "-")


@pytest.fixture(scope="module")
def collector_run(tmp_path_factory) -> str:
    """One pytest run over a copy of the project with one faulty page per fault."""
    project = tmp_path_factory.mktemp("collector")
    copy_project(project)
    for fault, (block, _) in COLLECTOR_FAULTS.items():
        page = project / "docs" / f"{_slug(fault)}.md"
        page.write_text(f"# Negative\n{block}", encoding="utf-8")
    snapshot = project / "tests" / "snapshots" / f"{_slug('snapshot drift')}.md"
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    snapshot.write_text("# Snapshot\n\n## neg-drift\n\n```text\n5\n```\n", encoding="utf-8")
    pages = [f"docs/{_slug(fault)}.md" for fault in COLLECTOR_FAULTS]
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "docs/index.md", *pages, "-q", "-rfE",
         "--continue-on-collection-errors", "-p", "no:cacheprovider",
         "-o", "layerref_block_timeout=2"],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(project)},
    )
    assert result.returncode != 0
    return result.stdout


@pytest.mark.parametrize("fault", sorted(COLLECTOR_FAULTS))
def test_collector_rejects(collector_run: str, fault: str):
    _, message = COLLECTOR_FAULTS[fault]
    page = f"docs/{_slug(fault)}.md"
    assert f"FAILED {page}" in collector_run or f"ERROR {page}" in collector_run, \
        f"the collector accepted a {fault}"
    assert message in collector_run
