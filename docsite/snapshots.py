"""Reviewed snapshots of what each page's blocks print, one Markdown file per page.

A snapshot file holds, for every executed block of a page, its id and its output.
A figure a block prints (an inline ``<svg>``) is stored beside it as an SVG file of
its own, ``<page>/<block id>.svg``, that a reviewer can open (and a code host can
show as an image diff); the Markdown keeps a reference, ``[svg: <page>/<id>.svg]``,
in its place. Outputs are compared with `docsite.compare`: exactly, except for the
last printed digit of floats and sub-pixel movements in figures, which differ from
one CPU to another. ``make snapshots`` rewrites the files after a deliberate change
and leaves an entry as it was when the new output matches it within that tolerance,
so re-recording on another machine does not churn the files.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docsite.blocks import Block
from docsite.compare import figure_differences, text_differences

SNAPSHOT_DIR = Path(__file__).resolve().parents[1] / "tests" / "snapshots"
_ENTRY = re.compile(
    r"^## (?P<id>\S+)\n\n(?P<fence>`{3,})text\n(?P<body>.*?)\n?(?P=fence)$", re.M | re.S
)
_SVG = re.compile(r"<svg\b.*?</svg>", re.S)
_REFERENCE = re.compile(r"\[svg: (?P<name>[\w./-]+\.svg)\]")


@dataclass(frozen=True)
class Recorded:
    """A block's output as a snapshot stores it."""

    text: str
    """The printed text, each figure replaced by ``[svg: <file>]``; it ends in a newline."""
    figures: dict[str, str] = field(default_factory=dict)
    """Each figure's SVG by its file name (relative to the snapshot folder)."""


def snapshot_path(page: str, directory: Path = SNAPSHOT_DIR) -> Path:
    """Where the snapshot of ``page`` lives: ``convolution.md`` -> ``snapshots/convolution.md``."""
    return directory / page


def recorded(block: Block, output: str) -> Recorded:
    """The form in which a block's output is stored: figures apart, whole lines.

    Examples:
        >>> from docsite.blocks import Block
        >>> r = recorded(Block("p.md", 1, "", {"id": "fig"}, ""), "<figure><svg>x</svg></figure>")
        >>> r.text, r.figures
        ('<figure>[svg: p/fig.svg]</figure>\\n', {'p/fig.svg': '<svg>x</svg>'})
    """
    figures: dict[str, str] = {}

    def set_aside(match: re.Match[str]) -> str:
        suffix = f"-{len(figures) + 1}" if figures else ""
        name = f"{block.page.removesuffix('.md')}/{block.id}{suffix}.svg"
        figures[name] = match[0]
        return f"[svg: {name}]"

    text = _SVG.sub(set_aside, output)
    # Files store whole lines: `print(..., end="")` output gets its newline here too.
    return Recorded(text if not text or text.endswith("\n") else text + "\n", figures)


def differences(expected: Recorded, actual: Recorded) -> list[str]:
    """How ``actual`` differs from ``expected`` beyond float noise (empty: they match).

    Examples:
        >>> differences(Recorded("tensor([-0.0040])\\n"), Recorded("tensor([-0.0041])\\n"))
        []
        >>> print(*differences(Recorded("tensor([-0.0040])\\n"), Recorded("tensor([-0.0044])\\n")))
        ... # doctest: +ELLIPSIS
        -0.0040 became -0.0044 (more than one unit in the last printed digit or ...)
    """
    found = text_differences(expected.text, actual.text)
    for name in sorted(expected.figures.keys() | actual.figures.keys()):
        if name not in expected.figures or name not in actual.figures:
            found.append(f"figure {name} is {'new' if name in actual.figures else 'gone'}")
        else:
            found += [
                f"figure {name}: {d}"
                for d in figure_differences(expected.figures[name], actual.figures[name])
            ]
    return found


def load(page: str, directory: Path = SNAPSHOT_DIR) -> dict[str, Recorded]:
    """``{block id: recorded output}`` of a page; empty when there is no snapshot yet.

    Examples:
        >>> import tempfile; d = Path(tempfile.mkdtemp())
        >>> dump("p.md", {"a": Recorded("x\\n```\\n"), "b": Recorded("")}, d)
        >>> load("p.md", d)["a"].text, load("p.md", d)["b"].text
        ('x\\n```\\n', '')
    """
    path = snapshot_path(page, directory)
    if not path.is_file():
        return {}
    entries = {}
    for match in _ENTRY.finditer(path.read_text(encoding="utf-8")):
        text = match["body"] + ("\n" if match["body"] else "")
        figures = {}
        for name in _REFERENCE.findall(text):
            figure = directory / name
            figures[name] = figure.read_text(encoding="utf-8") if figure.is_file() else ""
        entries[match["id"]] = Recorded(text, figures)
    return entries


def dump(page: str, outputs: dict[str, Recorded], directory: Path = SNAPSHOT_DIR) -> None:
    """Write a page's snapshot, blocks in the given order, and its figures; drop stale figures."""
    parts = [
        f"# Snapshot of docs/{page}\n\nWhat each executed block printed (figures: "
        "the SVG files named). Update on purpose with `make snapshots`, then review the diff.\n"
    ]
    for block_id, output in outputs.items():
        body = output.text.removesuffix("\n")
        fence = "`" * max(3, _longest_backtick_run(body) + 1)
        parts.append(
            f"## {block_id}\n\n{fence}text\n{body}\n{fence}\n"
            if body
            else f"## {block_id}\n\n{fence}text\n{fence}\n"
        )
    path = snapshot_path(page, directory)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(parts), encoding="utf-8")
    figures = {name: svg for output in outputs.values() for name, svg in output.figures.items()}
    for old in figure_files(page, directory):
        if old.relative_to(directory).as_posix() not in figures:
            old.unlink()
    for name, svg in figures.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        # One element a line: a reviewable diff, and the same document.
        pretty = re.sub(r">\s*<", ">\n<", svg).rstrip("\n") + "\n"
        (directory / name).write_text(pretty, encoding="utf-8")


def figure_files(page: str, directory: Path = SNAPSHOT_DIR) -> list[Path]:
    """The stored figure files of ``page``."""
    return sorted((directory / page.removesuffix(".md")).glob("*.svg"))


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
