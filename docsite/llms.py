"""``llms.txt`` and ``llms-full.txt`` at the site root, for coding assistants.

``llms.txt`` lists every page of the nav, by section, with its address and its opening
sentence. ``llms-full.txt`` holds every page as its Markdown source, each executed block
followed by what it printed in this build (taken from `docsite.i18n`, which remembers
every block's output), a figure by its description: the same proven examples a reader
gets, in the form a language model reads best. Written by the build's post-build hook
from the pages' sources: no HTML-to-Markdown conversion (which cost a quarter of the
build with mkdocs-llmstxt).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from docsite.blocks import iter_blocks
from docsite.links import expand_official_links

_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_ATTRIBUTES = re.compile(r"\s*\{\s*#[^}]*\}\s*$", re.M)
_ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')


@dataclass(frozen=True)
class Page:
    """A page of the nav: its section, title, Markdown source file and address."""

    section: str
    title: str
    source: Path
    url: str


def nav_pages(
    nav: Iterable[object], docs_dir: Path, site_url: str, section: str = ""
) -> list[Page]:
    """The pages of an MkDocs ``nav`` setting (a list of ``{title: page or list}``), in order.

    Examples:
        >>> nav = [{"Home": "index.md"}, {"Layers": [{"Pooling": "pooling.md"}]}]
        >>> [p.url for p in nav_pages(nav, Path("docs"), "https://x.org/")]
        ['https://x.org/', 'https://x.org/pooling/']
    """
    pages = []
    for item in nav:
        for title, value in item.items() if isinstance(item, dict) else [("", item)]:
            if isinstance(value, list):
                pages += nav_pages(value, docs_dir, site_url, section or title)
            else:
                path = "" if value == "index.md" else value.removesuffix(".md") + "/"
                pages.append(Page(section or title, title, docs_dir / value, site_url + path))
    return pages


def opening_sentence(markdown: str) -> str:
    """The first sentence of a page's first paragraph (front matter and title skipped).

    Examples:
        >>> opening_sentence("# T\\n\\nDropout is a regulariser: it drops units. More.\\n")
        'Dropout is a regulariser: it drops units.'
    """
    text = _FRONT_MATTER.sub("", markdown)
    for paragraph in text.split("\n\n"):
        line = " ".join(paragraph.split())
        if line and not line.startswith(("#", "<", "|", "!!!", "```", "-")):
            match = re.match(r"(.+?[.!?])(\s|$)", line)
            sentence = match[1] if match else line
            return re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", sentence).replace("**", "")
    return ""


def with_outputs(markdown: str, page: str, output: Callable[[str, str], str | None]) -> str:
    """A page's Markdown with each executed block as plain code, followed by its output.

    Args:
        markdown: The page's source.
        page: Its name (for the block parser).
        output: ``output(block_id, code)``: what the block printed, or ``None``.

    Examples:
        >>> md = '# T\\n\\n```python exec="on" result="text" id="a"\\nprint(1)\\n```\\n'
        >>> print(with_outputs(md, "p.md", lambda i, c: "1\\n"), end="")
        # T
        <BLANKLINE>
        ```python
        print(1)
        ```
        <BLANKLINE>
        ```text
        1
        ```
    """
    lines = _FRONT_MATTER.sub("", markdown).splitlines()
    for block in sorted(iter_blocks("\n".join(lines), page), key=lambda b: -b.line):
        if not block.executed:
            continue
        fence_line = block.line - 2
        opening = lines[fence_line]
        indent = opening[: len(opening) - len(opening.lstrip())]
        fence = re.match(r"\s*(`{3,}|~{3,})", opening)[1]
        lines[fence_line] = f"{indent}{fence}python"
        printed = output(block.id, block.code)
        if not printed:
            continue
        if block.options.get("html"):
            alt = _ARIA_LABEL.search(printed)
            shown = [f"{indent}(Figure: {html.unescape(alt[1]) if alt else 'drawn by the block'}.)"]
        else:
            shown = [
                f"{indent}```text",
                *(indent + line for line in printed.rstrip("\n").splitlines()),
                f"{indent}```",
            ]
        closing = fence_line + 1 + len(block.code.splitlines())
        lines[closing + 1 : closing + 1] = ["", *shown]
    text = expand_official_links("\n".join(lines) + "\n")
    return _ATTRIBUTES.sub("", text)


def write(
    site_dir: Path,
    pages: list[Page],
    name: str,
    description: str,
    output: Callable[[str, str], str | None],
) -> None:
    """Write ``llms.txt`` and ``llms-full.txt`` into ``site_dir``."""
    index = [f"# {name}", "", f"> {description}", ""]
    full = [f"# {name}", "", f"> {description}", ""]
    section = None
    for page in pages:
        markdown = page.source.read_text(encoding="utf-8")
        if page.section != section:
            section = page.section
            index += [f"## {section}", ""] if index[-1] == "" else ["", f"## {section}", ""]
        index.append(f"- [{page.title}]({page.url}): {opening_sentence(markdown)}")
        full += [
            "",
            "---",
            "",
            f"Source: {page.url}",
            "",
            with_outputs(markdown, page.source.name, output),
        ]
    (site_dir / "llms.txt").write_text("\n".join(index) + "\n", encoding="utf-8")
    (site_dir / "llms-full.txt").write_text("\n".join(full), encoding="utf-8")
