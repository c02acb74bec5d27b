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


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project whose pages run no blocks but the injected one."""
    copy_project(tmp_path)
    switch_off_exec(tmp_path / "docs", keep=["index.md"])
    return tmp_path


@pytest.mark.parametrize("fault", sorted(FAULTS))
def test_strict_build_rejects(project: Path, fault: str):
    page = project / "docs" / "index.md"
    page.write_text(page.read_text(encoding="utf-8") + "\n" + FAULTS[fault], encoding="utf-8")
    result = build(project)
    assert result.returncode != 0, f"the build accepted a {fault}"
    assert EXPECTED[fault] in result.stderr


def test_unchanged_copy_builds(project: Path):
    """The control for the tests above: the copy itself builds."""
    result = build(project)
    assert result.returncode == 0, result.stderr


COLLECTOR_FAULTS = {
    "raising block": ("```python exec=\"on\" id=\"neg-raise\"\nx = 1\nraise ValueError('boom')\n```\n",
                      "docs/neg.md:4: in <module>"),
    "warning block": ("```python exec=\"on\" id=\"neg-warn\"\nimport warnings\nwarnings.warn('careful')\n```\n",
                      "UserWarning: careful"),
    "leaked state": ("```python exec=\"on\" id=\"neg-dtype\"\nimport torch\ntorch.set_default_dtype(torch.float64)\n```\n",
                     "left global state changed"),
    "duplicate id": ("```python exec=\"on\" id=\"home-versions\"\nprint(1)\n```\n",
                     "duplicate block id 'home-versions'"),
    "session": ("```python exec=\"on\" id=\"neg-session\" session=\"s\"\nprint(1)\n```\n",
                "remove session="),
    "missing id": ("```python exec=\"on\"\nprint(1)\n```\n", "needs a unique id"),
}


@pytest.mark.parametrize("fault", sorted(COLLECTOR_FAULTS))
def test_collector_rejects(tmp_path: Path, fault: str):
    copy_project(tmp_path)
    block, message = COLLECTOR_FAULTS[fault]
    (tmp_path / "docs" / "neg.md").write_text(f"# Negative\n{block}", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "docs/index.md", "docs/neg.md", "-q",
         "-p", "no:cacheprovider"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
    )
    assert result.returncode != 0, f"the collector accepted a {fault}"
    assert message in result.stdout
