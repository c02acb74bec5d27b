"""Run each example once per build, whatever the number of languages.

The Chinese pages show the English pages' blocks (``docsite.translations`` checks that the
code is the same, comments aside). mkdocs-static-i18n builds each language in turn in
one process, and markdown-exec would run every block again for the second language:
twice the build time, for the same output. `remember_outputs` makes markdown-exec's
Python runner remember each block's output by its id and its code (comments aside), so
the Chinese page shows exactly what the identical English block printed in this build.
A block that raised is not remembered: it raises again, and the strict build fails
for both languages.
"""

from __future__ import annotations

from collections.abc import Callable
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
    return True
