"""Build the site strictly while executing only some pages' blocks.

Every page is copied (so links and anchors between pages still resolve), but
the exec blocks of the pages not selected are switched off. Used while writing
a page (fast feedback) and by the negative tests, which inject a fault into
one page and expect the real configuration to reject it.

Usage::

    .venv/bin/python -m docsite.minisite [--site-dir DIR] docs/convolution.md [docs/pooling.md ...]
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

from docsite.blocks import LANGUAGES

ROOT = Path(__file__).resolve().parents[1]
#: Where `make build` and the test session build the project's site.
SITE_DIR = ROOT / "site"
#: The address the test session builds the site for: a project site on a sub-path, as on
#: GitHub Pages, so the tests catch links and assets that only work at a domain's root.
TEST_SITE_URL = "https://example.org/layerref/"
# A fence line of an executed block: the whole option string goes, leaving a plain
# ```python fence (markdown-exec refuses a python fence with exec="off" altogether).
_EXEC_ON = re.compile(
    r'(?m)^([ \t]*`{3,}[ \t]*python)\b[^\n]*\bexec="(?!0"|no"|off"|false")[^"]*"[^\n]*$'
)
# The top-level nav: key and its indented (or blank) lines.
_NAV = re.compile(r"(?m)^nav:\n(?:(?:[ \t].*)?\n)*")


def copy_project(dest: Path, root: Path = ROOT) -> Path:
    """Copy what a build and the block tests need: configs, docs, layerref, docsite, snapshots."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "pyproject.toml"):
        shutil.copy2(root / name, dest / name)
    shutil.copytree(root / "docs", dest / "docs")
    if (root / "tests" / "snapshots").is_dir():
        shutil.copytree(root / "tests" / "snapshots", dest / "tests" / "snapshots")
    for package in ("layerref", "docsite"):
        shutil.copytree(
            root / package, dest / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    return dest


def switch_off_exec(docs_dir: Path, keep: Iterable[str]) -> None:
    """Make the blocks of every page except those in ``keep`` plain, unexecuted code."""
    keep = set(keep)
    for path in docs_dir.rglob("*.md"):
        if path.relative_to(docs_dir).as_posix() not in keep:
            text = path.read_text(encoding="utf-8")
            path.write_text(_EXEC_ON.sub(r"\1", text), encoding="utf-8")


def replace_pages(project: Path, pages: Mapping[str, str]) -> None:
    """Make ``pages`` (file name to Markdown) the only pages of the copy at ``project``.

    The nav lists exactly those pages, so the build renders
    nothing else: a few seconds instead of the whole site, for a test about one kind
    of fault. Each page is its own translation too (every page needs one).
    """
    docs = project / "docs"
    for path in docs.rglob("*.md"):
        path.unlink()
    pages = {"index.md": "# Home\n", **pages}  # every language needs a home page
    for name, text in pages.items():
        (docs / name).write_text(text, encoding="utf-8")
        for language in LANGUAGES:
            (docs / name).with_suffix(f".{language}.md").write_text(text, encoding="utf-8")
    config = project / "mkdocs.yml"
    nav = "nav:\n" + "".join(f"  - {name}\n" for name in pages)
    text, found = _NAV.subn(lambda _: nav, config.read_text(encoding="utf-8"))
    if found != 1:
        raise ValueError(f"{config} has no top-level nav: to replace")

    config.write_text(text, encoding="utf-8")


def build_command(
    project: Path, site_dir: Path | None = None, site_url: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """The strict build of ``project`` (no -q, no -v: see DESIGN.md): arguments and environment.

    The environment puts the project's own ``layerref`` and ``docsite`` first on the
    path, so a copy builds with its copy of both, and sets ``SITE_URL`` to ``site_url``
    (``None``: mkdocs.yml's local default).
    """
    site_dir = site_dir or project / "site"
    args = [
        sys.executable,
        "-m",
        "mkdocs",
        "build",
        "--strict",
        "--clean",
        "--site-dir",
        str(site_dir),
    ]
    env = {key: value for key, value in os.environ.items() if key != "SITE_URL"}
    env |= {"NO_MKDOCS_2_WARNING": "1", "PYTHONPATH": str(project)}
    if site_url:
        env["SITE_URL"] = site_url
    return args, env


def build(project: Path, site_dir: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run the strict build of ``project``; return the finished process."""
    args, env = build_command(project, site_dir)
    return subprocess.run(args, cwd=project, capture_output=True, text=True, env=env)


def selected_pages(paths: list[str], docs_dir: Path) -> list[str]:
    """The pages ``paths`` name, relative to ``docs_dir``; an error unless each is a page.

    Examples:
        >>> selected_pages([str(ROOT / "docs" / "index.md")], ROOT / "docs")
        ['index.md']
        >>> selected_pages([], ROOT / "docs")
        Traceback (most recent call last):
        ...
        ValueError: name at least one page to build, e.g. docs/convolution.md
    """
    if not paths:
        raise ValueError("name at least one page to build, e.g. docs/convolution.md")
    pages = []
    for path in paths:
        resolved = Path(path).resolve()
        if (
            resolved.suffix != ".md"
            or not resolved.is_file()
            or docs_dir.resolve() not in resolved.parents
        ):
            raise ValueError(f"{path} is not a page under {docs_dir}")
        pages.append(resolved.relative_to(docs_dir.resolve()).as_posix())
    return pages


def main(argv: list[str]) -> int:
    """``minisite [--site-dir DIR] docs/<page>.md ...``: a strict build running their blocks."""
    site_dir = None
    if argv[:1] == ["--site-dir"]:
        site_dir, argv = Path(argv[1]).resolve(), argv[2:]
    try:
        pages = selected_pages(argv, ROOT / "docs")
    except ValueError as error:
        print(f"minisite: {error}", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory(prefix="layerref-minisite-") as tmp:
        project = copy_project(Path(tmp))
        switch_off_exec(project / "docs", keep=pages)
        result = build(project, site_dir)
        print(result.stderr, end="")
        return result.returncode


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
