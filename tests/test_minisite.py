"""`docsite.minisite` runs the blocks of the pages it is given, and only theirs."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from background import Command, recipe

from docsite.minisite import copy_project, replace_pages

pytestmark = pytest.mark.build

RAISING = '```python exec="on" result="text" id="{id}"\nraise ValueError("boom from {id}")\n```\n'
PAGES = {
    "selected.md": "# Selected\n\n" + RAISING.format(id="mini-selected"),
    "quiet.md": '# Quiet\n\n```python exec="on" result="text" id="mini-quiet"\n'
    'print("the quiet block ran:", 6 * 7)\n```\n',
    "other.md": "# Other\n\n" + RAISING.format(id="mini-other"),
}


def _minisite(workdir: Path, *args: str) -> Command:
    project = copy_project(workdir / "project")
    replace_pages(project, PAGES)
    return Command(
        [sys.executable, "-m", "docsite.minisite", "--site-dir", str(workdir / "site"), *args],
        project,
        {**os.environ, "PYTHONPATH": str(project)},
    )


@recipe("minisite_of_a_raising_page", deferrable=True)
def _build_the_raising_page(workdir: Path) -> Command:
    return _minisite(workdir, "docs/selected.md")


@recipe("minisite_of_a_quiet_page", deferrable=True)
def _build_the_quiet_page(workdir: Path) -> Command:
    return _minisite(workdir, "docs/quiet.md")


@pytest.fixture(scope="module")
def minisite_of_a_raising_page(jobs) -> subprocess.CompletedProcess[str]:
    return jobs.result("minisite_of_a_raising_page")


@pytest.fixture(scope="module")
def minisite_of_a_quiet_page(jobs) -> tuple[subprocess.CompletedProcess[str], Path]:
    return jobs.result("minisite_of_a_quiet_page"), jobs.workdir(
        "minisite_of_a_quiet_page"
    ) / "site"


def test_the_selected_page_runs_its_blocks(minisite_of_a_raising_page):
    result = minisite_of_a_raising_page
    assert result.returncode != 0
    assert "ValueError: boom from mini-selected" in result.stdout
    assert "mini-other" not in result.stdout  # not selected: not run


def test_other_pages_blocks_stay_plain_code(minisite_of_a_quiet_page):
    result, site = minisite_of_a_quiet_page
    assert result.returncode == 0, result.stdout
    quiet = (site / "quiet" / "index.html").read_text(encoding="utf-8")
    other = (site / "other" / "index.html").read_text(encoding="utf-8")
    assert "the quiet block ran: 42" in quiet  # the selected page's block ran and printed
    assert "boom from mini-other" in other and "Traceback" not in other  # shown, not run


def test_a_minisite_of_no_page_is_refused():
    result = subprocess.run(
        [sys.executable, "-m", "docsite.minisite"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[1],
    )
    assert result.returncode == 2 and "name at least one page" in result.stderr
