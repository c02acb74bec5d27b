"""Run example blocks alone, each in a fresh fork of a clean process, with a time limit.

A *zygote* process is forked once, right after torch is imported and before any
block has run. For each block it forks a child that runs only that block, so
the block sees a process in which nothing else ran: no seeded or advanced RNG,
no leftover state. The child is killed if it exceeds its time limit.
"""

from __future__ import annotations

import gc
import multiprocessing as mp
import os
import pickle
import select
import signal
import time
import traceback
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from docsite.blocks import Block
from docsite.hugepages import collapse_heap_into_huge_pages
from docsite.runner import run_block


@dataclass(frozen=True)
class IsolatedRun:
    """What a block printed when run alone, or why it failed."""

    output: str
    error: str = ""
    timed_out: bool = False


def _run_in_fork(block: Block, docs_dir: Path, timeout: float) -> IsolatedRun:
    """Fork, run the block in the child, and collect its result within ``timeout`` seconds."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: run, report, and leave without running any exit handlers
        os.close(read_end)
        try:
            result = IsolatedRun(run_block(block, docs_dir))
        except BaseException:  # report everything, SystemExit included
            result = IsolatedRun("", traceback.format_exc())
        with os.fdopen(write_end, "wb") as pipe:
            pickle.dump(result, pipe)
        os._exit(0)
    os.close(write_end)
    data = _read_until_eof(read_end, deadline=time.monotonic() + timeout)
    if data is None:
        os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    if data is None:
        return IsolatedRun(
            "",
            f"block {block.id!r} (docs/{block.page}:{block.line}) did not "
            f"finish within {timeout:g} s and was stopped",
            timed_out=True,
        )
    if not data:
        return IsolatedRun("", "the block's process exited without reporting")
    return pickle.loads(data)


def _read_until_eof(fd: int, deadline: float) -> bytes | None:
    """Everything written to ``fd`` until its writer closes it, or ``None`` past the deadline."""
    chunks = []
    with os.fdopen(fd, "rb", buffering=0) as pipe:
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not select.select([pipe], [], [], remaining)[0]:
                return None
            chunk = pipe.read(1 << 16)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)


def warm_up_for_blocks() -> None:
    """Pay once the first-call costs every block's fork would otherwise pay again.

    The first `torch.testing.assert_close` imports ~500 modules (sympy among them), the
    first figure loads matplotlib's fonts, and `torch._dynamo` (imported by the DDP
    constructor and `torch.nn.attention`) takes 2.5 s: seconds per block if each fork
    did it. None of this touches the random number generators or anything a block prints.
    """
    import torch
    import torch._dynamo

    from docsite.figures import new_figure, to_svg

    torch.testing.assert_close(torch.zeros(2), torch.zeros(2))
    repr(torch.zeros(2))
    figure, axes = new_figure()
    axes.plot([0, 1], [0, 1])
    to_svg(figure, "warm-up")
    # The Calculators page's two blocks read the torch-made cases (2.3 s to make, then
    # cached): made once here, every fork has them.
    from docsite.calculator_cases import cases

    cases()


def _zygote(requests: Connection, warm_up: bool) -> None:
    if warm_up:
        warm_up_for_blocks()
    # Children share the zygote's memory copy-on-write; a garbage collection in a child
    # would touch every object header and copy the whole heap. Frozen objects are skipped.
    gc.freeze()
    collapse_heap_into_huge_pages()  # forks then cost about a quarter as much (hugepages.py)
    while (request := requests.recv()) is not None:
        requests.send(_run_in_fork(*request))


class Zygote:
    """A clean process that forks one child per block."""

    def __init__(self, warm_up: bool = True) -> None:
        """Fork the zygote.

        Args:
            warm_up: Pay the blocks' common first-call costs once, in the zygote (about
                5 CPU-seconds; worth it unless only a few blocks will run).
        """
        context = mp.get_context("fork")
        self._conn, theirs = context.Pipe()
        self._process = context.Process(target=_zygote, args=(theirs, warm_up), daemon=True)
        self._process.start()

    def start(self, block: Block, docs_dir: Path, timeout: float) -> None:
        """Start running ``block`` alone in a fresh fork; stop it after ``timeout`` seconds.

        The run proceeds in the background (on another core, if there is one) until
        `result` collects it; one run at a time.
        """
        self._conn.send((block, docs_dir, timeout))

    def result(self) -> IsolatedRun:
        """Wait for the run `start` began and return its result."""
        return self._conn.recv()

    def close(self) -> None:
        """Stop the zygote."""
        self._conn.send(None)
        self._process.join(timeout=5)
