"""Run one example block as markdown-exec runs it, under the site's rules."""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

from docsite.blocks import Block
from docsite.state import global_state, restore_global_state


class BlockFailure(Exception):
    """A block broke one of the rules; the message says which and where."""


def run_block(block: Block, docs_dir: Path) -> str:
    """Execute ``block`` like markdown-exec does and return what it printed.

    Tracebacks point at the Markdown file and line. Any warning is an error,
    and so is a change to global state the block leaves behind.
    """
    filename = str(docs_dir / block.page)
    # Leading newlines make the code's line numbers those of the Markdown file.
    code = compile("\n" * (block.line - 1) + block.code, filename, "exec")
    before = global_state()
    out = io.StringIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            with contextlib.redirect_stdout(out):
                exec(code, {"__name__": "__main__"})
    finally:
        after = global_state()
        restore_global_state(before)
    if before != after:
        changed = {k: (before[k], after[k]) for k in before if before[k] != after[k]}
        raise BlockFailure(
            f"docs/{block.page}:{block.line} block {block.id!r} left global state changed "
            f"(before, after): {changed}"
        )
    return out.getvalue()
