"""Executed coverage of the `torch.nn` API by the site's example blocks.

For each name of `docsite.inventory.api_inventory`, the page sections whose
*executed* blocks use it (found by `docsite.usage`). Renders the
Coverage page and feeds the coverage gate in the tests.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from markdown.extensions.toc import slugify

from docsite.blocks import Block, english_pages, executed_blocks
from docsite.inventory import AREAS, api_inventory, resolve
from docsite.links import official_url, page_link
from docsite.usage import used_names

DOCS_DIR = Path(__file__).resolve().parents[1] / "docs"
EXCLUSIONS_FILE = Path(__file__).with_name("coverage_exclusions.toml")
_ANCHOR = re.compile(r"\{\s*#([\w-]+)[^}]*\}\s*$")


@dataclass(frozen=True, order=True)
class Section:
    """A ``##`` section of a page: where a reader lands from the Coverage page."""

    page: str
    anchor: str
    title: str

    def link(self, from_page: str) -> str:
        """A Markdown link to the section, for a block of ``from_page`` to print."""
        return f"[{self.title}]({page_link(self.page, self.anchor, from_page=from_page)})"


def section_of(block: Block, page_titles: dict[str, str]) -> Section:
    """The section a block belongs to (the page itself when it precedes every ``##``).

    Examples:
        >>> from docsite.blocks import Block
        >>> section_of(Block("conv.md", 3, "", {}, "`nn.Conv2d` { #conv }"), {}).link("coverage.md")
        '[`nn.Conv2d`](../conv/#conv)'
        >>> section_of(Block("conv.md", 3, "", {}, "Shapes and sizes"), {}).anchor
        'shapes-and-sizes'
    """
    heading = block.section
    if not heading:
        title = page_titles.get(block.page, block.page)
        return Section(block.page, "", title)
    match = _ANCHOR.search(heading)
    title = _ANCHOR.sub("", heading).strip()
    anchor = match[1] if match else slugify(re.sub(r"[`*_\[\]]", "", title), "-")
    return Section(block.page, anchor, title)


@cache
def _object_names() -> dict[int, tuple[str, ...]]:
    """id(object) -> inventory names (so `torch.nn.modules.conv.Conv2d` is `torch.nn.Conv2d`)."""
    by_id: dict[int, list[str]] = {}
    for names in api_inventory().values():
        for name in names:
            by_id.setdefault(id(resolve(name)), []).append(name)
    return {key: tuple(value) for key, value in by_id.items()}


@cache
def _canonical(name: str) -> tuple[str, ...]:
    """The inventory names a used ``torch.nn...`` name refers to (``()`` if none)."""
    if not name.startswith("torch.nn"):
        return ()
    try:
        return _object_names().get(id(resolve(name)), ())
    except ValueError:
        return ()


def coverage(docs_dir: Path = DOCS_DIR) -> dict[str, list[Section]]:
    """Map each inventory name to the sections whose executed blocks use it.

    Args:
        docs_dir: The folder of the Markdown pages.

    Returns:
        ``{name: sorted sections}`` for every inventory name (empty when uncovered).
    """
    titles = page_titles(docs_dir)
    found: dict[str, set[Section]] = {
        name: set() for names in api_inventory().values() for name in names
    }
    for block in executed_blocks(docs_dir):
        section = section_of(block, titles)
        for name in names_used(block.code):
            found[name].add(section)
    return {name: sorted(sections) for name, sections in found.items()}


def names_used(code: str) -> set[str]:
    """The inventory names a block's code uses.

    Examples:
        >>> sorted(names_used("from torch.nn.modules.conv import Conv2d\\nConv2d(1, 1, 1)"))
        ['torch.nn.Conv2d']
    """
    return {name for used in used_names(code) for name in _canonical(used)}


def page_titles(docs_dir: Path) -> dict[str, str]:
    """Each page's ``#`` title."""
    titles = {}
    for path in english_pages(docs_dir):
        first = next(
            (
                line
                for line in path.read_text(encoding="utf-8").splitlines()
                if line.startswith("# ")
            ),
            "",
        )
        titles[path.relative_to(docs_dir).as_posix()] = first[2:].strip() or path.stem
    return titles


def exclusions(path: Path = EXCLUSIONS_FILE) -> dict[str, str]:
    """The reasoned exclusion list: ``{name: why it has no executed example}``."""
    return tomllib.loads(path.read_text(encoding="utf-8"))


def uncovered(found: dict[str, list[Section]], areas: Iterable[str]) -> list[str]:
    """Inventory names of ``areas`` that no executed block uses."""
    inventory = api_inventory()
    return [name for area in areas for name in inventory[area] if not found[name]]


def render(docs_dir: Path = DOCS_DIR, page: str = "coverage.md") -> str:
    """The Coverage page body: a summary table, then one table per area.

    Args:
        docs_dir: The pages whose executed blocks count.
        page: The page that prints the table; its links to sections are relative to it.
    """
    found = coverage(docs_dir)
    excluded = exclusions()
    inventory = api_inventory()
    lines = ["| Area | Executed | Names | Coverage |", "| --- | ---: | ---: | ---: |"]
    for area in AREAS:
        names = inventory[area]
        done = sum(1 for name in names if found[name])
        lines.append(
            f"| [{area}](#{slugify(area, '-')}) | {done} | {len(names)} | "
            f"{100 * done / len(names):.1f} % |"
        )
    for area in AREAS:
        lines += ["", f"## {area}", "", "| Name | Executed in |", "| --- | --- |"]
        for name in inventory[area]:
            short = name.removeprefix("torch.nn.").removeprefix("functional.")
            label = f"[`{short}`]({official_url(name)})"
            if found[name]:
                where = ", ".join(section.link(page) for section in found[name])
            elif name in excluded:
                where = f"**not executed**: {excluded[name]}"
            else:
                where = "**not executed**"
            lines.append(f"| {label} | {where} |")
    return "\n".join(lines)
