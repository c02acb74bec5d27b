"""A Python-Markdown extension: no stray space where a Chinese sentence wraps in the source.

Markdown keeps a paragraph's line breaks, and browsers show a line break as a space:
right in English, wrong between two Chinese characters ("权重 （权值共享）"). This joins the
lines of a paragraph wherever a break falls between two CJK characters or full-width
punctuation, outside code blocks, so that translators may wrap Chinese text as they like.

Enabled in mkdocs.yml as ``docsite.cjk_lines``.

Example:
    >>> join_cjk_lines("<p>权重\\n（权值共享）, a weight\\nshared</p><pre>甲\\n乙</pre>")
    '<p>权重（权值共享）, a weight\\nshared</p><pre>甲\\n乙</pre>'
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.postprocessors import Postprocessor

# CJK punctuation and symbols, kana, CJK ideographs, full-width forms.
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef"
_BREAK = re.compile(rf"(?<=[{_CJK}])[ \t]*\n[ \t]*(?=[{_CJK}])")
_PRE = re.compile(r"(<pre\b.*?</pre>)", re.S)


def join_cjk_lines(html: str) -> str:
    """``html`` with the line breaks between two CJK characters removed, ``<pre>`` aside."""
    parts = _PRE.split(html)
    return "".join(part if part.startswith("<pre") else _BREAK.sub("", part) for part in parts)


class _JoinCjkLines(Postprocessor):
    def run(self, text: str) -> str:
        return join_cjk_lines(text)


class CjkLinesExtension(Extension):
    """Register the postprocessor once the page's HTML is complete."""

    def extendMarkdown(self, md: Markdown) -> None:
        md.postprocessors.register(_JoinCjkLines(md), "layerref_cjk_lines", 2)


def makeExtension(**kwargs: object) -> CjkLinesExtension:
    return CjkLinesExtension(**kwargs)
