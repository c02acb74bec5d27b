"""Index the prose of each page for search, one entry per layer section.

Material's search plugin indexes each page's whole content, so a result's preview often
showed a code block or an output instead of the sentence that answers the question, and
even the text inside the figures' SVG ("image/svg+xml Matplotlib v3.11.2 ..."). The prose
of this site names every layer, argument and function the code uses, so searching the
prose finds the same sections, and the previews read as text. Figure captions stay.
The index is also less than half the size, which every search on a phone downloads.

Every layer section repeats the same subheadings ("What it does", "Arguments", ...), so
the index keeps one entry per ``##`` section, its subsections' text included: a search
for ``Embedding`` lands on the ``nn.Embedding`` section, not on its seventh "What it
does", and a preview shows the section's opening sentences. A section named by one API
name (``nn.LSTM``) weighs more than the others, and one named by variants of another
section's name (``nn.LSTMCell``) less (`LAYER_SECTION_BOOST`).

Example:
    >>> print(prose_only('<h3 id="shapes">Shapes<a class="headerlink" href="#shapes">¶</a></h3>'
    ...                  '<p>Use <code>nn.Conv2d</code>.</p><pre><code>import torch</code></pre>'
    ...                  '<figure><svg><text>Matplotlib</text></svg><figcaption>A plot'
    ...                  '</figcaption></figure>'))
    <p>Shapes.</p><p>Use <code>nn.Conv2d</code>.</p><figure><figcaption>A plot</figcaption></figure>
"""

from __future__ import annotations

import re
from typing import Any

#: How much more a section named by one API name (`nn.LSTM`) weighs than other sections,
#: and a section of its variants (`nn.LSTMCell`) less: the search matches `LSTM` as a
#: prefix of `LSTMCell` too, and the rarer word would win.
LAYER_SECTION_BOOST = 3
_API_NAME = re.compile(r"(?:nn|F)\.[\w.]+")
_ONE_NAME = re.compile(rf"(?:<code>)?({_API_NAME.pattern})(?:</code>)?")
_CODE_BLOCK = re.compile(r"<pre\b[^>]*>.*?</pre>", re.DOTALL)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)
_SUBHEADING = re.compile(r"<h([3-6])\b[^>]*>(.*?)</h\1>", re.DOTALL)
_PERMALINK = re.compile(r'<a class="headerlink"[^>]*>.*?</a>', re.DOTALL)


def prose_only(html: str) -> str:
    """``html`` without its ``<pre>`` blocks and inline ``<svg>`` figures, and with its
    ``<h3>``-``<h6>`` subheadings turned into text of their ``<h2>`` section.

    Args:
        html: A page's rendered content.

    Returns:
        The HTML the search index is built from.
    """
    html = _SVG.sub("", _CODE_BLOCK.sub("", html))
    return _SUBHEADING.sub(lambda m: f"<p>{_PERMALINK.sub('', m[2]).strip()}.</p>", html)


def index_prose_only(search_plugin: Any) -> None:
    """Make ``search_plugin`` index each page from :func:`prose_only` of its content.

    The page itself is rendered from its full content: only the indexer's input changes.

    Args:
        search_plugin: Material's ``material/search`` plugin, after its ``on_config``
            created its ``search_index``.
    """
    index = search_plugin.search_index
    add_entry = index.add_entry_from_context

    def add_entry_from_prose(page: Any) -> None:
        content = page.content
        page.content = prose_only(content)
        before = len(index.entries)
        try:
            add_entry(page)
        finally:
            page.content = content
        boost_layer_sections(index.entries[before:])

    index.add_entry_from_context = add_entry_from_prose


def boost_layer_sections(entries: list[dict[str, Any]]) -> None:
    """Weigh one page's sections by how they are named: a section named by one API name
    (``nn.Embedding``) weighs more, one whose names all extend another section's name
    (``nn.EmbeddingBag``; ``nn.Dropout1d``, ``nn.Dropout2d``, ``nn.Dropout3d``) less.
    The search matches ``Embedding`` as a prefix of ``EmbeddingBag`` too, and the rarer
    word would win; a search for ``EmbeddingBag`` still finds only its own section.

    Args:
        entries: The search index entries of one page, changed in place.

    Example:
        >>> entries = [{"title": "<code>nn.Embedding</code>"}, {"title": "Shapes"},
        ...            {"title": "<code>nn.EmbeddingBag</code>"}]
        >>> boost_layer_sections(entries)
        >>> [round(entry.get("boost", 1), 2) for entry in entries]
        [3, 1, 0.33]
    """
    layers = {name for entry in entries if (name := _layer_name(entry["title"]))}

    def extends_a_layer(name: str) -> bool:
        return any(name != layer and name.startswith(layer) for layer in layers)

    for entry in entries:
        names = _API_NAME.findall(entry["title"])
        if names and all(map(extends_a_layer, names)):
            entry["boost"] = entry.get("boost", 1) / LAYER_SECTION_BOOST
        elif _layer_name(entry["title"]):
            entry["boost"] = entry.get("boost", 1) * LAYER_SECTION_BOOST


def _layer_name(title: str) -> str | None:
    """``nn.LSTM`` for a section titled by that one API name, else None."""
    match = _ONE_NAME.fullmatch(title)
    return match[1] if match else None
