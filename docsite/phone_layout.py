"""A Python-Markdown extension: the markup the site's narrow-screen layout needs.

- Each table cell gets its column's heading as ``data-label``, so that on a phone
  (``docs/assets/extra.css``) a row reads as a small card, "Layer: nn.Dropout / Drops:
  single elements ...", instead of a table too wide for the screen whose identifiers
  break mid-word.
- A long name in a table cell may wrap after a dot or an underscore, never inside a word.
- Each ``##`` section but the first ends with a link to the next one ("Next: nn.LayerNorm"),
  shown only on narrow screens, where the contents list hides behind a menu and a page
  can be sixty screens long. It is left out of the search index.

Enabled in mkdocs.yml as ``docsite.phone_layout``.

Example:
    >>> import markdown
    >>> md = markdown.Markdown(extensions=["tables", "toc", "docsite.phone_layout"],
    ...                        extension_configs={"toc": {"permalink": True}})
    >>> html = md.convert("## One\\n\\n| A | B |\\n|---|---|\\n| 1 | 2 |\\n\\n## Two `x`\\n")
    >>> '<td data-label="A">1</td>' in html
    True
    >>> print(html[html.index('<p class="layerref-next"'):].splitlines()[0])
    <p class="layerref-next" data-search-exclude=""><a href="#two-x">Next: Two x</a></p>
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor


class _PhoneLayout(Treeprocessor):
    def run(self, root: ET.Element) -> None:
        for table in root.iter("table"):
            _label_cells(table)
        _link_sections(root)


def _text(element: ET.Element) -> str:
    """The element's text, without the heading's permalink sign."""
    parts = [element.text or ""]
    for child in element:
        if "headerlink" not in child.get("class", ""):
            parts.append(_text(child))
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def _label_cells(table: ET.Element) -> None:
    head = table.find("thead")
    if head is None:
        return
    labels = [_text(th) for th in head.iter("th")]
    body = table.find("tbody")
    for row in body.iter("tr") if body is not None else ():
        for cell, label in zip(row.findall("td"), labels, strict=False):
            if label:
                cell.set("data-label", label)


_TABLE_CELL = re.compile(r"<td\b[^>]*>.*?</td>", re.S)
# A card on a 375 px phone holds about 40 characters of table code: shorter names do not
# wrap at all (extra.css), and each <wbr> is an element the browser must lay out (1,400 on
# the Coverage page).
_LONG_CODE = re.compile(r"<code>([^<]{36,})</code>")


def break_names_after_dots(html: str) -> str:
    """Let a long name in a table cell wrap only after a dot or an underscore: a ``<wbr>``
    there, and no breaking inside words (``extra.css``). (A postprocessor: inline code is
    only text once the code spans are back in the page.)

    Examples:
        >>> cell = "<td><code>torch.nn.modules.module.register_module_hook</code></td>"
        >>> print(break_names_after_dots(cell))
        <td><code>torch.<wbr>nn.<wbr>modules.<wbr>module.<wbr>register_<wbr>module_<wbr>hook</code></td>
    """

    def cell(match: re.Match[str]) -> str:
        return _LONG_CODE.sub(
            lambda code: "<code>" + re.sub(r"(?<=[._])(?=\w)", "<wbr>", code[1]) + "</code>",
            match[0],
        )

    return _TABLE_CELL.sub(cell, html)


class _BreakNames(Postprocessor):
    def run(self, text: str) -> str:
        return break_names_after_dots(text)


def _link_sections(root: ET.Element) -> None:
    """Before each ``<h2>`` after the first, a paragraph linking to it."""
    children = list(root)
    headings = [i for i, child in enumerate(children) if child.tag == "h2" and child.get("id")]
    for index in reversed(headings[1:]):
        heading = children[index]
        link = ET.Element("p", {"class": "layerref-next", "data-search-exclude": ""})
        anchor = ET.SubElement(link, "a", {"href": f"#{heading.get('id')}"})
        anchor.text = f"Next: {_text(heading)}"
        link.tail = "\n"
        root.insert(index, link)


class PhoneLayoutExtension(Extension):
    """Run after the table of contents has given the headings their ids."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.treeprocessors.register(_PhoneLayout(md), "layerref_phone_layout", 4)
        md.postprocessors.register(_BreakNames(md), "layerref_break_names", 1)


def makeExtension(**kwargs: object) -> PhoneLayoutExtension:
    return PhoneLayoutExtension(**kwargs)
