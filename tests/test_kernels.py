"""Every block matches its snapshot under torch's other CPU kernel sets (docsite.kernels)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import torch
from background import Command, recipe

from docsite.kernels import other_kernel_sets
from docsite.minisite import ROOT

pytestmark = pytest.mark.build


@recipe("other_kernels_run", deferrable=True)
def _run_the_blocks_under_other_kernels(workdir: Path) -> Command:
    return Command([sys.executable, "-m", "docsite.kernels"], ROOT)


@pytest.fixture(scope="module")
def other_kernels_run(jobs) -> subprocess.CompletedProcess[str]:
    """The blocks' run under the other kernel sets (started once collection is over)."""
    return jobs.result("other_kernels_run")


def test_blocks_print_their_snapshots_under_other_cpu_kernels(other_kernels_run):
    """What another CPU prints (last digits, figure coordinates) still matches the snapshots."""
    result = other_kernels_run
    used = re.findall(r"CPU kernels: (\w+)", result.stdout)
    wanted = [name.upper() for name in other_kernel_sets(torch.backends.cpu.get_cpu_capability())]
    assert used == wanted, result.stdout[-2000:]
    assert result.returncode == 0, result.stdout[-6000:]
