"""ruff over the Python code and the pages' blocks; mypy --strict over layerref."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from background import Command, recipe

from docsite.lint import check_blocks

ROOT = Path(__file__).resolve().parents[1]
PYTHON_CODE = ["layerref", "docsite", "tests", "scripts"]


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args], cwd=ROOT, capture_output=True, text=True, check=False
    )


def test_python_code_passes_ruff_lint():
    result = _ruff("check", "--no-cache", "--output-format", "concise", *PYTHON_CODE)
    assert result.returncode == 0, result.stdout[-4000:]


def test_python_code_is_formatted():
    result = _ruff("format", "--check", "--no-cache", *PYTHON_CODE)
    assert result.returncode == 0, f"run `make fmt`:\n{result.stdout[-4000:]}"


def test_every_block_passes_ruff_as_readers_paste_it():
    findings = check_blocks()
    assert findings == [], f"{len(findings)} findings (`make fmt` fixes some):\n" + "\n".join(
        map(str, findings[:40])
    )


def test_block_findings_point_at_the_page_line(tmp_path):
    """Negative test: an unused import and unformatted code are reported where they are."""
    page = tmp_path / "p.md"
    page.write_text(
        '# P\n\n```python exec="on" id="p-bad"\nimport os\nx=1\n```\n', encoding="utf-8"
    )
    found = [str(f) for f in check_blocks(tmp_path)]
    assert any(f.startswith("docs/p.md:4: block 'p-bad': F401") for f in found), found
    assert any(f.startswith("docs/p.md:4: block 'p-bad': not formatted") for f in found), found


@recipe("mypy_run", deferrable=True)
def _type_check(workdir: Path) -> Command:
    return Command(
        [
            sys.executable,
            "-m",
            "mypy",
            "--strict",
            "--no-incremental",
            "--cache-dir",
            str(workdir / "cache"),
            "layerref",
        ],
        ROOT,
    )


@pytest.fixture(scope="module")
def mypy_run(jobs) -> subprocess.CompletedProcess[str]:
    return jobs.result("mypy_run")


def test_layerref_type_checks_strictly(mypy_run):
    assert mypy_run.returncode == 0, mypy_run.stdout[-4000:]
