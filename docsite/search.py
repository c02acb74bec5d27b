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

import json
import re
from pathlib import Path
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
    (``nn.Embedding``) weighs more; one with a name that extends a name of another section
    (``nn.EmbeddingBag``; ``nn.Tanhshrink`` beside ``nn.Tanh``) less. The search matches
    ``Embedding`` as a prefix of ``EmbeddingBag`` too, and the rarer word would win; a
    search for ``EmbeddingBag`` still finds its own section, whose title names it.

    Args:
        entries: The search index entries of one page, changed in place.

    Example:
        >>> entries = [{"title": "<code>nn.Embedding</code>"}, {"title": "Shapes"},
        ...            {"title": "<code>nn.EmbeddingBag</code>"}]
        >>> boost_layer_sections(entries)
        >>> [round(entry.get("boost", 1), 2) for entry in entries]
        [3, 1, 0.33]
    """
    titles = [_API_NAME.findall(entry["title"]) for entry in entries]
    for entry, names in zip(entries, titles, strict=True):
        others = {name for other in titles if other is not names for name in other}
        if any(_extends(name, other) for name in names for other in others):
            entry["boost"] = entry.get("boost", 1) / LAYER_SECTION_BOOST
        elif _layer_name(entry["title"]):
            entry["boost"] = entry.get("boost", 1) * LAYER_SECTION_BOOST


def _extends(name: str, other: str) -> bool:
    """Whether ``name`` is ``other`` with more letters (``nn.Tanhshrink``, ``nn.Tanh``),
    not a member of it (``nn.parallel.DistributedDataParallel``, ``nn.parallel``)."""
    return name.startswith(other) and name[len(other) : len(other) + 1] not in ("", ".")


def _layer_name(title: str) -> str | None:
    """``nn.LSTM`` for a section titled by that one API name, else None."""
    match = _ONE_NAME.fullmatch(title)
    return match[1] if match else None


def index_each_language_apart(search_plugin: Any, languages: list[str]) -> None:
    """Once the search plugin has written the index of every language, move each
    language's entries but the default one's into ``<language>/search/search_index.json``.

    mkdocs-static-i18n builds the other languages inside the default language's build,
    then has the search plugin write one index of all of them: an English reader searching
    ``Dropout`` got the Chinese page's sections as often as the English ones. The Chinese
    pages load their own index (``__config``'s ``base`` is their edition's root, see
    ``hooks.on_post_page``). Only mkdocs-static-i18n calls the wrapper, once every
    language is built (MkDocs registered the plugin's own method before ``on_config``).

    Args:
        search_plugin: Material's ``material/search`` plugin.
        languages: The languages besides the default one, as in the site's paths (``zh``).
    """
    write_index = search_plugin.on_post_build
    if getattr(write_index, "splits_languages", False):
        return  # each language's build configures the plugins again

    def write_and_split(*, config: Any) -> None:
        write_index(config=config)
        split_by_language(Path(config.site_dir), languages)

    write_and_split.splits_languages = True  # type: ignore[attr-defined]
    search_plugin.on_post_build = write_and_split


def split_by_language(site_dir: Path, languages: list[str]) -> None:
    """Move the entries under ``<language>/`` of ``site_dir``'s search index into that
    language's own index, with locations relative to its edition's root.

    Args:
        site_dir: The built site.
        languages: The languages besides the default one (``["zh"]``).

    Example:
        >>> import json, tempfile
        >>> site = Path(tempfile.mkdtemp())
        >>> (site / "search").mkdir()
        >>> docs = [{"location": "pooling/#adaptive"}, {"location": "zh/pooling/#adaptive"}]
        >>> config = {"lang": ["en", "zh"]}
        >>> _ = (site / "search/search_index.json").write_text(
        ...     json.dumps({"config": config, "docs": docs}))
        >>> split_by_language(site, ["zh"])
        >>> for path in ("search", "zh/search"):
        ...     print(path, json.loads((site / path / "search_index.json").read_text()))
        search {'config': {'lang': ['en']}, 'docs': [{'location': 'pooling/#adaptive'}]}
        zh/search {'config': {'lang': ['en', 'zh']}, 'docs': [{'location': 'pooling/#adaptive'}]}
    """
    path = site_dir / "search" / "search_index.json"
    index = json.loads(path.read_text(encoding="utf-8"))
    config, docs = index["config"], index["docs"]
    for language in languages:
        prefix = f"{language}/"
        own = [
            {**entry, "location": entry["location"].removeprefix(prefix)}
            for entry in docs
            if entry["location"].startswith(prefix)
        ]
        docs = [entry for entry in docs if not entry["location"].startswith(prefix)]
        _write_index(site_dir / language / "search" / "search_index.json", config, own)
    # The default language's readers need no Chinese word segmentation in their browser.
    default_config = {**config, "lang": [lang for lang in config["lang"] if lang not in languages]}
    _write_index(path, default_config, docs)


def _write_index(path: Path, config: dict[str, Any], docs: list[dict[str, Any]]) -> None:
    """Write a search index as Material's search plugin does (compact JSON), in UTF-8:
    Chinese text takes half the bytes it takes as ``\\u`` escapes."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = json.dumps(
        {"config": config, "docs": docs}, separators=(",", ":"), ensure_ascii=False, default=str
    )
    path.write_text(data, encoding="utf-8")
