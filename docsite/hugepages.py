"""Back a process's heap with transparent huge pages, so that forking it is cheap.

`fork` copies the parent's page tables and `exit` tears the child's down: work in
proportion to the number of pages mapped. The zygote of `docsite.isolation`
holds about 240 MB of Python and torch heap in 4 KiB pages and forks once per block.
Collapsing that heap into 2 MiB pages, once, cuts each fork-and-exit from about 25 ms
to about 7 ms on the 2-core CI machine (a virtual machine, where page-table updates
are dear): some 10 CPU-seconds per test run (``scripts/bench.py`` prints the figures).

A child that writes to a shared huge page copies only the 4 KiB it touches, so the
children's memory use does not grow. This is an optimisation only: where the kernel
offers no huge pages (not Linux, THP set to ``never``, a kernel before 6.1 without
``MADV_COLLAPSE``) nothing changes and nothing fails.
"""

from __future__ import annotations

import ctypes
import sys

# Linux 6.1+: collapse now, synchronously. Unlike MADV_HUGEPAGE it leaves later faults
# alone: the children's new allocations stay in 4 KiB pages (measured a little faster).
_MADV_COLLAPSE = 25
_HUGE_PAGE = 2 << 20


def _private_anonymous_ranges(maps: str) -> list[tuple[int, int]]:
    """The 2 MiB-aligned parts of the writable private anonymous mappings in ``maps``.

    Args:
        maps: The text of ``/proc/<pid>/maps``.

    Returns:
        ``(start, end)`` addresses, each range whole huge pages.

    Example:
        >>> _private_anonymous_ranges(
        ...     "00100000-00700000 rw-p 00000000 00:00 0 \\n"
        ...     "00700000-00900000 r--p 00000000 08:01 42 /usr/lib/libc.so\\n")
        [(2097152, 6291456)]
    """
    ranges = []
    for line in maps.splitlines():
        fields = line.split()
        path = fields[5] if len(fields) > 5 else ""
        if fields[1] != "rw-p" or path not in ("", "[heap]"):
            continue  # code, data of files, the stack and shared memory stay as they are
        start, end = (int(address, 16) for address in fields[0].split("-"))
        start = -(-start // _HUGE_PAGE) * _HUGE_PAGE
        end = end // _HUGE_PAGE * _HUGE_PAGE
        if end > start:
            ranges.append((start, end))
    return ranges


def collapse_heap_into_huge_pages() -> int:
    """Move this process's anonymous memory into transparent huge pages where possible.

    Returns:
        How many bytes were collapsed (0 where the system offers no huge pages).
    """
    if not sys.platform.startswith("linux"):
        return 0
    libc = ctypes.CDLL(None, use_errno=True)
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    with open("/proc/self/maps", encoding="ascii") as maps:
        ranges = _private_anonymous_ranges(maps.read())
    collapsed = 0
    for start, end in ranges:
        # Some ranges cannot be collapsed (partly unmapped pages, say); skip those.
        if libc.madvise(start, end - start, _MADV_COLLAPSE) == 0:
            collapsed += end - start
    return collapsed
