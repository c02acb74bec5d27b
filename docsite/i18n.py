"""Run each example once per build, whatever the number of languages.

The Chinese pages show the English pages' blocks (``docsite.translations`` checks that the
code is the same, comments aside). mkdocs-static-i18n builds each language in turn in
one process, and markdown-exec would run every block again for the second language:
twice the build time, for the same output. `remember_outputs` makes markdown-exec's
Python runner remember each block's output by its id and its code (comments aside), so
the Chinese page shows exactly what the identical English block printed in this build.
A block that raised is not remembered: it raises again, and the strict build fails
for both languages. Code is highlighted once too: a Chinese block's HTML is the English
block's with the translated comments swapped in (`highlighted_once`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from html import escape
from typing import Any

from docsite.translations import code_without_comments

_OUTPUTS: dict[tuple[str, str], str] = {}


def memoized(run: Callable[..., str]) -> Callable[..., str]:
    """``run`` (markdown-exec's ``_run_python``), answering a block seen before from memory.

    Examples:
        >>> calls = []
        >>> def run(code, returncode=None, session=None, id=None, **extra):
        ...     calls.append(code)
        ...     return "printed\\n"
        >>> fast = memoized(run)
        >>> fast("print(1)  # one", id="a"), fast("print(1)  # 一", id="a")
        ('printed\\n', 'printed\\n')
        >>> len(calls), fast("print(1)", id="b") and len(calls)
        (1, 2)
        >>> fast("print(2)", id="a") and len(calls)  # the same id, other code: run again
        3
    """

    def run_once(
        code: str,
        returncode: int | None = None,
        session: str | None = None,
        id: str | None = None,
        **extra: Any,
    ) -> str:
        if not id or session:  # only standalone blocks with an id are the same block
            return run(code, returncode, session, id, **extra)
        key = (id, code_without_comments(code))
        if key not in _OUTPUTS:
            _OUTPUTS[key] = run(code, returncode, session, id, **extra)
        return _OUTPUTS[key]

    run_once.__wrapped__ = run  # type: ignore[attr-defined]
    return run_once


def remembered_output(block_id: str, code: str) -> str | None:
    """What the block with this id and code printed in this build, if it ran."""
    return _OUTPUTS.get((block_id, code_without_comments(code)))


def forget_outputs() -> None:
    """Forget every remembered output (a new build begins)."""
    _OUTPUTS.clear()
    _HIGHLIGHTED.clear()


def remember_outputs() -> bool:
    """Make markdown-exec's Python runner remember outputs (once per process).

    Returns:
        Whether markdown-exec still has the runner this relies on (``False``: it changed,
        and every block runs once per language).
    """
    try:
        from markdown_exec._internal.formatters import python
    except ImportError:
        return False
    if not hasattr(python, "_run_python"):
        return False
    if not hasattr(python._run_python, "__wrapped__"):
        python._run_python = memoized(python._run_python)
    try:
        from pymdownx.highlight import Highlight
    except ImportError:
        return False
    if not hasattr(Highlight.highlight, "__wrapped__"):
        Highlight.highlight = highlighted_once(Highlight.highlight)
    return True


def highlighted_once(highlight: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap pymdownx's ``Highlight.highlight`` so that code which differs from code it
    highlighted earlier in this build only in its comments' text (a Chinese page's block,
    its comments translated) takes that HTML with the comments swapped in
    (`swap_comments`), instead of being highlighted again: highlighting is most of the
    cost of the Chinese pass.

    Example:
        >>> calls = []
        >>> def highlight(self, src, language, **options):
        ...     calls.append(src)
        ...     return '<span class="n">x</span> <span class="c1">' + src[3:] + "</span>"
        >>> once = highlighted_once(highlight)
        >>> once(None, "x  # one", "python")
        '<span class="n">x</span> <span class="c1"># one</span>'
        >>> once(None, "x  # 一", "python")
        '<span class="n">x</span> <span class="c1"># 一</span>'
        >>> calls
        ['x  # one']
    """

    def highlight_once(self: Any, src: str, language: str, *args: Any, **options: Any) -> Any:
        key = (_COMMENT.sub("", src), language, repr((args, sorted(options.items()))))
        if key in _HIGHLIGHTED:
            html = swap_comments(*_HIGHLIGHTED[key], src)
            if html is not None:
                return html
        html = highlight(self, src, language, *args, **options)
        if isinstance(html, str):  # not inline code, which comes as an element
            _HIGHLIGHTED.setdefault(key, (src, html))
        return html

    highlight_once.__wrapped__ = highlight  # type: ignore[attr-defined]
    return highlight_once


def swap_comments(src: str, html: str, new_src: str) -> str | None:
    """The highlighted HTML of ``new_src``, made from ``src``'s: ``new_src`` is ``src``
    with other comments' text. None when that cannot be known for sure: a line differs
    before its comment, or ``html`` does not show each ``#`` of ``src`` as the start of a
    comment (a ``#`` in a string), so only real comments are ever swapped.

    Examples:
        >>> html = '<span class="s1">"#"</span>  <span class="c1"># a &lt; b</span>'
        >>> swap_comments('"#"  # a < b', html, '"#"  # 甲 < 乙')
        >>> html = '<span class="n">x</span>  <span class="c1"># a &lt; b</span>'
        >>> swap_comments("x  # a < b", html, "x  # 甲 < 乙")
        '<span class="n">x</span>  <span class="c1"># 甲 &lt; 乙</span>'
        >>> print(swap_comments("x  # a < b", html, "y  # 甲"))
        None
    """
    lines, new_lines = src.split("\n"), new_src.split("\n")
    if len(lines) != len(new_lines):
        return None
    old_comments, new_comments = [], []
    for line, new_line in zip(lines, new_lines, strict=True):
        code, _, comment = line.partition("#")
        new_code, _, new_comment = new_line.partition("#")
        if code != new_code or ("#" in line) != ("#" in new_line):
            return None
        if "#" in line:
            old_comments.append("#" + comment)
            new_comments.append("#" + new_comment)
    spans = _COMMENT_SPAN.findall(html)
    if spans != [escape(comment, quote=False) for comment in old_comments]:
        return None
    pieces = iter(escape(comment, quote=False) for comment in new_comments)
    return _COMMENT_SPAN.sub(lambda _: f'<span class="c1">{next(pieces)}</span>', html)


_HIGHLIGHTED: dict[tuple[str, str, str], tuple[str, str]] = {}
# The text from a line's first # on: its comment, or a # in a string (swap_comments checks).
_COMMENT = re.compile(r"#[^\n]*")
_COMMENT_SPAN = re.compile(r'<span class="c1">([^<]*)</span>')
