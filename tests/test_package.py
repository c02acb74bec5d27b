"""The published package: the library alone in the wheel, working in a fresh environment."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from background import Command, recipe

import layerref

pytestmark = pytest.mark.build
ROOT = Path(__file__).resolve().parents[1]


@recipe("wheel_report", deferrable=True)
def _build_and_try_the_wheel(workdir: Path) -> Command:
    return Command([sys.executable, str(ROOT / "tests" / "wheel_check.py"), str(workdir)], ROOT)


@pytest.fixture(scope="module")
def wheel_report(jobs) -> dict:
    """What tests/wheel_check.py found (see its docstring)."""
    result = jobs.result("wheel_report")
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout)


def test_the_wheel_holds_the_library_alone(wheel_report):
    library = sorted(
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "layerref").rglob("*")
        if p.suffix in {".py", ".typed"} and "__pycache__" not in p.parts
    )
    packaged = [f for f in wheel_report["files"] if not f.startswith("layerref-")]
    assert packaged == library
    assert "layerref/py.typed" in packaged and not any(
        "docsite" in f for f in wheel_report["files"]
    )


def test_the_wheel_metadata_is_complete(wheel_report):
    meta = wheel_report["metadata"]
    for line in (
        "License-Expression: MIT",
        "Classifier: Typing :: Typed",
        "Requires-Python: >=3.11",
        "Requires-Dist: torch>=2.13",
        f"Version: {layerref.__version__}",
    ):
        assert line in meta.splitlines(), line


def test_the_wheel_works_in_a_fresh_environment_with_only_torch(wheel_report):
    assert wheel_report["probe"], wheel_report["probe_errors"]
    probe = json.loads(wheel_report["probe"])
    assert "/venv/" in probe["file"]  # the installed wheel, not the checkout
    assert probe["version"] == layerref.__version__
    assert not any(probe["importable"].values()), probe[
        "importable"
    ]  # no site tooling, no dev deps
    attempted = sum(tried for tried, _ in probe["doctests"].values())
    failed = {name: bad for name, (_, bad) in probe["doctests"].items() if bad}
    assert attempted > 50 and failed == {}, probe["doctests"]
    assert (
        "'layerref'" in wheel_report["environment"]
        and "'mkdocs'" not in wheel_report["environment"]
    )
