"""Find the executed Python blocks of the Markdown pages.

An executed block is a fenced code block whose info string is ``python`` with
an ``exec`` option that markdown-exec treats as on (anything but ``0``,
``no``, ``off`` or ``false``), e.g.::

    ```python exec="on" source="above" result="text" id="linear-count"
    ...
    ```
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<lang>[\w+-]+)(?P<opts>.*)$")
_OFF = {"0", "no", "off", "false"}


@dataclass(frozen=True)
class Block:
    """One fenced Python block of a page."""

    page: str
    """The page's path relative to the docs folder, e.g. ``"convolution.md"``."""
    line: int
    """1-based line number of the block's first code line in the page."""
    code: str
    options: dict[str, str] = field(default_factory=dict)
    section: str = ""
    """The ``##`` heading above the block, as written (``""`` before the first one)."""

    @property
    def executed(self) -> bool:
        """Whether markdown-exec runs this block."""
        value = self.options.get("exec")
        return value is not None and value.lower() not in _OFF

    @property
    def id(self) -> str:
        """The block's ``id`` option, or ``""``."""
        return self.options.get("id", "")


def parse_options(text: str) -> dict[str, str]:
    """Parse a fence's options, e.g. ``exec="on" id="x"`` -> ``{"exec": "on", "id": "x"}``.

    Examples:
        >>> parse_options(' exec="on" result=text id="conv-1"')
        {'exec': 'on', 'result': 'text', 'id': 'conv-1'}
    """
    options = {}
    for token in shlex.split(text.strip().strip("{}")):
        key, _, value = token.partition("=")
        options[key] = value
    return options


def iter_blocks(text: str, page: str) -> Iterator[Block]:
    """Yield every fenced ``python`` block of a Markdown text, executed or not.

    Fences may be indented (inside admonitions or tabs); the indentation is removed.

    Examples:
        >>> md = '## Title\\n\\n```python exec="on" id="a"\\nprint(1)\\n```\\n'
        >>> [(b.id, b.line, b.code, b.section) for b in iter_blocks(md, "p.md")]
        [('a', 4, 'print(1)\\n', 'Title')]
    """
    lines = text.splitlines()
    section = ""
    i = 0
    while i < len(lines):
        line = lines[i]
        match = _OPEN.match(line)
        if match is None:
            if line.startswith("## "):
                section = line[3:].strip()
            i += 1
            continue
        indent, fence = match["indent"], match["fence"]
        close = re.compile(rf"^{re.escape(indent)}{re.escape(fence[0])}{{{len(fence)},}}[ \t]*$")
        body: list[str] = []
        j = i + 1
        while j < len(lines) and not close.match(lines[j]):
            body.append(
                lines[j][len(indent) :] if lines[j].startswith(indent) else lines[j].lstrip()
            )
            j += 1
        if match["lang"] in ("python", "py"):
            yield Block(page, i + 2, "\n".join(body) + "\n", parse_options(match["opts"]), section)
        i = j + 1


#: The languages of the site besides English, by the suffix of their pages' files.
LANGUAGES = ("zh",)
_TRANSLATION = re.compile(rf"\.({'|'.join(LANGUAGES)})\.md$")


def is_translation(path: Path | str) -> bool:
    """Whether a page file is a translation (``pooling.zh.md``), not an English page.

    Examples:
        >>> is_translation("pooling.zh.md"), is_translation("pooling.md")
        (True, False)
    """
    return bool(_TRANSLATION.search(str(path)))


def english_page(translation: Path) -> Path:
    """The English page a translation translates: ``pooling.zh.md`` -> ``pooling.md``."""
    return translation.with_name(_TRANSLATION.sub(".md", translation.name))


def english_pages(docs_dir: Path) -> list[Path]:
    """The English pages under ``docs_dir`` (their translations have the same blocks)."""
    return [path for path in sorted(docs_dir.rglob("*.md")) if not is_translation(path)]


def page_blocks(docs_dir: Path, *, translations: bool = False) -> list[Block]:
    """Every Python block of every page under ``docs_dir``, in page and line order.

    Args:
        docs_dir: The folder of the pages.
        translations: Include the translated pages' blocks (the same code, comments aside).
    """
    paths = sorted(docs_dir.rglob("*.md")) if translations else english_pages(docs_dir)
    blocks: list[Block] = []
    for path in paths:
        page = path.relative_to(docs_dir).as_posix()
        blocks.extend(iter_blocks(path.read_text(encoding="utf-8"), page))
    return blocks


def executed_blocks(docs_dir: Path, *, translations: bool = False) -> list[Block]:
    """The blocks markdown-exec runs, in page and line order (see `page_blocks`)."""
    return [b for b in page_blocks(docs_dir, translations=translations) if b.executed]
