"""A Python-Markdown extension: highlighted code with fewer elements, looking the same.

Pygments wraps every token of a code block in a ``<span>``: names, whitespace,
punctuation and operators included. The theme shows names and whitespace in the code's
own colour, so those spans change nothing but the size of the page; this site shows
punctuation and operators in that colour too (``docs/assets/extra.css``), and drops their
spans as well. Keywords, strings, numbers, comments, builtins and the names of
functions, classes and modules keep theirs. On the heaviest page this removes about
seven elements in ten, and with them most of the browser's style and layout work on a
phone (``make audit``). The text of the code, which the copy button copies, is
unchanged.

Enabled in mkdocs.yml as ``docsite.lean_code``; being a Markdown extension, it works with
any MkDocs-compatible builder.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

#: Token classes shown in the code's own colour: name, whitespace, punctuation, operator.
PLAIN_TOKENS = ("n", "w", "p", "o")
_PRE = re.compile(r"<pre\b[^>]*>.*?</pre>", re.S)
_PLAIN_SPAN = re.compile(rf'<span class="(?:{"|".join(PLAIN_TOKENS)})">([^<]*)</span>')


def lean(html: str) -> str:
    """``html`` without the spans of plain tokens inside ``<pre>`` blocks.

    Examples:
        >>> lean('<pre><code><span class="n">x</span><span class="o">=</span>'
        ...      '<span class="mi">1</span></code></pre><p><span class="n">kept</span></p>')
        '<pre><code>x=<span class="mi">1</span></code></pre><p><span class="n">kept</span></p>'
    """
    return _PRE.sub(lambda block: _PLAIN_SPAN.sub(r"\1", block[0]), html)


class _LeanCode(Postprocessor):
    def run(self, text: str) -> str:
        return lean(text)


class LeanCodeExtension(Extension):
    """Register the postprocessor after the one that puts the code blocks back."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.postprocessors.register(_LeanCode(md), "layerref_lean_code", 0)


def makeExtension(**kwargs: object) -> LeanCodeExtension:
    return LeanCodeExtension(**kwargs)
