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
name (``nn.LSTM``) weighs more than the others (`LAYER_SECTION_BOOST`).

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

#: How much more a section named by one API name (`nn.LSTM`) weighs than other sections:
#: the search matches `LSTM` as a prefix of `LSTMCell` too, and the rarer word would win.
LAYER_SECTION_BOOST = 3
_ONE_NAME = re.compile(r"(?:<code>)?(?:nn|F)\.[\w.]+(?:</code>)?")
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
        for entry in index.entries[before:]:
            if _ONE_NAME.fullmatch(entry["title"]):
                entry["boost"] = entry.get("boost", 1) * LAYER_SECTION_BOOST

    index.add_entry_from_context = add_entry_from_prose
