"""Reviewed snapshots of what each page's blocks print, one Markdown file per page.

A snapshot file holds, for every executed block of a page, its id and its
output. Figures (``html="1"`` blocks) are stored as a SHA-256 digest of the SVG
so the files stay readable. The tests compare every block's output with its
snapshot; ``make snapshots`` rewrites them after a deliberate change.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from docsite.blocks import Block

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "tests" / "snapshots"
_ENTRY = re.compile(r"^## (?P<id>\S+)\n\n(?P<fence>`{3,})text\n(?P<body>.*?)\n?(?P=fence)$",
                    re.M | re.S)


def snapshot_path(page: str, directory: Path = SNAPSHOT_DIR) -> Path:
    """Where the snapshot of ``page`` lives: ``convolution.md`` -> ``snapshots/convolution.md``."""
    return directory / page


def recorded(block: Block, output: str) -> str:
    """The form in which a block's output is stored (a digest for figures).

    Examples:
        >>> from docsite.blocks import Block
        >>> recorded(Block("p.md", 1, "", {"html": "1"}, ""), "<svg/>")[:14]
        'sha256:d4dc566'
    """
    if block.options.get("html", "").lower() in {"1", "true", "on", "yes"}:
        return "sha256:" + hashlib.sha256(output.encode()).hexdigest() + "\n"
    # Files store whole lines: `print(..., end="")` output gets its newline here too.
    return output if not output or output.endswith("\n") else output + "\n"


def load(page: str, directory: Path = SNAPSHOT_DIR) -> dict[str, str]:
    """``{block id: recorded output}`` of a page; empty when there is no snapshot yet.

    Examples:
        >>> import tempfile; d = Path(tempfile.mkdtemp())
        >>> dump("p.md", {"a": "x\\n```\\n", "b": ""}, d)
        >>> load("p.md", d)
        {'a': 'x\\n```\\n', 'b': ''}
    """
    path = snapshot_path(page, directory)
    if not path.is_file():
        return {}
    return {m["id"]: m["body"] + ("\n" if m["body"] else "")
            for m in _ENTRY.finditer(path.read_text(encoding="utf-8"))}


def dump(page: str, outputs: dict[str, str], directory: Path = SNAPSHOT_DIR) -> None:
    """Write a page's snapshot, blocks in the given order."""
    parts = [f"# Snapshot of docs/{page}\n\nWhat each executed block printed. "
             "Update on purpose with `make snapshots`, then review the diff.\n"]
    for block_id, output in outputs.items():
        body = output.removesuffix("\n")
        fence = "`" * max(3, _longest_backtick_run(body) + 1)
        parts.append(f"## {block_id}\n\n{fence}text\n{body}\n{fence}\n" if body
                     else f"## {block_id}\n\n{fence}text\n{fence}\n")
    path = snapshot_path(page, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
