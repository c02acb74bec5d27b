"""Run each example once per build, whatever the number of languages.

The Chinese pages show the English pages' blocks (``docsite.translations`` checks that the
code is the same, comments aside). mkdocs-static-i18n builds each language in turn in
one process, and markdown-exec would run every block again for the second language:
twice the build time, for the same output. `remember_outputs` makes markdown-exec's
Python runner remember each block's output by its id and its code (comments aside), so
the Chinese page shows exactly what the identical English block printed in this build.
A block that raised is not remembered: it raises again, and the strict build fails
for both languages. The HTML of a printed output, identical in both languages, is
remembered too (`rendered_once`).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from docsite.translations import code_without_comments

_OUTPUTS: dict[tuple[str, str], str] = {}
_RENDERED: dict[tuple[str, str | None], Any] = {}


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
    _RENDERED.clear()


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
        from markdown_exec._internal.rendering import MarkdownConverter
    except ImportError:
        return False
    if not hasattr(MarkdownConverter.convert, "__wrapped__"):
        MarkdownConverter.convert = rendered_once(MarkdownConverter.convert)
    return True


def rendered_once(convert: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap markdown-exec's ``MarkdownConverter.convert`` to remember the HTML of each
    Markdown text it converts, when that HTML can be reused: nothing stashed in, and no
    heading or id in it (markdown-exec numbers ids per conversion, and hands headings to
    the page's table of contents). A block's printed output is such a text, the same on
    the Chinese page as on the English one, and highlighting it is half the rendering.

    Example:
        >>> calls = []
        >>> def convert(self, text, stash=None, id_prefix=None):
        ...     calls.append(text)
        ...     return "<h2>" + text if text.startswith("#") else "<pre>" + text
        >>> once = rendered_once(convert)
        >>> once(None, "x = 1"), once(None, "x = 1"), once(None, "# A"), once(None, "# A")
        ('<pre>x = 1', '<pre>x = 1', '<h2># A', '<h2># A')
        >>> calls  # a heading is converted each time
        ['x = 1', '# A', '# A']
    """

    def convert_once(
        self: Any, text: str, stash: dict[str, str] | None = None, id_prefix: str | None = None
    ) -> Any:
        key = (text, id_prefix)
        if not stash and key in _RENDERED:
            return _RENDERED[key]
        markup = convert(self, text, stash, id_prefix)
        if not stash and not _HEADING_OR_ID.search(markup):
            _RENDERED[key] = markup
        return markup

    convert_once.__wrapped__ = convert  # type: ignore[attr-defined]
    return convert_once


_HEADING_OR_ID = re.compile(r"<h[1-6]\b| id=")
