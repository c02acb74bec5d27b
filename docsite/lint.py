"""Lint and format the pages' executed blocks with ruff, as readers will paste them.

Every executed block is standalone, so each is checked as a module of its own: written
to ``<tmp>/<page>/<block id>.py``, then ``ruff check`` and ``ruff format --check`` run
over them with the blocks' settings (`BLOCK_CONFIG`: the project's rules at 79
characters a line, which reads on a phone). Findings are reported at their page line.
``fix_pages`` applies ruff's safe fixes and its formatting, and writes the code back
into the pages (the fences and their indentation stay as they are).

A rule that is wrong for one teaching block (a block that shows a bad pattern on
purpose) is switched off for that block alone with ruff's file-level directive and a
reason: ``# ruff: noqa: E731 -- shows the lambda the notes use``.

Usage::

    .venv/bin/python -m docsite.lint          # report
    .venv/bin/python -m docsite.lint --fix    # fix and format the pages in place
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from docsite.blocks import Block, executed_blocks, iter_blocks

ROOT = Path(__file__).resolve().parents[1]
DOCS_DIR = ROOT / "docs"
BLOCK_CONFIG = Path(__file__).with_name("ruff-blocks.toml")


@dataclass(frozen=True)
class Finding:
    """A ruff finding in a block, located in its page."""

    page: str
    line: int
    block_id: str
    message: str

    def __str__(self) -> str:
        return f"docs/{self.page}:{self.line}: block {self.block_id!r}: {self.message}"


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--config", str(BLOCK_CONFIG)],
        capture_output=True,
        text=True,
        check=False,
    )


def _write_blocks(blocks: list[Block], folder: Path) -> dict[Path, Block]:
    files = {}
    for block in blocks:
        path = folder / block.page.removesuffix(".md") / f"{block.id}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(block.code, encoding="utf-8")
        files[path.resolve()] = block
    return files


def check_blocks(docs_dir: Path = DOCS_DIR) -> list[Finding]:
    """Ruff's lint findings and the unformatted blocks of every page under ``docs_dir``."""
    blocks = executed_blocks(docs_dir, translations=True)
    with tempfile.TemporaryDirectory(prefix="layerref-lint-") as tmp:
        files = _write_blocks(blocks, Path(tmp))
        found = []
        result = _ruff("check", "--output-format", "json", "--no-cache", tmp)
        for item in json.loads(result.stdout or "[]"):
            block = files[Path(item["filename"]).resolve()]
            found.append(
                Finding(
                    block.page,
                    block.line + item["location"]["row"] - 1,
                    block.id,
                    f"{item['code']} {item['message']}",
                )
            )
        # Format the copies and see which changed (ruff's --check wording is not an API).
        _ruff("format", "--no-cache", "--quiet", tmp)
        for path, block in files.items():
            if path.read_text(encoding="utf-8") != block.code:
                found.append(
                    Finding(
                        block.page,
                        block.line,
                        block.id,
                        "not formatted as `ruff format` would (run `make fmt`)",
                    )
                )
    return sorted(found, key=lambda f: (f.page, f.line))


def fix_pages(docs_dir: Path = DOCS_DIR) -> list[str]:
    """Apply ruff's safe fixes and formatting to every executed block; return the pages changed."""
    blocks = executed_blocks(docs_dir, translations=True)
    with tempfile.TemporaryDirectory(prefix="layerref-lint-") as tmp:
        files = _write_blocks(blocks, Path(tmp))
        _ruff("check", "--fix", "--no-cache", "--quiet", tmp)
        _ruff("format", "--no-cache", "--quiet", tmp)
        fixed = {(b.page, b.line): path.read_text(encoding="utf-8") for path, b in files.items()}
    changed = []
    for page in sorted({block.page for block in blocks}):
        path = docs_dir / page
        text = path.read_text(encoding="utf-8")
        new = replace_block_code(text, page, fixed)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed.append(page)
    return changed


def replace_block_code(text: str, page: str, code: dict[tuple[str, int], str]) -> str:
    """``text`` with the code of each block at ``(page, line)`` replaced, indentation kept.

    Examples:
        >>> md = '# T\\n\\n    ```python exec="on" id="a"\\n    x=1\\n    ```\\n'
        >>> print(replace_block_code(md, "p.md", {("p.md", 4): "x = 1\\n"}), end="")
        # T
        <BLANKLINE>
            ```python exec="on" id="a"
            x = 1
            ```
    """
    lines = text.splitlines(keepends=True)
    # Bottom-up, so that earlier blocks keep their line numbers.
    for block in sorted(iter_blocks(text, page), key=lambda b: b.line, reverse=True):
        if (page, block.line) not in code or code[(page, block.line)] == block.code:
            continue
        fence = lines[block.line - 2]
        indent = fence[: len(fence) - len(fence.lstrip())]
        start = block.line - 1
        end = start + len(block.code.splitlines())
        lines[start:end] = [
            indent + line if line.strip() else line
            for line in code[(page, block.line)].splitlines(keepends=True)
        ]
    return "".join(lines)


def main(argv: list[str]) -> int:
    if argv == ["--fix"]:
        for page in fix_pages():
            print(f"fixed docs/{page}")
    findings = check_blocks()
    for finding in findings:
        print(finding)
    return 1 if findings else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
