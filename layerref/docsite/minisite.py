"""Build the site strictly while executing only some pages' blocks.

Every page is copied (so links and anchors between pages still resolve), but
the exec blocks of the pages not selected are switched off. Used while writing
a page (fast feedback) and by the negative tests, which inject a fault into
one page and expect the real configuration to reject it.

Usage::

    .venv/bin/python -m layerref.docsite.minisite docs/convolution.md [docs/pooling.md ...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# A fence line of an executed block: the whole option string goes, leaving a plain
# ```python fence (markdown-exec refuses a python fence with exec="off" altogether).
_EXEC_ON = re.compile(r'(?m)^([ \t]*`{3,}[ \t]*python)\b[^\n]*\bexec="(?!0"|no"|off"|false")[^"]*"[^\n]*$')


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    """Copy what a build and the block tests need (configs, docs/, layerref/, snapshots)."""
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy2(root / name, dest / name)
    shutil.copytree(root / "docs", dest / "docs")
    if (root / "tests" / "snapshots").is_dir():
        shutil.copytree(root / "tests" / "snapshots", dest / "tests" / "snapshots")
    shutil.copytree(root / "layerref", dest / "layerref",
                    ignore=shutil.ignore_patterns("__pycache__"))
    return dest


def switch_off_exec(docs_dir: Path, keep: Iterable[str]) -> None:
    """Make the blocks of every page except those in ``keep`` plain, unexecuted code."""
    keep = set(keep)
    for path in docs_dir.rglob("*.md"):
        if path.relative_to(docs_dir).as_posix() not in keep:
            text = path.read_text(encoding="utf-8")
            path.write_text(_EXEC_ON.sub(r"\1", text), encoding="utf-8")


def build(project: Path) -> subprocess.CompletedProcess[str]:
    """Run the strict build (no -q, no -v) in ``project``; return the finished process."""
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(project / "site")],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)},
    )


def main(argv: list[str]) -> int:
    pages = [Path(a).resolve().relative_to(ROOT / "docs").as_posix() for a in argv]
    with tempfile.TemporaryDirectory(prefix="layerref-minisite-") as tmp:
        project = copy_project(Path(tmp))
        switch_off_exec(project / "docs", keep=pages)
        result = build(project)
        print(result.stderr, end="")
        return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
