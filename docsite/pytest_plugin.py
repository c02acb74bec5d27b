"""pytest plugin: every executed ```python exec="on"``` block under docs/ is a test item.

Enabled for the project by ``-p docsite.pytest_plugin`` in pyproject.toml.
Each item first checks the block's code against the rules for example blocks
(`docsite.rules`: an error or warning demonstration must fail when nothing happens, proof
is computed, asserts can fail), then runs it and fails on any difference between:

1. the block run alone, in a fresh fork of a clean process (see
   `docsite.isolation`), stopped after ``layerref_block_timeout`` seconds;
2. the block run in this process, at the same time as 1, in fresh globals, after
   the blocks before it, as the build runs it (warnings are errors, global state
   must be left as found);
3. the page's reviewed snapshot (``tests/snapshots/<page>.md``), compared with the
   tolerance for floats and figures of `docsite.compare`;
   ``pytest --update-snapshots`` (``make snapshots``) rewrites them.
"""

from __future__ import annotations

import contextlib
import difflib
import signal
from pathlib import Path

import pytest

from docsite import rules, snapshots
from docsite.blocks import Block, is_translation, iter_blocks
from docsite.compare import FIGURE_TOLERANCE
from docsite.isolation import Zygote
from docsite.runner import BlockFailure, run_block


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-snapshots",
        action="store_true",
        help="rewrite tests/snapshots/ from what the blocks print now",
    )
    parser.addini(
        "layerref_block_timeout", "seconds a block may run alone before it is stopped", default="60"
    )
    parser.addini(
        "layerref_warm_up",
        "warm the zygote up once for all blocks (off when only a few blocks run)",
        type="bool",
        default=True,
    )
    parser.addini(
        "layerref_isolate",
        "also run each block alone in a fresh fork (off for a "
        "second pass under other CPU kernels, where only the output matters)",
        type="bool",
        default=True,
    )


def pytest_report_header(config: pytest.Config) -> str:
    import torch

    # docsite.kernels reads this line to prove which kernel set a run used.
    return f"torch {torch.__version__}, CPU kernels: {torch.backends.cpu.get_cpu_capability()}"


def pytest_sessionstart(session: pytest.Session) -> None:
    # Forked before any test runs: the clean process each isolated block starts from.
    config = session.config
    config._layerref_zygote = (
        Zygote(warm_up=config.getini("layerref_warm_up"))
        if config.getini("layerref_isolate")
        else None
    )
    config._layerref_outputs = {}
    config._layerref_page_ids = {}  # page -> its block ids, in page order


def pytest_sessionfinish(session: pytest.Session) -> None:
    config = session.config
    if config._layerref_zygote is not None:
        config._layerref_zygote.close()
    if config.getoption("--update-snapshots"):
        for page, outputs in config._layerref_outputs.items():
            # Blocks deselected in this run (-k, a failure) keep their stored entries.
            stored = snapshots.load(page)
            ids = config._layerref_page_ids[page]
            snapshots.dump(
                page, {i: outputs.get(i) or stored[i] for i in ids if i in outputs or i in stored}
            )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    docs = parent.config.rootpath / "docs"
    # A translation runs the English page's blocks (docsite.translations checks they match).
    if file_path.suffix == ".md" and docs in file_path.parents and not is_translation(file_path):
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
                raise self.CollectError(f'{where}: every exec block needs a unique id="..."')
            if block.id in seen_ids:
                raise self.CollectError(
                    f"{where}: duplicate block id {block.id!r} (also at {seen_ids[block.id]})"
                )
            seen_ids[block.id] = where
            yield ExecBlock.from_parent(self, name=block.id, block=block)
        self.config._layerref_page_ids[page] = [b.id for b in blocks]
        if blocks:
            yield SnapshotIds.from_parent(
                self, name="snapshot-ids", page=page, ids=[b.id for b in blocks]
            )


def _site_block_ids(session: pytest.Session) -> dict[str, str]:
    """Block ids seen so far in this session, across pages (ids are unique site-wide)."""
    if not hasattr(session, "_layerref_block_ids"):
        session._layerref_block_ids = {}
    return session._layerref_block_ids


class ExecBlock(pytest.Item):
    """Run one block as the build does, then alone, then against its snapshot."""

    def __init__(self, *, block: Block, **kwargs):
        super().__init__(**kwargs)
        self.block = block
        self.add_marker(pytest.mark.docs)

    def runtest(self) -> None:
        block, config = self.block, self.config
        where = f"docs/{block.page}:{block.line} block {block.id!r}"
        docs = config.rootpath / "docs"
        timeout = float(config.getini("layerref_block_timeout"))
        broken = rules.check(block.code)
        if broken:
            raise BlockFailure(
                f"{where} breaks the rules for example blocks (docsite/rules.py):\n"
                + "".join(
                    f"  - docs/{block.page}:{block.line + v.line - 1}: [{v.rule}] {v.message}\n"
                    for v in broken
                )
            )
        if config._layerref_zygote is None:
            try:
                with _time_limit(timeout):
                    output = run_block(block, docs)
            except _Overtime:
                raise BlockFailure(f"{where} did not finish within {timeout:g} s") from None
        else:
            output = self._run_in_sequence_and_alone(where, docs, timeout)
        self._compare_with_snapshot(where, output)

    def _run_in_sequence_and_alone(self, where: str, docs: Path, timeout: float) -> str:
        """What the block printed in sequence, once its run alone printed the same."""
        block, zygote = self.block, self.config._layerref_zygote
        # The run alone goes on in a fork while this process runs the block in sequence.
        zygote.start(block, docs, timeout)
        output = None
        try:
            # A second longer than the run alone, so a block that hangs either way is
            # reported by the fork, which names the block and its limit.
            with _time_limit(timeout + 1):
                output = run_block(block, docs)  # a block that raises shows its traceback here
        except _Overtime:
            pass
        finally:
            isolated = zygote.result()
        if isolated.timed_out:
            raise BlockFailure(isolated.error)
        if output is None:
            raise BlockFailure(
                f"{where} did not finish within {timeout:g} s after the blocks "
                f"before it, though it did alone (does it wait on their state?)"
            )
        if isolated.error:
            raise BlockFailure(
                f"{where} fails when run alone, though not after the blocks "
                f"before it (does it rely on their state?):\n{isolated.error}"
            )
        if isolated.output != output:
            raise BlockFailure(
                f"{where} prints differently alone than after the blocks before it "
                f"(unseeded randomness or leaked state?):\n"
                + _diff(isolated.output, output, "alone", "in sequence")
            )
        return output

    def _compare_with_snapshot(self, where: str, output: str) -> None:
        block, config = self.block, self.config
        recorded = snapshots.recorded(block, output)
        expected = snapshots.load(block.page).get(block.id)
        found = (
            ["it has no snapshot"]
            if expected is None
            else snapshots.differences(expected, recorded)
        )
        # Re-recording keeps an entry that still matches: no churn from another CPU's digits.
        config._layerref_outputs.setdefault(block.page, {})[block.id] = (
            recorded if found else expected
        )
        if config.getoption("--update-snapshots"):
            return
        if expected is None:
            raise BlockFailure(f"{where} has no snapshot yet: run `make snapshots` and review it")
        if found:
            raise BlockFailure(
                f"{where} prints something other than its snapshot "
                f"(tests/snapshots/{block.page}):\n"
                + "".join(f"  - {difference}\n" for difference in found)
                + f"Floats may differ by one unit in their last printed digit (or 1e-4 relative, "
                f"and less than 10 %), figures by {FIGURE_TOLERANCE:g} figure units; everything "
                f"else must be equal "
                f"(docsite/compare.py). If the change is intended, run `make snapshots` and "
                f"review the diff:\n" + _diff(expected.text, recorded.text, "snapshot", "now")
            )

    def repr_failure(self, excinfo, style=None):
        if isinstance(excinfo.value, BlockFailure):
            return str(excinfo.value)
        # Show the frames in the Markdown page (and below it), not pytest's own.
        in_page = excinfo.traceback.filter(lambda entry: str(entry.path).endswith(".md"))
        if in_page:
            excinfo.traceback = excinfo.traceback[excinfo.traceback.index(in_page[0]) :]
        return super().repr_failure(excinfo, style="short")

    def reportinfo(self):
        return self.path, self.block.line - 1, f"{self.block.page}::{self.block.id}"


class SnapshotIds(pytest.Item):
    """A page's snapshot names exactly the page's blocks (none stale, none missing)."""

    def __init__(self, *, page: str, ids: list[str], **kwargs):
        super().__init__(**kwargs)
        self.page, self.ids = page, ids

    def runtest(self) -> None:
        if self.config.getoption("--update-snapshots"):
            return
        entries = snapshots.load(self.page)
        stored = list(entries)
        if stored != self.ids:
            raise BlockFailure(
                f"tests/snapshots/{self.page} does not match the blocks of docs/{self.page}: "
                f"stale {sorted(set(stored) - set(self.ids))}, "
                f"missing {sorted(set(self.ids) - set(stored))}, or a different order; "
                f"run `make snapshots`"
            )
        referenced = {name for entry in entries.values() for name in entry.figures}
        files = {
            path.relative_to(snapshots.SNAPSHOT_DIR).as_posix()
            for path in snapshots.figure_files(self.page)
        }
        if referenced != files:
            raise BlockFailure(
                f"the figure files of tests/snapshots/{self.page} are not the ones it names: "
                f"unnamed {sorted(files - referenced)}, missing {sorted(referenced - files)}; "
                f"run `make snapshots`"
            )

    def repr_failure(self, excinfo, style=None):
        return str(excinfo.value)

    def reportinfo(self):
        return self.path, 0, f"{self.page}::snapshot-ids"


class _Overtime(BaseException):
    """Raised into a block that runs too long (a BaseException, so blocks cannot catch it)."""


@contextlib.contextmanager
def _time_limit(seconds: float):
    """Interrupt the code in the ``with`` body with `_Overtime` after ``seconds``."""

    def interrupt(signum, frame):
        raise _Overtime

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _diff(a: str, b: str, a_name: str, b_name: str) -> str:
    return "".join(
        difflib.unified_diff(
            a.splitlines(keepends=True), b.splitlines(keepends=True), a_name, b_name
        )
    )
