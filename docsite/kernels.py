"""Run every page's blocks under torch's other CPU kernel sets, as another machine would.

torch picks its vectorised kernels (``DEFAULT``, ``AVX2``, ``AVX512`` on x86) by what the
CPU offers; ``ATEN_CPU_CAPABILITY`` makes it use a lower set on the same machine. The
kernels round the last bit of some results differently, so this is the quickest way to
see what another CPU prints: every block must still match its snapshot (within the
tolerance of `docsite.compare`). The blocks run in sequence only: running each alone
as well proves nothing more under other kernels.

Usage::

    .venv/bin/python -m docsite.kernels [extra pytest arguments]
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


_BELOW = {"AVX512": ["default", "avx2"], "AVX2": ["default"], "DEFAULT": []}


def other_kernel_sets(native: str) -> list[str]:
    """The kernel sets below ``native`` (torch's name for this CPU's own) worth running.

    Examples:
        >>> other_kernel_sets("AVX512"), other_kernel_sets("AVX2"), other_kernel_sets("SVE256")
        (['default', 'avx2'], ['default'], ['default'])
    """
    return _BELOW.get(native.upper(), ["default"])


def command(extra: list[str]) -> list[str]:
    """The pytest run of every page's blocks, in sequence only."""
    return [
        sys.executable,
        "-m",
        "pytest",
        "docs",
        "-p",
        "no:cacheprovider",
        "-o",
        "layerref_isolate=false",
        *extra,
    ]


def main(argv: list[str]) -> int:
    import torch

    native = torch.backends.cpu.get_cpu_capability()
    worst = 0
    for kernels in other_kernel_sets(native):
        print(
            f"== the blocks with ATEN_CPU_CAPABILITY={kernels} (this CPU's own: {native})",
            flush=True,
        )
        env = {**os.environ, "ATEN_CPU_CAPABILITY": kernels, "PYTHONPATH": str(ROOT)}
        worst = max(worst, subprocess.run(command(argv), cwd=ROOT, env=env).returncode)
    return worst


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
