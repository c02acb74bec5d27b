"""The zygote's heap moves into huge pages, its contents untouched (docsite.hugepages)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")
HUGEPAGES = Path(__file__).parents[1] / "docsite" / "hugepages.py"


def _kernel_has_madv_collapse() -> bool:
    major, minor = (int(part) for part in os.uname().release.split(".")[:2])
    return (major, minor) >= (6, 1)


@pytest.mark.skipif(
    not THP.is_file() or "[never]" in THP.read_text() or not _kernel_has_madv_collapse(),
    reason="this system offers no transparent huge pages on request",
)
def test_a_heap_is_collapsed_into_huge_pages_with_its_contents_unchanged():
    # A fresh interpreter, so this test process's own memory is left as it is.
    # The module is loaded from its file: importing the layerref package would import torch.
    script = f"""
import hashlib, importlib.util, json
spec = importlib.util.spec_from_file_location("hugepages", {str(HUGEPAGES)!r})
hugepages = importlib.util.module_from_spec(spec)
spec.loader.exec_module(hugepages)

def anon_huge_kib():
    with open("/proc/self/smaps_rollup") as f:
        return next(int(l.split()[1]) for l in f if l.startswith("AnonHugePages:"))

heap = bytearray(bytes(range(251)) * ((64 << 20) // 251))  # no page is all zeros
digest, before = hashlib.sha256(heap).hexdigest(), anon_huge_kib()
collapsed = hugepages.collapse_heap_into_huge_pages()
print(json.dumps({{"collapsed": collapsed, "gained_kib": anon_huge_kib() - before,
                  "unchanged": hashlib.sha256(heap).hexdigest() == digest}}))
"""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    figures = json.loads(result.stdout)
    assert figures["unchanged"]
    assert figures["collapsed"] >= 48 << 20  # most of the 64 MiB, less the unaligned ends
    assert figures["gained_kib"] >= 48 << 10
