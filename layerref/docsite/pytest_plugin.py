"""pytest plugin: collect every executed ```python exec="on"``` block under docs/ as a test item.

Enabled for the project by ``-p layerref.docsite.pytest_plugin`` in pyproject.toml.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from pathlib import Path

import pytest

from layerref.docsite.blocks import Block, iter_blocks
from layerref.docsite.state import global_state, restore_global_state



def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    docs = parent.config.rootpath / "docs"
    if file_path.suffix == ".md" and docs in file_path.parents:
        return MarkdownPage.from_parent(parent, path=file_path)
    return None


class MarkdownPage(pytest.File):
    """A docs page; its items are its executed blocks."""

    def collect(self):
        root = self.config.rootpath
        page = self.path.relative_to(root / "docs").as_posix()
        blocks = [b for b in iter_blocks(self.path.read_text(encoding="utf-8"), page) if b.executed]
        seen_ids = _site_block_ids(self.session)
        for block in blocks:
            where = f"{self.path.relative_to(root)}:{block.line}"
            if "session" in block.options:
                raise self.CollectError(f"{where}: exec blocks must be standalone; remove session=")
            if not block.id:
                raise self.CollectError(f"{where}: every exec block needs a unique id=\"...\"")
            if block.id in seen_ids:
                raise self.CollectError(
                    f"{where}: duplicate block id {block.id!r} (also at {seen_ids[block.id]})"
                )
            seen_ids[block.id] = where
            yield ExecBlock.from_parent(self, name=block.id, block=block)


def _site_block_ids(session: pytest.Session) -> dict[str, str]:
    """Block ids seen so far in this session, across pages (ids are unique site-wide)."""
    if not hasattr(session, "_layerref_block_ids"):
        session._layerref_block_ids = {}
    return session._layerref_block_ids


class BlockFailure(Exception):
    """A block raised, warned or leaked global state."""


class ExecBlock(pytest.Item):
    """Run one block as the build does: fresh globals, same process, stdout captured."""

    def __init__(self, *, block: Block, **kwargs):
        super().__init__(**kwargs)
        self.block = block
        self.add_marker(pytest.mark.docs)

    def runtest(self) -> None:
        self.output = run_block(self.block, self.config.rootpath / "docs")

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, BlockFailure):
            return str(excinfo.value)
        # Show the frames in the Markdown page (and below it), not pytest's own.
        in_page = excinfo.traceback.filter(lambda entry: str(entry.path).endswith(".md"))
        if in_page:
            excinfo.traceback = excinfo.traceback[excinfo.traceback.index(in_page[0]):]
        return super().repr_failure(excinfo, style="short")

    def reportinfo(self):
        return self.path, self.block.line - 1, f"{self.block.page}::{self.block.id}"


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
            f"{block.page}:{block.line} block {block.id!r} left global state changed "
            f"(before, after): {changed}"
        )
    return out.getvalue()
